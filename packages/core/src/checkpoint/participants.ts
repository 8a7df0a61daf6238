import type { SplitWatermarksOf } from "./checkpoint-store.ts";
import type { SerializedOperatorSnapshot } from "./serialized-snapshot.ts";

/**
 * The parts of a running job the coordinator drives: the sources it asks for barriers, the sinks
 * whose acknowledgements complete a checkpoint, and the notice once one is stored. A job passes
 * its own stages; a worker of a scaled-out job would pass the stages it runs.
 */
export interface CheckpointParticipants {
  /**
   * Asks every source to inject a barrier; a finished source acknowledges its final positions at
   * once. `full` asks operators for every key group (savepoints, and the checkpoint after a failed
   * one, which must not depend on it).
   */
  injectBarrier(checkpointId: number, full: boolean): void;
  /** Every sink whose acknowledgement a checkpoint needs before it is stored. */
  readonly sinkIds: readonly string[];
  /**
   * A sink (its id is in `sinkIds`) that takes each checkpoint's barrier only once every other
   * sink has acknowledged it: the job's dead-letter sink, which every other sink and every source
   * feeds, so what they set aside before their barrier is written before the checkpoint completes.
   */
  readonly lastSink?: {
    readonly id: string;
    injectBarrier(checkpointId: number, full: boolean): void;
  };
  /** Tells every sink the checkpoint is durable (after the store committed it). */
  notifyComplete(checkpointId: number): Promise<void>;
}

/**
 * What became of the checkpoint a sink joined at the end of its input: `stored` (commit and
 * finish), `failed` (the job goes on: join the next one) or `abandoned` (the job stops first: do
 * neither; a restart replays the end).
 */
export type EndOfInputOutcome = "stored" | "failed" | "abandoned";

/**
 * The checkpoint a sink at the end of its input joins without a barrier: it pre-commits into it
 * (`snapshot` + `acknowledgeSink`), waits for its outcome, then commits and finishes.
 */
export interface EndOfInputCheckpoint {
  readonly checkpointId: number;
  /** Settles once the checkpoint is stored, has failed, or was abandoned; never rejects. */
  readonly outcome: Promise<EndOfInputOutcome>;
}

/**
 * What the stages of a running job report as a barrier passes them; the coordinator implements
 * it. Acknowledgements of a checkpoint that is no longer pending are ignored.
 */
export interface CheckpointAcknowledgements {
  /**
   * A source's positions at a barrier: exactly after the last record sent before it; with its
   * splits' watermarks there, where watermark assigners reported them.
   */
  acknowledgeSource(
    sourceId: string,
    checkpointId: number,
    positions: ReadonlyMap<string, unknown>,
    splitWatermarks?: SplitWatermarksOf,
  ): void;
  /** An operator's state as the barrier passed it, serialized. */
  acknowledgeOperator(operatorId: string, checkpointId: number, snapshot: SerializedOperatorSnapshot): void;
  /** A sink's pre-commit state (what its `snapshot` returned). */
  acknowledgeSink(sinkId: string, checkpointId: number, state: unknown): void;
  /**
   * A sink reached the end of its input: the checkpoint it joins, or `undefined` when the job
   * stops before one can cover its end.
   */
  checkpointAtEnd(sinkId: string): Promise<EndOfInputCheckpoint | undefined>;
}
