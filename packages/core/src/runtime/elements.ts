import type { OutputTag } from "./output-tag.ts";

/**
 * Identifies a source split (a Kinesis shard, a file): records of one split are in order, and
 * watermarks are generated per split.
 *
 * @example
 * const shard: SplitId = "shardId-000000000003";
 */
export type SplitId = string;

/**
 * Records travel in columnar batches so that the RxJS cost is paid per batch, not per record:
 * `values[i]` has event time `timestamps[i]` (`NaN` before timestamps are assigned).
 * `tag` is set when the batch belongs to a side output of the operator that emitted it.
 *
 * @example
 * const batch: DataBatch<Click> = {
 *   kind: "data",
 *   values: [{ user: "u1", page: "/", at: 1_000 }],
 *   timestamps: [1_000],
 * };
 */
export interface DataBatch<T> {
  /** Discriminates data from control elements. */
  readonly kind: "data";
  /** The records. */
  readonly values: T[];
  /** `timestamps[i]` is the event time of `values[i]` (`NaN` before one is assigned). */
  readonly timestamps: number[];
  /** The source split the records came from, where known (the watermark assigner needs it). */
  readonly split?: SplitId | undefined;
  /** Set when the records belong to a side output of the operator that emitted them. */
  readonly tag?: OutputTag<unknown> | undefined;
}

/** Event time has reached `timestamp`: no record with a timestamp <= it is expected any more. */
export interface Watermark {
  readonly kind: "watermark";
  readonly timestamp: number;
}

/** A checkpoint barrier: everything before it belongs to checkpoint `checkpointId`. */
export interface Barrier {
  readonly kind: "barrier";
  readonly checkpointId: number;
  /** A savepoint asks for a full (self-contained) snapshot. */
  readonly full: boolean;
  /**
   * The run stops at this checkpoint (a worker's planned restart): no record follows the barrier,
   * and operators run no processing-time timer after it, so nothing is emitted past the state the
   * checkpoint holds and a restart from it writes nothing twice.
   */
  readonly final?: boolean;
}

/** A split became idle or active again; only the watermark assigner acts on it. */
export interface SplitStatus {
  readonly kind: "split-status";
  readonly split: SplitId;
  readonly status: "idle" | "active" | "finished";
}

/** The input is exhausted; nothing follows. */
export interface EndOfInput {
  readonly kind: "end";
}

/**
 * What flows between operators: data and control elements, in one ordered stream. A watermark
 * follows the records it covers; a barrier separates the records of two checkpoints.
 *
 * @example
 * const describe = (element: StreamElement<unknown>): string => {
 *   switch (element.kind) {
 *     case "data":
 *       return `${element.values.length} records`;
 *     case "watermark":
 *       return `watermark ${element.timestamp}`;
 *     case "barrier":
 *       return `barrier of checkpoint ${element.checkpointId}`;
 *     case "split-status":
 *       return `split ${element.split} ${element.status}`;
 *     case "end":
 *       return "end of input";
 *   }
 * };
 */
export type StreamElement<T> = DataBatch<T> | Watermark | Barrier | SplitStatus | EndOfInput;

/** The watermark that closes every event-time window: sent once a bounded input has ended. */
export const MAX_WATERMARK = Number.POSITIVE_INFINITY;
/** No watermark seen yet. */
export const MIN_WATERMARK = Number.NEGATIVE_INFINITY;
