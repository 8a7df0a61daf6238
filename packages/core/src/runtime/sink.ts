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
  /**
   * The sink's state from the checkpoint being restored (what its `snapshot` returned), if any.
   * On one of several workers: from this worker's own last published checkpoint.
   */
  readonly restoredState: unknown;
  /** The id of the checkpoint being restored, if any. */
  readonly restoredCheckpointId: number | undefined;
  /**
   * Set when the job runs on several workers: which writer this sink is. Only sinks that declare
   * {@link Sink.severalWriters} need it.
   */
  readonly writer?: SinkWriter | undefined;
}

/**
 * One of several workers writing through the same sink (`SinkContext.writer`), Flink's subtask
 * of a `FileSink`. Every worker stages its output under names of its own, and commits it when a
 * checkpoint of its own completes, which happens only after that checkpoint's fenced publish.
 *
 * On open, a sink that supports several writers:
 * - commits what `restoredState` lists: this worker's last published pre-commit state;
 * - commits what `othersPending` lists: other workers' last published pre-commit states, which
 *   their own process may never commit (it crashed and did not come back) — idempotently, since
 *   that process or another worker may commit the same files at the same time;
 * - discards its own worker's other staged output (of any incarnation): it belongs to checkpoints
 *   that were never published, whose records are replayed. Never another worker's.
 *
 * @example
 * const sink: Sink<string> = {
 *   name: "staged",
 *   severalWriters: true,
 *   open(context) {
 *     const tag = context.writer ? `${context.writer.workerId}-${context.writer.incarnation}` : "single";
 *     console.log(`staging as ${tag}; ${context.writer?.othersPending.length ?? 0} other states to commit`);
 *   },
 *   write() {},
 * };
 */
export interface SinkWriter {
  /** This worker's id, stable across its restarts: staged output named by it is this worker's alone to discard. */
  readonly workerId: string;
  /**
   * This process's incarnation of the worker id: with `workerId`, unique among all the job's
   * writers ever, so the names of new output never collide with an earlier process's.
   */
  readonly incarnation: number;
  /** The pre-commit states (what `snapshot` returned) other workers' last published checkpoints left. */
  readonly othersPending: readonly unknown[];
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
  /**
   * The sink keeps each writer's staged output apart and commits on open what
   * {@link SinkContext.writer} says (see {@link SinkWriter}), so it stays exactly-once when the job
   * runs on several workers. A sink with `notifyCheckpointComplete` that does not say so is
   * refused on several workers; sinks that write directly need not say anything.
   */
  readonly severalWriters?: boolean;
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
