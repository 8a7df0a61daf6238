import type { KeyGroupSnapshot, OpaqueKeyGroupSnapshot } from "../state/keyed-heap.ts";
import type { Cancel, Clock } from "../time/clock.ts";
import type { DeadLetterOutput } from "./dead-letters.ts";
import type { DataBatch, SplitStatus } from "./elements.ts";
import type { OperatorMetrics } from "./metrics.ts";
import type { FailedRecord, OutputTag } from "./output-tag.ts";

/**
 * Where an operator sends what it produces. Records emitted while handling one input element are
 * sent downstream in order, in batches (one when the handler returns, earlier ones of a thousand
 * or so while it emits many), and always before any watermark that follows them.
 *
 * @example
 * // An operator that emits each record twice.
 * const twice: OperatorFactory<string, string> = (_context, output: Output<string>) => ({
 *   processBatch(batch) {
 *     for (let i = 0; i < batch.values.length; i++) {
 *       output.emit(batch.values[i]!, batch.timestamps[i]!);
 *       output.emit(batch.values[i]!, batch.timestamps[i]!);
 *     }
 *   },
 * });
 */
export interface Output<TOut> {
  /** Emits one record with event time `timestamp`. */
  emit(value: TOut, timestamp: number): void;
  /**
   * Emits a whole batch at once (the fast path for record-at-a-time operators such as `map`).
   * The arrays are handed over: the caller must not change them afterwards.
   */
  emitBatch(values: TOut[], timestamps: number[]): void;
  /** Emits one record to a side output. */
  emitSide<TSide>(tag: OutputTag<TSide>, value: TSide, timestamp: number): void;
  /** Emits a watermark (only for operators that set `generatesWatermarks`). */
  emitWatermark(timestamp: number): void;
}

/**
 * What the runtime gives an operator.
 *
 * @example
 * // Drops records older than a minute of processing time, counting them as failed.
 * const fresh: OperatorFactory<Click, Click> = (context: OperatorContext, output) => ({
 *   processBatch(batch) {
 *     const cutoff = context.clock.now() - minutes(1);
 *     for (let i = 0; i < batch.values.length; i++) {
 *       if (batch.timestamps[i]! >= cutoff) output.emit(batch.values[i]!, batch.timestamps[i]!);
 *       else context.metrics.failedRecords++;
 *     }
 *   },
 * });
 */
export interface OperatorContext {
  /** Name used in error messages and metrics, e.g. `window(tumbling 1m).aggregate(count)#4`. */
  readonly name: string;
  /** Processing time. */
  readonly clock: Clock;
  /** Number of key groups keyed state is split into (fixed for a job's life). */
  readonly keyGroups: number;
  /** The operator's counters (records in and out are counted by the runtime). */
  readonly metrics: OperatorMetrics;
  /**
   * On one of several workers, the key groups whose state this worker owns (those of the splits
   * it reads); `undefined` when one process runs the whole job and owns them all.
   */
  readonly ownedKeyGroups?: ReadonlySet<number> | undefined;
  /**
   * Where to set aside a record the operator must not process, with a reason (the job's
   * dead-letter sink, or the log); like a connector's, `send` never throws.
   */
  readonly deadLetters?: DeadLetterOutput | undefined;
  /**
   * Told, by a watermark assigner (`withWatermarks`), the watermark of a source split it tracks
   * after each of the split's batches (`split` as the records carry it: `<source>/<split>`),
   * `-Infinity` as it learns of a split, `Infinity` once the split finished. A checkpoint keeps it
   * beside the split's position (a repartition also in its own). Undefined: nobody asks.
   */
  readonly splitWatermark?: ((split: string, watermark: number) => void) | undefined;
  /**
   * For a watermark assigner restored from a checkpoint that kept its splits' watermarks: the
   * splits it starts with, each at the watermark it had there (`-Infinity`: known, nothing read).
   * A split with nothing left to read would otherwise start at `-Infinity` and hold every window
   * for ever. Empty or undefined: none kept.
   */
  readonly restoredSplitWatermarks?: (() => ReadonlyMap<string, number>) | undefined;
  /** The last watermark this operator received (`-Infinity` before the first). */
  currentWatermark(): number;
  /**
   * Runs `callback` when processing time reaches `at`. Records it emits are flushed downstream
   * right after it returns; a throw fails the job like a throw while processing a record.
   */
  scheduleProcessingTime(at: number, callback: () => void): Cancel;
  /**
   * Handles a record that failed: routes it to the operator's error output when the user
   * configured one (`{ errors: tag }`), otherwise throws an {@link OperatorError} that stops the job.
   */
  fail(error: unknown, value: unknown, timestamp: number): void;
}

