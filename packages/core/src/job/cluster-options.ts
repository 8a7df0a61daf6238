import type { LeaseTimingOptions } from "../cluster/lease-defaults.ts";
import type { LeaseStore } from "../cluster/lease-store.ts";

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
}
