import { Observable, type OperatorFunction } from "rxjs";
import type { Key } from "../state/key-group.ts";
import type { Cancel } from "../time/clock.ts";
import type { StreamElement } from "./elements.ts";
import { describeError, OperatorError } from "./errors.ts";
import type { OperatorMetrics } from "./metrics.ts";
import type { OperatorContext, OperatorFactory, Output } from "./operator.ts";
import type { FailedRecord, OutputTag } from "./output-tag.ts";
import { type StageRuntime, serializeSnapshot } from "./stage-runtime.ts";

/**
 * What an operator does to how records are partitioned, for a job run on several workers: a keyed
 * operator names its key selector (its state is kept per key group of that key; `perRecord`: it
 * emits for each record at once, in order, with no timers — `reduce`); `forwards` says
 * the operator passes records on unchanged or drops them (`filter`, `withWatermarks`), so a key
 * of its input is a key of its output; `asserted` says the user asserts the records are already
 * partitioned by that key (`reinterpretAsKeyed`), which the operator checks per record;
 * `per-record` says it turns each record into zero or more records, at once and in order, with no
 * state or timers (`map`, `flatMap`): a key of its input is not one of its output, but a
 * repartition may follow it (records are numbered after it). Anything else is unknown.
 */
export type OperatorPartitioning =
  | { readonly keyOf: (value: unknown) => Key; readonly perRecord?: true }
  | { readonly asserted: (value: unknown) => Key }
  | "forwards"
  | "per-record";

/** How a graph node describes its operator to the runtime. */
export interface OperatorSpec<TIn, TOut> {
  /** Stable id: the key of its state in checkpoints. */
  readonly id: string;
  readonly factory: OperatorFactory<TIn, TOut>;
  readonly errors?: OutputTag<FailedRecord<TIn>> | undefined;
  /** See {@link OperatorPartitioning}; `undefined`: unknown. */
  readonly partitioning?: OperatorPartitioning | undefined;
}

/**
 * Records an operator emits go downstream once this many have gathered, even mid-element: a
 * watermark that fires a window of many keys then hands its results on while they are young, so
 * the collector need not promote (or V8 pretenure) a whole firing's worth of objects.
 */
const MAX_BATCH = 1_024;

/** Collects what an operator emits and sends it downstream in batches, before control elements. */
class BatchingOutput<TOut> implements Output<TOut> {
  #values: TOut[] = [];
  #timestamps: number[] = [];
  #side = new Map<OutputTag<unknown>, { values: unknown[]; timestamps: number[] }>();

  constructor(
    private readonly downstream: { next(element: StreamElement<TOut>): void },
    private readonly onWatermark: (timestamp: number) => void,
    private readonly counted: Pick<OperatorMetrics, "recordsOut" | "countSideOutput">,
  ) {}