/** What an operator hands over at a checkpoint barrier; serialized by the runtime at once. */
export interface OperatorSnapshot {
  /**
   * Keyed state per key group: every group when `full`, else only those changed since the last one.
   * Each group is either in {@link KeyedHeap}'s form or in a versioned form the operator owns
   * ({@link OpaqueKeyGroupSnapshot}); a restore hands back each group as it was written.
   */
  readonly keyGroups?: Array<KeyGroupSnapshot | OpaqueKeyGroupSnapshot>;
  /** Non-keyed state (e.g. a source-side buffer), written whole every time. */
  readonly operator?: unknown;
}

/**
 * The logic of one operator. Plain synchronous code: the runtime's adapter runs it on RxJS, in
 * input order, and passes control elements along. User code never sees the adapter.
 *
 * @example
 * // Emits a running count of records, kept across restores.
 * const counter: OperatorFactory<unknown, number> = (_context, output) => {
 *   let seen = 0;
 *   const operator: Operator<unknown> = {
 *     processBatch(batch) {
 *       for (const timestamp of batch.timestamps) output.emit(++seen, timestamp);
 *     },
 *     snapshotState: () => ({ operator: seen }),
 *     restoreState: (snapshot) => {
 *       seen = snapshot.operator as number;
 *     },
 *   };
 *   return operator;
 * };
 * clicks.transform("count", counter, { name: "click-counter" });
 */
export interface Operator<TIn> {
  /** Records of one batch, in order. */
  processBatch(batch: DataBatch<TIn>): void;
  /**
   * Event time advanced to `watermark` (strictly increasing). Fire what is due; the runtime
   * forwards the watermark after this returns, so results precede it.
   */
  processWatermark?(watermark: number): void;
  /** Only the watermark assigner cares which splits are idle. */
  processSplitStatus?(status: SplitStatus): void;
  /** Captures state at a barrier. `full` asks for every key group (savepoints). */
  snapshotState?(full: boolean): OperatorSnapshot;
  /** Rebuilds state (including timers) from a snapshot, before any element arrives. */
  restoreState?(snapshot: OperatorSnapshot): void;
  /** End of input (after the final watermark): emit anything still held. */
  finish?(): void;
  /** The operator is torn down (end, failure or restore); cancel timers. */
  close?(): void;
}

/**
 * Builds an operator; called again with fresh state after every restore. `DataStream.transform`
 * adds one to a pipeline.
 *
 * @example
 * const upper: OperatorFactory<string, string> = (_context, output) => ({
 *   processBatch(batch) {
 *     output.emitBatch(batch.values.map((s) => s.toUpperCase()), batch.timestamps.slice());
 *   },
 * });
 * clicks.map((c) => c.page).transform("upper", upper);
 */
export type OperatorFactory<TIn, TOut> = (
  context: OperatorContext,
  output: Output<TOut>,
) => Operator<TIn> & {
  /** True for the watermark assigner: incoming watermarks are not forwarded, it emits its own. */
  readonly generatesWatermarks?: boolean;
};

/**
 * Options every operator-creating DSL method accepts.
 *
 * @example
 * const errors = new OutputTag<FailedRecord<Click>>("parse-errors");
 * const options: OperatorOptions<Click> = { name: "parse-url", errors };
 * clicks.map((c) => new URL(c.page), options);
 */
export interface OperatorOptions<TIn = unknown> {
  /**
   * A stable name: it identifies the operator's state in checkpoints (like Flink's `uid`), so set
   * it on stateful operators of long-lived jobs. Defaults to the method name and its position.
   */
  readonly name?: string;
  /**
   * Where records go when a user function throws on them or they are invalid (e.g. a timestamp
   * that is not a finite number). Without it, such a record stops the job with a clear error.
   */
  readonly errors?: OutputTag<FailedRecord<TIn>>;
}
