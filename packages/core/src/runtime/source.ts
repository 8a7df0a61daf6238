import type { OutputTag } from "../dsl/output-tag.ts";
import type { Clock } from "../time/clock.ts";
import type { SplitId } from "./elements.ts";

/** A batch of records read from one split, with the split's position after its last record. */
export interface SourceBatch<T> {
  readonly kind: "data";
  readonly split: SplitId;
  /**
   * Set for records that belong to a side output of the source, e.g. dead letters that could not
   * be decoded: they flow to `stream.getSideOutput(tag)`, not to the main stream.
   */
  readonly tag?: OutputTag<unknown> | undefined;
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

/** A split started, went idle, came back, or was read to its end. */
export interface SourceSplitEvent {
  readonly kind: "split-status";
  readonly split: SplitId;
  readonly status: "idle" | "active" | "finished";
  /** For `finished`: the split's final position, kept so a restore does not read it again. */
  readonly position?: unknown;
}

export type SourceEvent<T> = SourceBatch<T> | SourceSplitEvent;

/** What the runtime tells a source when it opens it. */
export interface SourceContext {
  /** Processing time (pacing, idleness). */
  readonly clock: Clock;
  /** Positions per split from the checkpoint being restored; empty on a fresh start. */
  readonly restoredPositions: ReadonlyMap<SplitId, unknown>;
  /** Aborted when the job stops: pending reads should give up. */
  readonly signal: AbortSignal;
}

/** Reads a source; one reader per running job. */
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
 */
export interface Source<T> {
  /** Identifies the source in checkpoints and messages. */
  readonly name: string;
  /** Whether `next()` eventually returns `undefined`. */
  readonly bounded: boolean;
  open(context: SourceContext): SourceReader<T> | Promise<SourceReader<T>>;
}
