import { SequenceTimerService, type TimerNamespace } from "../keyed/timer-service.ts";
import { describeError, OperatorError, PipelineDefinitionError } from "../runtime/errors.ts";
import type { OperatorFactory, OperatorSnapshot } from "../runtime/operator.ts";
import type { Key } from "../state/key-group.ts";
import { gridOf } from "./assigners.ts";
import { columnarWindowStore } from "./columnar-window-store.ts";
import { keyedWindowStore } from "./keyed-window-store.ts";
import { eventTimeTrigger } from "./triggers.ts";
import type { TimeWindow } from "./window.ts";
import type { EncodedOperatorState } from "./window-slots.ts";
import { decodeWindowGroups, encodeWindowGroups } from "./window-snapshot.ts";
import type {
  WindowOperatorConfig,
  WindowStateStore,
  WindowStoreFactory,
  WindowStoreHost,
} from "./window-store.ts";

export type { WindowOperatorConfig } from "./window-store.ts";

/**
 * The window operator, with the semantics of Flink's `WindowOperator`:
 *
 * - Each record is assigned to its windows (by event time, or by processing time for
 *   processing-time assigners) and added to each window's accumulator; the trigger decides when a
 *   window fires (emits `fire(...)` results stamped `end − 1`) and purges.
 * - Event-time lateness: a window is late when `end − 1 + allowedLateness <= watermark`; a record
 *   skips its late windows and is added to the others. A record all of whose windows are late goes
 *   to `lateDataTag` (or is counted in `lateRecordsDropped`).
 * - A window's state is removed by a cleanup timer at `end − 1 + allowedLateness` (event time) or
 *   `end − 1` (processing time); never for the global window. When the trigger's timer and the
 *   cleanup timer coincide, the window fires first and is cleared after.
 * - Merging (session) windows: a record's window merges with the key's windows it overlaps or
 *   touches; accumulators are merged earlier window first, `trigger.onMerge` re-registers timers
 *   for the merged window and the merged-away windows are cleared.
 * - End of input: the final watermark (+Infinity) closes event-time windows; a window cleaned up
 *   then that holds records its trigger never emitted (e.g. a count trigger's remainder) fires
 *   once first, and `finish()` fires every window still holding unemitted records (processing-time
 *   windows, global windows with a count trigger). Flink drops these silently; we emit them. Only
 *   the global window with `neverTrigger` keeps its contents unemitted. Mid-stream, a window cleaned
 *   up with unemitted records loses them, as in Flink: that is what the trigger asked for.
 * - Failures: a throwing key selector, aggregate or result function, or a record without a finite
 *   event time (for event-time assigners), hands that record to `context.fail`. A result function
 *   that throws while a timer fires has no record to blame: the job fails, naming the key and window.
 * - Checkpoints: all window state, timers included, is written per key group (a versioned blob
 *   only this operator reads); the watermark is kept too, so records after a restore are judged
 *   late exactly as they were before.
 *
 * It is a coordinator: it owns the watermark, the one timer service (whose counter numbers every
 * window and timer, so ties fire in creation order), late data, failures and the checkpoint's
 * versioned blob, and keeps windows in a {@link WindowStateStore}. Event-time tumbling and sliding
 * windows with the default `eventTimeTrigger` (the common case) get the columnar store (windows
 * grouped by bounds, fired and cleared a bucket at a time, accumulators in typed arrays when the
 * aggregate has a columnar form); everything else the keyed store (a slot per key and window with
 * its trigger state and timers). Both give the same results and read each other's checkpoints.
 *
 * Users reach it through `keyBy(...).window(...)`; the DSL passes the settings.
 *
 * @example
 * const counts = input.transform("window", windowOperator({
 *   keyOf: (c: Click) => c.page,
 *   assigner: tumbling(60_000),
 *   trigger: eventTimeTrigger(),
 *   allowedLateness: 0,
 *   lateDataTag: undefined,
 *   aggregate: count(),
 *   fire: (key, window, acc, emit) => emit({ key, window, value: acc }),
 * }));
 */
export function windowOperator<T, TKey extends Key, TWindow extends TimeWindow, TAcc, TOut>(
  config: WindowOperatorConfig<T, TKey, TWindow, TAcc, TOut>,
): OperatorFactory<T, TOut> {
  validate(config);
  const { assigner } = config;
  // Every window's timers are known when it is created: buckets of windows by bounds instead of
  // per-window timers.
  const columnar =
    assigner.eventTime && config.trigger === eventTimeTrigger() && gridOf(assigner) !== undefined;
  return coordinator(config, columnar ? columnarWindowStore : keyedWindowStore);
}