  emit(value: TOut, timestamp: number): void {
    this.#values.push(value);
    this.#timestamps.push(timestamp);
    if (this.#values.length >= MAX_BATCH) this.flush();
  }

  emitBatch(values: TOut[], timestamps: number[]): void {
    if (values.length === 0) return;
    this.flush();
    this.counted.recordsOut += values.length;
    this.downstream.next({ kind: "data", values, timestamps });
  }

  emitSide<TSide>(tag: OutputTag<TSide>, value: TSide, timestamp: number): void {
    let side = this.#side.get(tag);
    if (!side) {
      side = { values: [], timestamps: [] };
      this.#side.set(tag, side);
    }
    side.values.push(value);
    side.timestamps.push(timestamp);
  }

  emitWatermark(timestamp: number): void {
    this.flush();
    this.onWatermark(timestamp);
  }

  flush(): void {
    if (this.#values.length > 0) {
      const values = this.#values;
      const timestamps = this.#timestamps;
      this.#values = [];
      this.#timestamps = [];
      this.counted.recordsOut += values.length;
      this.downstream.next({ kind: "data", values, timestamps });
    }
    if (this.#side.size > 0) {
      const sides = this.#side;
      this.#side = new Map();
      for (const [tag, { values, timestamps }] of sides) {
        this.counted.countSideOutput(tag.id, values.length);
        // Side batches carry their tag's type, not TOut: consumers pick them out by tag.
        this.downstream.next({ kind: "data", values: values as TOut[], timestamps, tag });
      }
    }
  }
}

/**
 * Runs an operator on RxJS: the one adapter between operator logic and the element stream. It
 * feeds the operator in input order, flushes its output after each element, forwards watermarks
 * after the operator has fired what they make due, snapshots state as a barrier passes, and turns
 * a throw into a job failure that names the operator.
 *
 * Side-output batches of the upstream operator are not this operator's input and are skipped.
 */
export function operatorStage<TIn, TOut>(
  spec: OperatorSpec<TIn, TOut>,
  runtime: StageRuntime,
): OperatorFunction<StreamElement<TIn>, StreamElement<TOut>> {
  return (upstream) =>
    new Observable<StreamElement<TOut>>((subscriber) => {
      const metrics = runtime.metrics.forOperator(spec.id);
      let watermark = Number.NEGATIVE_INFINITY;
      const timers = new Set<Cancel>();
      let failed = false;
      /** Past a final barrier: the run stops at that checkpoint, so timers must not emit past it. */
      let holdingTimers = false;

      const forwardWatermark = (timestamp: number) => {
        metrics.watermark = timestamp;
        subscriber.next({ kind: "watermark", timestamp });
      };
      const output = new BatchingOutput<TOut>(subscriber, forwardWatermark, metrics);

      const failJob = (error: unknown) => {
        if (failed) return;
        failed = true;
        subscriber.error(
          error instanceof OperatorError
            ? error
            : new OperatorError(spec.id, describeError(error), { cause: error }),
        );
      };

      const splitWatermarks = runtime.splitWatermarks;
      const context: OperatorContext = {
        name: spec.id,
        clock: runtime.clock,
        keyGroups: runtime.keyGroups,
        metrics,
        ownedKeyGroups: runtime.ownedKeyGroups,
        deadLetters: runtime.deadLetters?.(spec.id),
        splitWatermark: splitWatermarks && ((split, at) => splitWatermarks.report(spec.id, split, at)),
        restoredSplitWatermarks: splitWatermarks && (() => splitWatermarks.restoredFor(spec.id)),
        currentWatermark: () => watermark,
        scheduleProcessingTime(at, callback) {
          const cancel = runtime.clock.schedule(at, () => {
            timers.delete(cancel);
            if (failed || subscriber.closed || holdingTimers) return;
            try {
              callback();
              output.flush();
            } catch (error) {
              failJob(error);
            }
          });
          timers.add(cancel);
          return () => {
            timers.delete(cancel);
            cancel();
          };
        },
        fail(error, value, timestamp) {
          const reason = describeError(error);
          if (spec.errors === undefined) {
            throw new OperatorError(spec.id, `failed on a record (timestamp ${timestamp}): ${reason}`, {
              cause: error,
            });
          }
          metrics.failedRecords++;
          output.emitSide(
            spec.errors,
            { value: value as TIn, timestamp, operator: spec.id, error: reason },
            timestamp,
          );
        },
      };

      let operator: ReturnType<OperatorFactory<TIn, TOut>>;
      try {
        operator = spec.factory(context, output);
        const restored = runtime.restoredState(spec.id);
        if (restored) operator.restoreState?.(restored);
      } catch (error) {
        failJob(error);
        return;
      }

      const subscription = upstream.subscribe({
        next(element) {
          if (failed) return;
          try {
            switch (element.kind) {
              case "data":
                if (element.tag !== undefined) return;
                metrics.recordsIn += element.values.length;
                operator.processBatch(element);
                output.flush();
                return;
              case "watermark":
                if (operator.generatesWatermarks) {
                  // Only the end of input reaches past an assigner: it closes every window.
                  if (element.timestamp === Number.POSITIVE_INFINITY)
                    operator.processWatermark?.(element.timestamp);
                  output.flush();
                  return;
                }
                if (element.timestamp <= watermark) return;
                watermark = element.timestamp;
                operator.processWatermark?.(watermark);
                output.flush();
                forwardWatermark(watermark);
                return;
              case "split-status":
                operator.processSplitStatus?.(element);
                output.flush();
                if (!operator.generatesWatermarks) subscriber.next(element);
                return;
              case "barrier": {
                if (element.final) holdingTimers = true;
                const snapshot = operator.snapshotState?.(element.full) ?? {};
                runtime.acknowledgeOperator(
                  spec.id,
                  element.checkpointId,
                  serializeSnapshot(snapshot, runtime.serde),
                );
                output.flush();
                subscriber.next(element);
                return;
              }
              case "end":
                operator.finish?.();
                output.flush();
                subscriber.next(element);
                return;
            }
          } catch (error) {
            failJob(error);
          }
        },
        error: (error) => failJob(error),
        complete: () => subscriber.complete(),
      });

      return () => {
        subscription.unsubscribe();
        for (const cancel of timers) cancel();
        timers.clear();
        operator.close?.();
      };
    });
}
