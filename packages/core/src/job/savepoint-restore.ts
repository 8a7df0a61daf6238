import { CounterWatch } from "../cluster/counter-watch.ts";
import type { JobSavepoint } from "../cluster/job-savepoint.ts";
import type { LeaseStore } from "../cluster/lease-store.ts";
import type { Logger } from "../logging/logger.ts";
import { PipelineDefinitionError } from "../runtime/errors.ts";
import type { Clock } from "../time/clock.ts";
import type { Millis } from "../time/duration.ts";

/** What {@link restoreJobSavepoint} works with. */
export interface JobSavepointRestore {
  readonly job: string;
  /** The savepoint of the whole job to start from. */
  readonly name: string;
  readonly leases: LeaseStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How long a worker record must stand still to count as not running. */
  readonly failoverTimeMs: Millis;
  /** How often the records are read while they are watched. */
  readonly pollIntervalMs: Millis;
}

/**
 * Starts a job on several workers from a savepoint of the whole job: before this worker joins,
 * the lease table is reset from the savepoint (positions, key-group pointers, committables) —
 * by the first worker to get here; the reset is one conditional step, so the others (and any
 * later restart of a worker with the same option) find it done and go on from the published
 * state. Refused, with a {@link PipelineDefinitionError}, while the job runs: a worker record
 * that has not left and whose counter moves within the failover time (watched on this worker's
 * clock) belongs to a running worker. Resolves the savepoint and whether this worker reset it.
 */
export async function restoreJobSavepoint(
  restore: JobSavepointRestore,
): Promise<{ readonly savepoint: JobSavepoint; readonly restored: boolean }> {
  const { job, name, leases, logger } = restore;
  if (!leases.restoreSavepoint || !leases.readJobSavepoint || !leases.jobSavepointNames) {
    throw new PipelineDefinitionError(
      `job "${job}" cannot start from savepoint "${name}": its lease store (${leases.description}) keeps no savepoints of the whole job`,
    );
  }
  if (!(await leases.readJobSavepoint(name))) {
    const names = await leases.jobSavepointNames();
    throw new PipelineDefinitionError(
      `job "${job}" has no savepoint "${name}" in ${leases.description} (${names.length === 0 ? "it has none" : `it has ${names.map((n) => `"${n}"`).join(", ")}`})`,
    );
  }
  for (let attempt = 1; ; attempt++) {
    const done = await alreadyRestored(leases, name);
    if (done) return { savepoint: done, restored: false };
    const { revision } = await leases.snapshot();
    const running = await runningWorkers(restore);
    if (running.length > 0) {
      // A worker that restored the savepoint a moment ago (and joined) is not a running job.
      const since = await alreadyRestored(leases, name);
      if (since) return { savepoint: since, restored: false };
      throw new PipelineDefinitionError(
        `job "${job}" cannot start from savepoint "${name}" while it runs: worker(s) ${running.map((w) => `"${w}"`).join(", ")} are alive (stop the job first, e.g. with a savepoint that stops it)`,
      );
    }
    const reset = await leases.restoreSavepoint({ name, expectedRevision: revision });
    if (reset.ok) {
      if (reset.outcome === "restored") {
        logger.info(
          `job "${job}": the lease table was reset from savepoint "${name}" (${reset.savepoint.leases.length} splits)`,
        );
      }
      return { savepoint: reset.savepoint, restored: reset.outcome === "restored" };
    }
    if (reset.code !== "counter" || attempt >= 3) {
      throw new Error(`job "${job}" could not be restored from savepoint "${name}": ${reset.message}`);
    }
  }
}

/** The savepoint if the table was already restored from it (a restore of an impossible revision answers only that). */
async function alreadyRestored(leases: LeaseStore, name: string): Promise<JobSavepoint | undefined> {
  const probe = await leases.restoreSavepoint!({ name, expectedRevision: -1 });
  return probe.ok && probe.outcome === "already" ? probe.savepoint : undefined;
}

/**
 * Worker records that have not left and whose counter moved while watched for the failover time.
 * Records that all left (a job stopped with a savepoint) need no watching.
 */
async function runningWorkers(restore: JobSavepointRestore): Promise<string[]> {
  const { leases, clock, failoverTimeMs, pollIntervalMs } = restore;
  const watch = new CounterWatch();
  const startedAt = clock.now();
  const moved = new Set<string>();
  for (;;) {
    const { workers } = await leases.snapshot();
    const present = workers.filter((w) => !w.left);
    if (present.length === 0) return [];
    const now = clock.now();
    for (const record of present) {
      watch.observe(record.workerId, record.counter, now);
      if (watch.hasMoved(record.workerId)) moved.add(record.workerId);
    }
    if (moved.size > 0) return [...moved].sort();
    if (now - startedAt >= failoverTimeMs) return [];
    await new Promise<void>((resolve) => clock.schedule(now + pollIntervalMs, resolve));
  }
}