/**
 * The window operator on the keyed store, whatever the assigner and trigger: what
 * {@link windowOperator} runs unless the columnar store applies.
 *
 * @internal Exported so that tests can hold the columnar store to it.
 */
export function genericWindowOperator<T, TKey extends Key, TWindow extends TimeWindow, TAcc, TOut>(
  config: WindowOperatorConfig<T, TKey, TWindow, TAcc, TOut>,
): OperatorFactory<T, TOut> {
  validate(config);
  return coordinator(config, keyedWindowStore);
}

function validate<T, TKey extends Key, TWindow extends TimeWindow, TAcc, TOut>(
  config: WindowOperatorConfig<T, TKey, TWindow, TAcc, TOut>,
): void {
  const { assigner, trigger } = config;
  if (assigner.merging && trigger.onMerge === undefined) {
    throw new PipelineDefinitionError(
      `window(${assigner.description}): trigger ${trigger.description} cannot be used with merging windows (it has no onMerge)`,
    );
  }
  if (!Number.isFinite(config.allowedLateness) || config.allowedLateness < 0) {
    throw new PipelineDefinitionError(
      `allowedLateness must be a finite number >= 0, got ${config.allowedLateness}`,
    );
  }
}

/**
 * The operator itself: the same for every store. It runs records a batch at a time into the
 * store (a record that throws is failed and the batch goes on from the next), advances the
 * watermark (never back), names the window whose result function threw, and wraps the store's
 * key groups in the versioned blob of `window-snapshot.ts`.
 */
function coordinator<T, TKey extends Key, TWindow extends TimeWindow, TAcc, TOut>(
  config: WindowOperatorConfig<T, TKey, TWindow, TAcc, TOut>,
  createStore: WindowStoreFactory<T, TKey, TWindow, TAcc, TOut>,
): OperatorFactory<T, TOut> {
  const { lateDataTag } = config;
  return (context, output) => {
    const metrics = context.metrics;
    // Assigned below: the timer service calls into the store, which the host is built for.
    let store!: WindowStateStore<T>;

    const failFiring = (error: unknown): never => {
      const window = store.firing();
      if (error instanceof OperatorError || window === undefined) throw error;
      throw new OperatorError(
        context.name,
        `firing window [${window.start}, ${window.end}) of key ${String(window.key)} failed: ${describeError(error)}`,
        { cause: error },
      );
    };

    const host: WindowStoreHost<T> = {
      context,
      watermark: context.currentWatermark(),
      // Windows and timers are numbered from the one counter: windows due together fire by it.
      timers: new SequenceTimerService<TimerNamespace>({
        onTimer: (namespace, time, domain) => {
          try {
            store.onTimer(namespace, time, domain);
          } catch (error) {
            failFiring(error);
          }
        },
        scheduleProcessingTime: (at, callback) => context.scheduleProcessingTime(at, callback),
        now: () => context.clock.now(),
      }),
      lateRecord: (value, timestamp) => {
        if (lateDataTag !== undefined) {
          output.emitSide(lateDataTag, value, timestamp);
          metrics.lateRecordsSideOutput++;
        } else {
          metrics.lateRecordsDropped++;
        }
      },
    };
    store = createStore(config, host, output);

    return {
      processBatch({ values, timestamps }) {
        const n = values.length;
        let i = 0;
        while (i < n) {
          try {
            store.addRecords(values, timestamps, i);
            return;
          } catch (error) {
            i = store.position;
            context.fail(error, values[i], timestamps[i]!);
            i++;
          }
        }
      },

      processWatermark(timestamp) {
        // After a restore the runtime's watermark starts over; ours does not go back.
        if (timestamp <= host.watermark) return;
        host.watermark = timestamp;
        try {
          store.advanceWatermark(timestamp);
        } catch (error) {
          failFiring(error);
        }
      },

      close() {
        host.timers.close();
      },

      finish() {
        try {
          store.finish();
        } catch (error) {
          failFiring(error);
        }
      },

      snapshotState(full): OperatorSnapshot {
        const operator: EncodedOperatorState = { watermark: host.watermark };
        return { keyGroups: encodeWindowGroups(store.snapshot(full)), operator };
      },

      restoreState(snapshot) {
        const restored = snapshot.operator as EncodedOperatorState | undefined;
        const checkpointWatermark = restored?.watermark ?? Number.NEGATIVE_INFINITY;
        // Before the store reads its windows: the watermark says which have fired.
        if (checkpointWatermark > host.watermark) host.watermark = checkpointWatermark;
        store.restore(decodeWindowGroups(snapshot.keyGroups ?? []), checkpointWatermark);
      },
    };
  };
}
