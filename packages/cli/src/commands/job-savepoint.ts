import {
  checkpointToPosition,
  type JobSavepoint,
  LEASE_DEFAULTS,
  type LeaseStore,
  SHARD_END,
  takeStagedJobSavepoint,
} from "@eddy/core";
import { parseCheckpointStoreUrl, type RedisLeaseStore, redisLeases } from "@eddy/state";
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
  /** The job's number of stages; without it, the stage tables found in the Redis. */
  readonly stages?: string;
  readonly json?: boolean;
}

/** How long the command waits by default: what `takeJobSavepoint` waits, twice the leader's timeout. */
const DEFAULT_TIMEOUT_MS = LEASE_DEFAULTS.savepointTimeoutMs * 2;

/**
 * A savepoint of the whole job `job` run on several workers, through its lease table in Redis:
 * refuses at once when no worker of the job is there to take it (a misspelt name, a job not
 * running), else requests it, waits for the leader to complete it and prints its name and what it
 * recorded per lease. `--stop` stops the workers once it is complete. A job with repartitions has
 * a lease table per stage (`<job>/stage-<n>`, as the app kit and the docs name them): each is
 * found in the same Redis, and the savepoint is taken on all of them, stage 0 first.
 */
export async function jobSavepoint(job: string, flags: JobSavepointFlags, io: CliIo): Promise<void> {
  const timeoutMs = timeoutOf(flags.timeout);
  const stages = stagesOf(flags.stages);
  const url = redisUrlOf(flags.store);
  const tables: RedisLeaseStore[] = [redisLeases(url, { job })];
  try {
    await refuseWithoutWorkers(tables[0]!, job);
    if (stages === undefined) tables.push(...(await laterStageTables(url, job)));
    else
      for (let stage = 1; stage < stages; stage++)
        tables.push(redisLeases(url, { job: stageName(job, stage) }));
    // Every stage is checked before any is asked: a stage refused after stage 0 stopped would leave the job half stopped.
    for (const [stage, table] of tables.entries()) {
      if (stage > 0) await refuseWithoutWorkers(table, stageName(job, stage));
    }
    const name = flags.name ?? `savepoint-${Date.now()}`;
    const stop = flags.stop ?? false;
    let savepoints: readonly JobSavepoint[];
    try {
      savepoints = await takeStagedJobSavepoint(tables, { name, stop, timeoutMs });
    } catch (error) {
      // A job without stages says no "stage 0" in its messages, as before it had any.
      const message = (error as Error).message;
      throw new Error(`job "${job}": ${tables.length === 1 ? message.replace(/^stage 0: /, "") : message}`);
    }
    if (savepoints.length === 1) {
      const [savepoint] = savepoints as [JobSavepoint];
      io.out(flags.json ? json(summary(job, savepoint, stop)) : report(job, savepoint, stop));
    } else {
      io.out(flags.json ? json(stagedSummary(job, savepoints, stop)) : stagedReport(job, savepoints, stop));
    }
  } finally {
    await Promise.all(tables.map((table) => table.close()));
  }
}

/** The name the app kit and the docs give stage `n`'s lease table (`stageLeases(n)`). */
function stageName(job: string, stage: number): string {
  return `${job}/stage-${stage}`;
}

/**
 * The lease tables of stages 1, 2, … that exist in the Redis of `url`: stages are numbered
 * without gaps, so the first stage whose table is empty (no lease, no worker) ends the list.
 */
async function laterStageTables(url: string, job: string): Promise<RedisLeaseStore[]> {
  const found: RedisLeaseStore[] = [];
  for (let stage = 1; ; stage++) {
    const table = redisLeases(url, { job: stageName(job, stage) });
    const { leases, workers } = await table.snapshot();
    if (leases.length === 0 && workers.length === 0) {
      await table.close();
      return found;
    }
    found.push(table);
  }
}

function redisUrlOf(url: string): string {
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
  return location.url;
}

function stagesOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const stages = Number(text);
  if (!Number.isInteger(stages) || stages < 1) {
    throw new UsageError(
      `--stages ${text}: give the job's number of stages, 1 or more (1 + its repartitions)`,
    );
  }
  return stages;
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

function leasesOf(savepoint: JobSavepoint) {
  return savepoint.leases.map((lease) => ({
    leaseKey: lease.leaseKey,
    checkpoint: lease.checkpoint ?? null,
    keyGroups: lease.keyGroups.length,
  }));
}

function summary(job: string, savepoint: JobSavepoint, stopped: boolean) {
  return { job, name: savepoint.name, request: savepoint.id, stopped, leases: leasesOf(savepoint) };
}

/** Stage 0's answer as for a job without stages, and every stage's (stage 0's too) under `stages`. */
function stagedSummary(job: string, savepoints: readonly JobSavepoint[], stopped: boolean) {
  return {
    ...summary(job, savepoints[0]!, stopped),
    stages: savepoints.map((savepoint, stage) => ({
      stage,
      table: stage === 0 ? job : stageName(job, stage),
      request: savepoint.id,
      leases: leasesOf(savepoint),
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

function stagedReport(job: string, savepoints: readonly JobSavepoint[], stop: boolean): string {
  const requests = savepoints
    .map((savepoint, stage) => `stage ${stage}: request ${savepoint.id}, ${savepoint.leases.length} splits`)
    .join("; ");
  const head = `savepoint "${savepoints[0]!.name}" of job "${job}" completed on its ${savepoints.length} stages (${requests})${stop ? "; the workers stop" : ""}\n`;
  const rows = savepoints.flatMap((savepoint, stage) =>
    savepoint.leases.map((lease) => [
      stage,
      lease.leaseKey,
      positionOf(lease.leaseKey, lease.checkpoint),
      lease.keyGroups.length,
    ]),
  );
  return head + formatTable(["stage", "split", "position", "key groups"], rows);
}
