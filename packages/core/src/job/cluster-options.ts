import type { LeaseTimingOptions } from "../cluster/lease-defaults.ts";
import type { LeaseStore } from "../cluster/lease-store.ts";
import type { RepartitionChannel } from "../repartition/repartition-channel.ts";
import type { DeadLetter } from "../runtime/dead-letters.ts";
import type { Sink } from "../runtime/sink.ts";

/**
 * Runs a job on several workers that share its source's splits by leases (see
 * `docs/scale-out.md`): start the same program once per worker, each with its own `workerId` and
 * the same `leases`. Timing options default to {@link LEASE_DEFAULTS}.
 *
 * Each worker reads the splits whose leases it holds and owns the key groups they carry; its
 * checkpoints are published through the lease store's fenced publish, so a worker that lost a
 * lease without noticing has its checkpoint refused and stops reading that split. Needs
 * `checkpoints`, a splittable source and keyed operators co-partitioned with it.
 *
 * @example
 * // The same program on every worker; leases and store are the job's, shared (Redis).
 * const job = pipeline("fx-pricing", {
 *   checkpoints: { every: seconds(10), store },
 *   cluster: { leases, workerId: process.env.EDDY_WORKER_ID ?? "worker-a", failoverTimeMs: seconds(10) },
 * });
 * declare const store: CheckpointStore;
 * declare const leases: LeaseStore;
 */
export interface ClusterOptions extends LeaseTimingOptions {
  /** The job's lease table, the same for every worker (`redisLeases` in `@eddy/state`). */
  readonly leases: LeaseStore;
  /**
   * This worker's id, stable across its restarts (a pod's name, `--worker-id`): a restarted
   * worker takes back the leases still recorded under it.
   */
  readonly workerId: string;
  /**
   * Where records go between workers when a keyed operator is not co-partitioned with the source
   * (see `docs/repartition.md`): without it such a job is refused at start.
   */
  readonly repartition?: ClusterRepartition | undefined;
}

/**
 * How a job on several workers repartitions: the channel (`kinesisRepartition` of
 * `@eddy/connector-kinesis`) and the lease table of each stage after the first, the same for
 * every worker (a table of its own: stage 0 uses `leases`), and — for a job with a dead-letter
 * sink — each such stage's dead-letter sink.
 *
 * @example
 * const repartition: ClusterRepartition = {
 *   channel,
 *   stageLeases: (stage) => redisLeases(url, { job: `clicks/stage-${stage}` }),
 *   stageDeadLetters: (stage) => jsonLinesSink<DeadLetter>(`dead-letters/stage-${stage}`),
 * };
 * declare const channel: RepartitionChannel;
 * declare const url: string;
 * declare function redisLeases(url: string, options: { job: string }): LeaseStore;
 * declare function jsonLinesSink<T>(path: string): Sink<T>;
 */
export interface ClusterRepartition {
  /** Where the records go between stages (`kinesisRepartition`). */
  readonly channel: RepartitionChannel;
  /** The lease table of stage `stage` (1 for the stage after the repartition). */
  readonly stageLeases: (stage: number) => LeaseStore;
  /**
   * The dead-letter sink of stage `stage` (1 for the stage after the repartition): the letters of
   * its connectors, checkpointed with that stage's checkpoints as `PipelineOptions.deadLetters`
   * is with stage 0's. Called once per stage when a worker starts; return a sink of the stage's
   * own, not the job's: one sink object opened by two stages is two writers on its state (one
   * closes the file the other writes, one's open deletes the other's staged parts). Required
   * when the job has `deadLetters`, else the job is refused at start; without `deadLetters`, the
   * stage's letters go here if given and are logged otherwise.
   */
  readonly stageDeadLetters?: ((stage: number) => Sink<DeadLetter>) | undefined;
}
