import type { AwsAccess } from "../aws/aws-access.ts";
import type { ConnectorContext } from "./connector-context.ts";

/**
 * What the runtime tells a sink when it opens it.
 *
 * @example
 * const sink: Sink<string> = {
 *   name: "resumable",
 *   open(context: SinkContext) {
 *     if (context.restoredCheckpointId !== undefined) console.log("restored from", context.restoredCheckpointId, context.restoredState);
 *   },
 *   write(values) {
 *     for (const v of values) console.log(v);
 *   },
 * };
 */
export interface SinkContext extends ConnectorContext {
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
 *
 * @example
 * // Exactly-once into an in-memory "table": lines become visible when their checkpoint completes.
 * const visible: string[] = [];
 * let staged: string[] = [];
 * const pending = new Map<number, string[]>();
 * const table: Sink<string> = {
 *   name: "table",
 *   write(values) {
 *     staged.push(...values);
 *   },
 *   snapshot(checkpointId) {
 *     pending.set(checkpointId, staged);
 *     staged = [];
 *     return [...pending.entries()]; // kept in the checkpoint, for a restore to commit again
 *   },
 *   notifyCheckpointComplete(checkpointId) {
 *     for (const [id, lines] of pending) if (id <= checkpointId) visible.push(...lines);
 *     for (const id of [...pending.keys()]) if (id <= checkpointId) pending.delete(id);
 *   },
 *   finish() {
 *     visible.push(...staged);
 *   },
 * };
 */
export interface Sink<T> {
  /** Names the sink in messages and metrics. */
  readonly name: string;
  /** Called once before the first write, with the state restored for it (if any). */
  open?(context: SinkContext): Promise<void> | void;
  /**
   * Writes one batch: `timestamps[i]` is the event time of `values[i]`. A returned promise holds the
   * next write (backpressure).
   */
  write(values: T[], timestamps: number[]): Promise<void> | void;
  /**
   * A barrier reached the sink: flush or pre-commit, and return state to keep in the checkpoint
   * (e.g. staged files to commit), or `undefined`. At the end of its input, with checkpoints, the
   * sink is asked once more, without a barrier, for the checkpoint that covers its last records.
   */
  snapshot?(checkpointId: number): Promise<unknown> | unknown;
  /**
   * Checkpoint `checkpointId` is durable: make what it covers visible — every checkpoint up to
   * it, since a notice may stand for earlier ones (a sink at its end gets only its last one).
   */
  notifyCheckpointComplete?(checkpointId: number): Promise<void> | void;
  /**
   * End of a bounded input, after the checkpoint covering it is committed (when the job
   * checkpoints): flush; for transactional sinks, commit what remains.
   */
  finish?(): Promise<void> | void;
  /** Releases resources; called when the job ends, however it ends. */
  close?(): Promise<void> | void;
  /**
   * Optional: the AWS access it needs (actions on resources), for `iamPolicy(job)` and
   * `eddy iam-policy`; computed from options alone, without calling AWS.
   */
  awsAccess?(): readonly AwsAccess[];
}
