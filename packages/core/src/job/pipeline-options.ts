import type { CheckpointOptions } from "../checkpoint/checkpoint-options.ts";
import type { Logger } from "../logging/logger.ts";
import type { DeadLetter } from "../runtime/dead-letters.ts";
import type { Sink } from "../runtime/sink.ts";
import type { Serde } from "../state/serde.ts";
import type { Clock } from "../time/clock.ts";
import type { ClusterOptions } from "./cluster-options.ts";
import type { StartFrom } from "./job-restore.ts";

/**
 * Options of {@link pipeline}.
 *
 * @example
 * const options: PipelineOptions = {
 *   checkpoints: { every: seconds(10), store },
 *   startFrom: "latest",
 *   keyGroups: 128,
 *   logger: silentLogger,
 *   deadLetters: jsonLinesSink<DeadLetter>("dead-letters"),
 * };
 * const job = pipeline("fx-pricing", options);
 */
export interface PipelineOptions {
  /** Processing time; tests pass a `VirtualClock`. Default: the wall clock. */
  readonly clock?: Clock;
  /** Key groups keyed state is split into (default 128); fixed for the life of a job. */
  readonly keyGroups?: number;
  /** Checkpointing; without it a crashed job starts over. */
  readonly checkpoints?: CheckpointOptions;
  /** Where to start when the store holds checkpoints: `"latest"` (default), `{ savepoint: name }`, or `"fresh"`. */
  readonly startFrom?: StartFrom;
  /** Start even if the checkpoint holds state of operators this job no longer has (it is dropped). */
  readonly allowNonRestoredState?: boolean;
  /** Serializes state blobs (default: Node's structured clone). */
  readonly serde?: Serde<unknown>;
  /** Where restores, retries and failures are reported (default {@link consoleLogger}, stderr). */
  readonly logger?: Logger;
  /** Sink writes queued across the job before sources wait (backpressure). Default 64 batches. */
  readonly maxInFlightWrites?: number;
  /**
   * On SIGTERM or SIGINT: take a final savepoint (when checkpointing) and stop cleanly. Default
   * true when checkpoints are configured.
   */
  readonly stopOnSignals?: boolean;
  /**
   * Where the dead letters of every source and sink of the job go: records they could not read or
   * write, each with its reason ({@link DeadLetter}). The sink is opened and closed with the job
   * and takes part in checkpoints like any sink: every letter set aside before a checkpoint's
   * barrier is flushed to it before that checkpoint completes, so none is lost across a restore
   * (at-least-once: a letter set aside after the checkpoint may be written again when the records
   * behind it are replayed). Its counters are `job.metrics.forOperator("dead-letters")`.
   * Default: each letter is logged as a warning and counted in its connector's `deadLetters`.
   */
  readonly deadLetters?: Sink<DeadLetter>;
  /**
   * Run on several workers that share the source's splits by leases ({@link ClusterOptions}).
   * Each worker restores from what was published for the leases it holds; `startFrom:
   * { savepoint: name }` first resets the lease table from that savepoint of the whole job (once,
   * refused while the job runs; see `takeJobSavepoint`), other values of `startFrom` do not
   * apply. Default: this process runs the whole job.
   */
  readonly cluster?: ClusterOptions;
}
