/**
 * What the cluster process tests (crash, savepoint, rolling restart) share: starting a process of
 * `cluster-worker.ts`, reading what its two-phase JSON-lines sink committed, waiting until the
 * workers hold every split, and checking how the workers ended.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { holderOf, type LeaseStore } from "@eddy/core";
import { eventually } from "@eddy/core/testing";
import { startWorkerProcess, type WorkerProcess } from "@eddy/local-stack";
import { expect } from "vitest";

const WORKER = fileURLToPath(new URL("cluster-worker.ts", import.meta.url));

/** The generator's partitions in `cluster-worker.ts`: one lease each. */
export const SPLITS = 8;

/** One run of `cluster-worker.ts`: the arguments it takes and the environment that switches its sinks. */
export interface ClusterWorkerOptions {
  readonly redisUrl: string;
  readonly job: string;
  /** The idempotent sink's hash (default `<job>:results`). */
  readonly results?: string;
  readonly records: number;
  /** Records per second the generator's reader paces itself at. */
  readonly rate: number;
  /** One worker of a cluster job; without it, one process runs the whole job (id `single`). */
  readonly workerId?: string;
  /** Also write to the two-phase JSON-lines sink in this directory. */
  readonly files?: string;
  /** Also count every write of a result in this hash (the at-least-once sink). */
  readonly writes?: string;
  /** SIGTERM stops the worker at a published checkpoint. */
  readonly graceful?: boolean;
  /** Start every worker from this savepoint of the whole job. */
  readonly fromSavepoint?: string;
}

/** Starts one process of the cluster test job. */
export function startClusterWorker(options: ClusterWorkerOptions): WorkerProcess {
  const { redisUrl, job, records, rate, workerId } = options;
  const args = [redisUrl, job, options.results ?? `${job}:results`, String(records), String(rate)];
  const env: NodeJS.ProcessEnv = {};
  if (options.files !== undefined) env.EDDY_TEST_FILES = options.files;
  if (options.writes !== undefined) env.EDDY_TEST_WRITES = options.writes;
  if (options.graceful) env.EDDY_TEST_GRACEFUL = "1";
  if (options.fromSavepoint !== undefined) env.EDDY_TEST_FROM_SAVEPOINT = options.fromSavepoint;
  return startWorkerProcess({
    id: workerId ?? "single",
    script: WORKER,
    args: workerId === undefined ? args : [...args, workerId],
    env,
  });
}

/** Every line of the committed parts in `dir` (whichever worker wrote them), sorted. */
export async function committedLines(dir: string): Promise<string[]> {
  const lines: string[] = [];
  for (const file of await readdir(dir)) {
    if (!file.startsWith("part-")) continue;
    lines.push(...(await readFile(join(dir, file), "utf8")).split("\n").filter((line) => line !== ""));
  }
  return lines.sort();
}

/** Waits until the workers of the job behind `table` hold every split (start-up takes seconds on a busy machine). */
export async function untilEverySplitHeld(table: LeaseStore): Promise<void> {
  await eventually(
    async () => {
      const { leases } = await table.snapshot();
      return leases.length === SPLITS && leases.every((l) => holderOf(l) !== undefined);
    },
    { what: "the workers to hold every split", timeoutMs: 60_000 },
  );
}

/** Waits for every worker to end and checks that each exited 0 after printing `outcome`. */
export async function expectAllEnded(
  workers: Iterable<WorkerProcess>,
  outcome: "finished" | "stopped",
): Promise<void> {
  for (const exit of await Promise.all([...workers].map((w) => w.exit))) {
    expect(exit.code, exit.output).toBe(0);
    expect(exit.output).toContain(outcome);
  }
}
