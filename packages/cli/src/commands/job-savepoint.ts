import {
  checkpointToPosition,
  type JobSavepoint,
  LEASE_DEFAULTS,
  type LeaseStore,
  SHARD_END,
  takeJobSavepoint,
} from "@eddy/core";
import { parseCheckpointStoreUrl, redisLeases } from "@eddy/state";
import type { CliIo } from "../cli-io.ts";
import { formatTable } from "../table.ts";
import { UsageError } from "../usage-error.ts";
import { json } from "./checkpoints.ts";

/** What `eddy savepoint <job> --store <url>` was asked. */
export interface JobSavepointFlags {
  readonly store: string;
  readonly name?: string;
  readonly stop?: boolean;
  readonly timeout?: string;
  readonly json?: boolean;
}

/** How long the command waits by default: what `takeJobSavepoint` waits, twice the leader's timeout. */
const DEFAULT_TIMEOUT_MS = LEASE_DEFAULTS.savepointTimeoutMs * 2;

/**
 * A savepoint of the whole job `job` run on several workers, through its lease table in Redis:
 * refuses at once when no worker of the job is there to take it (a misspelt name, a job not
 * running), else requests it, waits for the leader to complete it and prints its name and what it
 * recorded per lease. `--stop` stops the workers once it is complete.
 */
export async function jobSavepoint(job: string, flags: JobSavepointFlags, io: CliIo): Promise<void> {
  const timeoutMs = timeoutOf(flags.timeout);
  const leases = openLeases(flags.store, job);
  try {
    await refuseWithoutWorkers(leases, job);
    const name = flags.name ?? `savepoint-${Date.now()}`;
    let savepoint: JobSavepoint;
    try {
      savepoint = await takeJobSavepoint(leases, { name, stop: flags.stop ?? false, timeoutMs });
    } catch (error) {
      throw new Error(`job "${job}": ${(error as Error).message}`);
    }
    io.out(
      flags.json ? json(summary(job, savepoint, flags.stop ?? false)) : report(job, savepoint, flags.stop),
    );
  } finally {
    await leases.close();
  }
}

function openLeases(url: string, job: string): LeaseStore & { close(): Promise<void> } {
  let location: ReturnType<typeof parseCheckpointStoreUrl>;
  try {
    location = parseCheckpointStoreUrl(url);
  } catch (error) {
    throw new UsageError(`--store ${url}: ${(error as Error).message}`);
  }
  if (location.kind !== "redis") {
    throw new UsageError(
      `--store ${url}: a savepoint of the whole job goes through its lease table, which lives in Redis: give redis://<host>:<port>[/<db>]`,
    );
  }
  return redisLeases(location.url, { job });
}

function timeoutOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TIMEOUT_MS;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--timeout ${text}: give the seconds to wait, a positive number`);
  }
  return seconds * 1000;
}

/** No worker record, or only workers that left: nobody would take the savepoint, and the request would linger. */
async function refuseWithoutWorkers(leases: LeaseStore, job: string): Promise<void> {
  // The store's description without its job: the Redis, without any credentials of the URL.
  const redis = leases.description.replace(` job ${job}`, "");
  let snapshot: Awaited<ReturnType<LeaseStore["snapshot"]>>;
  try {
    snapshot = await leases.snapshot();
  } catch (error) {
    // ioredis' own message names neither the server nor the cause.
    if ((error as Error).name !== "MaxRetriesPerRequestError") throw error;
    throw new Error(`${redis} is unreachable: the lease table of job "${job}" cannot be read`);
  }
  const { leases: table, workers } = snapshot;
  if (table.length === 0 && workers.length === 0) {
    throw new Error(
      `job "${job}" has no lease table in ${redis}: no worker of it ran there (check the job name and --store)`,
    );
  }
  if (workers.every((worker) => worker.left)) {
    throw new Error(`every worker of job "${job}" in ${redis} has left: none is running to take a savepoint`);
  }
}

function positionOf(leaseKey: string, checkpoint: string | undefined): string {
  if (checkpoint === undefined) return "(not read yet)";
  if (checkpoint === SHARD_END) return "finished";
  return JSON.stringify(checkpointToPosition(leaseKey, checkpoint).position);
}

function summary(job: string, savepoint: JobSavepoint, stopped: boolean) {
  return {
    job,
    name: savepoint.name,
    request: savepoint.id,
    stopped,
    leases: savepoint.leases.map((lease) => ({
      leaseKey: lease.leaseKey,
      checkpoint: lease.checkpoint ?? null,
      keyGroups: lease.keyGroups.length,
    })),
  };
}

function report(job: string, savepoint: JobSavepoint, stop: boolean | undefined): string {
  const head = `savepoint "${savepoint.name}" of job "${job}" completed (request ${savepoint.id}, ${savepoint.leases.length} splits)${stop ? "; the workers stop" : ""}\n`;
  const rows = savepoint.leases.map((lease) => [
    lease.leaseKey,
    positionOf(lease.leaseKey, lease.checkpoint),
    lease.keyGroups.length,
  ]);
  return head + formatTable(["split", "position", "key groups"], rows);
}
