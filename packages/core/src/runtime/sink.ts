/** What the runtime tells a sink when it opens it. */
export interface SinkContext {
  /** The sink's state from the checkpoint being restored (what its `snapshot` returned), if any. */
  readonly restoredState: unknown;
  /** The id of the checkpoint being restored, if any. */
  readonly restoredCheckpointId: number | undefined;
}

/**
 * Where a pipeline's records end up. Writes are called in order, one at a time; a returned promise
 * holds the next write (and, through the job's in-flight limit, the sources): that is backpressure.
 *
 * Guarantees follow from the hooks a sink implements: with `snapshot` alone (flush at the barrier)
 * it is at-least-once; with `snapshot` returning pending work and `notifyCheckpointComplete`
 * making it visible, exactly-once (two-phase commit, as Flink's `TwoPhaseCommitSinkFunction`).
 */
export interface Sink<T> {
  readonly name: string;
  open?(context: SinkContext): Promise<void> | void;
  write(values: T[], timestamps: number[]): Promise<void> | void;
  /**
   * A barrier reached the sink: flush or pre-commit, and return state to keep in the checkpoint
   * (e.g. staged files to commit), or `undefined`.
   */
  snapshot?(checkpointId: number): Promise<unknown> | unknown;
  /** Checkpoint `checkpointId` is durable: make what it covers visible. */
  notifyCheckpointComplete?(checkpointId: number): Promise<void> | void;
  /** End of a bounded input: flush; for transactional sinks, commit what remains. */
  finish?(): Promise<void> | void;
  close?(): Promise<void> | void;
}
