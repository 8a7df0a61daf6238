import type { AwsAccess } from "../aws/aws-access.ts";
import type { ConnectorContext } from "./connector-context.ts";
import type { SplitId } from "./elements.ts";
import type { OutputTag } from "./output-tag.ts";

/**
 * A batch of records read from one split, with the split's position after its last record.
 *
 * @example
 * const batch: SourceBatch<string> = { kind: "data", split: "0", values: ["a", "b"], position: 2 };
 */
export interface SourceBatch<T> {
  /** Discriminates batches from split events. */
  readonly kind: "data";
  /** The split the records were read from. */
  readonly split: SplitId;
  /**
   * Set for records that belong to a side output of the source, e.g. dead letters that could not
   * be decoded: they flow to `stream.getSideOutput(tag)`, not to the main stream.
   */
  readonly tag?: OutputTag<unknown> | undefined;
  /** The records, in the split's order. */
  readonly values: T[];
  /** Event times, when the source knows them (else they are assigned by `withWatermarks`). */
  readonly timestamps?: number[];
  /**
   * Where to resume this split after the last record of this batch: JSON-serializable. The runtime
   * records it only once the batch has been handed downstream, so a checkpoint never runs ahead
   * of the records it covers.
   */
  readonly position: unknown;
}

/**
 * A split started, went idle, came back, or was read to its end. An idle split is left out of
 * the watermark (so it does not hold event time back) until it is active again.
 *
 * @example
 * const idle: SourceSplitEvent = { kind: "split-status", split: "shardId-000000000001", status: "idle" };
 */
export interface SourceSplitEvent {
  /** Discriminates split events from batches. */
  readonly kind: "split-status";
  /** The split whose status changed. */
  readonly split: SplitId;
  /**
   * `idle`: no records for a while; `active`: records again; `finished`: read to its end (a closed shard).
   */
  readonly status: "idle" | "active" | "finished";
  /** For `finished`: the split's final position, kept so a restore does not read it again. */
  readonly position?: unknown;
}

/**
 * What a {@link SourceReader} returns: records, or a change of a split's status.
 *
 * @example
 * const events: SourceEvent<number>[] = [
 *   { kind: "data", split: "0", values: [1, 2, 3], position: 3 },
 *   { kind: "split-status", split: "0", status: "finished", position: 3 },
 * ];
 */
export type SourceEvent<T> = SourceBatch<T> | SourceSplitEvent;

/**
 * What the runtime tells a source when it opens it.
 *
 * @example
 * const counter: Source<number> = {
 *   name: "counter",
 *   bounded: true,
 *   open(context: SourceContext) {
 *     let next = (context.restoredPositions.get("0") as number | undefined) ?? 0;
 *     return {
 *       async next() {
 *         if (next >= 10 || context.signal.aborted) return undefined;
 *         next++;
 *         return { kind: "data", split: "0", values: [next], position: next };
 *       },
 *     };
 *   },
 * };
 */
export interface SourceContext extends ConnectorContext {
  /** Positions per split from the checkpoint being restored; empty on a fresh start. */
  readonly restoredPositions: ReadonlyMap<SplitId, unknown>;
}

/**
 * Reads a source; one reader per running job.
 *
 * @example
 * function linesReader(lines: readonly string[], from: number): SourceReader<string> {
 *   let position = from;
 *   return {
 *     async next() {
 *       if (position >= lines.length) return undefined;
 *       const values = lines.slice(position, position + 100);
 *       position += values.length;
 *       return { kind: "data", split: "0", values, position };
 *     },
 *   };
 * }
 */
export interface SourceReader<T> {
  /**
   * The next batch or split event; `undefined` once a bounded source is exhausted. May take as long
   * as it needs (waiting for data); the runtime injects barriers while it waits. Once
   * `context.signal` is aborted, a pending read should resolve `undefined` rather than reject: the
   * runtime has stopped listening, so a rejection would go unhandled.
   */
  next(): Promise<SourceEvent<T> | undefined>;
  /**
   * Optional, for metrics: how far each split's reader is behind the newest record of its split
   * (ms), e.g. Kinesis' `MillisBehindLatest` of the last read. Called only when someone reads the
   * job's metrics, never per record; splits it leaves out are reported without a lag.
   */
  millisBehindLatest?(): ReadonlyMap<SplitId, number | undefined>;
  /** Release connections and timers. */
  close?(): Promise<void> | void;
}

/**
 * A source of records: a Kinesis stream, a file, an iterable. Positions are per split, so a
 * restored job resumes every split exactly after the last record its checkpoint covered.
 *
 * @example
 * const words = (text: string): Source<string> => ({
 *   name: "words",
 *   bounded: true,
 *   open(context) {
 *     const all = text.split(" ");
 *     let position = (context.restoredPositions.get("0") as number | undefined) ?? 0;
 *     return {
 *       async next() {
 *         if (position >= all.length) return undefined;
 *         const values = all.slice(position, position + 1000);
 *         position += values.length;
 *         return { kind: "data", split: "0", values, position };
 *       },
 *     };
 *   },
 * });
 * job.source(words("to be or not to be")).sink(consoleSink());
 */
export interface Source<T> {
  /** Identifies the source in checkpoints and messages. */
  readonly name: string;
  /** Whether `next()` eventually returns `undefined`. */
  readonly bounded: boolean;
  /** Opens a reader that resumes at `context.restoredPositions` (empty on a fresh start). */
  open(context: SourceContext): SourceReader<T> | Promise<SourceReader<T>>;
  /**
   * Optional: the AWS access it needs (actions on resources), for `iamPolicy(job)` and
   * `eddy iam-policy`; computed from options alone, without calling AWS.
   */
  awsAccess?(): readonly AwsAccess[];
}
