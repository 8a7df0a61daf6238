import type { SplitId } from "../runtime/elements.ts";
import type { OperatorFactory } from "../runtime/operator.ts";
import type { Cancel } from "../time/clock.ts";
import type { WatermarkGenerator, WatermarkStrategy } from "./watermark-strategy.ts";

/** Records that carry no split (e.g. after a union, or from the test harness) share this one. */
const DEFAULT_SPLIT: SplitId = "";

interface SplitWatermarks {
  readonly generator: WatermarkGenerator;
  /** The split's watermark where it was restored from (`-Infinity` if none was kept). */
  readonly floor: number;
  /** Processing time of the split's last record. */
  lastActive: number;
  idle: boolean;
}

/**
 * Assigns event times (with `timestampOf`, or keeping those the source assigned when it is
 * undefined) and generates the stream's watermark: one generator per split, the
 * watermark is the minimum over splits that are neither idle nor finished, emitted after each batch
 * when it advanced. A split is idle when the source says so, or after `strategy.idleness` ms of
 * processing time without records; it rejoins the minimum with its next record (whose timestamp
 * may then be late: the watermark never goes back). A split restored from a checkpoint starts at
 * the watermark it had there, where the checkpoint kept one, rather than at `-Infinity`.
 */
export function timestampAssigner<T>(
  strategy: WatermarkStrategy,
  timestampOf: ((value: T) => number) | undefined,
): OperatorFactory<T, T> {
  return (context, output) => {
    const splits = new Map<SplitId, SplitWatermarks>();
    let emitted = Number.NEGATIVE_INFINITY;
    let idlenessCheck: Cancel | undefined;

    const create = (id: SplitId, floor: number): SplitWatermarks => {
      const split = {
        generator: strategy.createGenerator(),
        floor,
        lastActive: context.clock.now(),
        idle: false,
      };
      splits.set(id, split);
      return split;
    };
    const splitOf = (id: SplitId): SplitWatermarks => {
      let split = splits.get(id);
      if (!split) {
        split = create(id, Number.NEGATIVE_INFINITY);
        // Known from now on: a checkpoint keeps it, so a restore holds the watermark for it too.
        context.splitWatermark?.(id, Number.NEGATIVE_INFINITY);
      }
      return split;
    };
    const watermarkOf = (split: SplitWatermarks) => Math.max(split.floor, split.generator.currentWatermark());

    const emitIfAdvanced = () => {
      let min = Number.POSITIVE_INFINITY;
      let active = 0;
      for (const split of splits.values()) {
        if (split.idle) continue;
        active++;
        const wm = watermarkOf(split);
        if (wm < min) min = wm;
      }
      // With every split idle the stream is idle: the watermark waits rather than jumping ahead.
      if (active > 0 && min > emitted && min !== Number.POSITIVE_INFINITY) {
        emitted = min;
        output.emitWatermark(min);
      }
    };

    const scheduleIdlenessCheck = (timeout: number) => {
      idlenessCheck = context.scheduleProcessingTime(context.clock.now() + timeout / 2, () => {
        const now = context.clock.now();
        for (const split of splits.values()) {
          if (!split.idle && now - split.lastActive >= timeout) split.idle = true;
        }
        emitIfAdvanced();
        scheduleIdlenessCheck(timeout);
      });
    };
    if (strategy.idleness !== undefined) scheduleIdlenessCheck(strategy.idleness);

    // Restored: every split known at the checkpoint, at its floor, before any record. The
    // watermark goes out at once — a split with nothing left to read sends nothing that would.
    const restored = context.restoredSplitWatermarks?.() ?? new Map<string, number>();
    for (const [id, floor] of restored) create(id, floor);
    if (restored.size > 0) context.scheduleProcessingTime(context.clock.now(), emitIfAdvanced);

    return {
      generatesWatermarks: true,
      processBatch({ values, timestamps, split: splitId }) {
        const split = splitOf(splitId ?? DEFAULT_SPLIT);
        split.idle = false;
        split.lastActive = context.clock.now();
        const generator = split.generator;
        const assigned = new Array<number>(values.length);
        let kept = values;
        let n = 0;
        let i = 0;
        while (i < values.length) {
          try {
            for (; i < values.length; i++) {
              const timestamp = timestampOf === undefined ? timestamps[i]! : timestampOf(values[i]!);
              if (!Number.isFinite(timestamp)) {
                throw new TypeError(`the timestamp is not a finite number: ${String(timestamp)}`);
              }
              generator.onEvent(timestamp);
              assigned[n++] = timestamp;
              if (kept !== values) kept.push(values[i]!);
            }
          } catch (error) {
            // From the first failure on, the kept records are copied instead of shared.
            if (kept === values) kept = values.slice(0, i);
            context.fail(error, values[i], timestamps[i]!);
            i++;
          }
        }
        assigned.length = n;
        output.emitBatch(kept, assigned);
        if (splitId !== undefined) context.splitWatermark?.(splitId, watermarkOf(split));
        emitIfAdvanced();
      },
      processSplitStatus({ split: splitId, status }) {
        const split = splitOf(splitId);
        if (status === "active") {
          split.idle = false;
          split.lastActive = context.clock.now();
        } else {
          // A finished split will send nothing more; an idle one is left out until it does.
          split.idle = true;
          if (status === "finished") context.splitWatermark?.(splitId, Number.POSITIVE_INFINITY);
        }
        emitIfAdvanced();
      },
      processWatermark(watermark) {
        // Only the final watermark of a bounded input gets here.
        if (watermark > emitted) {
          emitted = watermark;
          output.emitWatermark(watermark);
        }
      },
      close() {
        idlenessCheck?.();
      },
    };
  };
}
