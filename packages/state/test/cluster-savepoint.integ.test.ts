import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { holderOf, isFinished, takeJobSavepoint } from "@eddy/core";
import { eventually } from "@eddy/core/testing";
import { startWorkerProcess, type WorkerProcess as Worker } from "@eddy/local-stack";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, test } from "vitest";
import { redisLeases } from "../src/index.ts";

// A savepoint of the whole job taken mid-run on 3 worker processes, which stop with it; the job
// restarted from it on 2 workers must write exactly what one uninterrupted process writes, to the
// idempotent hash and line for line to the two-phase JSON-lines sink. On the shared Redis, under
// names of its own.

const WORKER = fileURLToPath(new URL("cluster-worker.ts", import.meta.url));
const URL_ = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const RECORDS = 40_000;

let client: Redis;
let directory: string;

beforeAll(async () => {
  client = new Redis(URL_);
  directory = await mkdtemp(join(tmpdir(), "eddy-cluster-savepoint-"));
});

afterAll(async () => {
  client?.disconnect();
  if (directory) await rm(directory, { recursive: true, force: true });
});

function start(job: string, files: string, rate: number, workerId?: string, fromSavepoint?: string): Worker {
  const args = [URL_, job, `${job}:results`, String(RECORDS), String(rate)];
  return startWorkerProcess({
    id: workerId ?? "single",
    script: WORKER,
    args: workerId === undefined ? args : [...args, workerId],
    env: { EDDY_TEST_FILES: files, ...(fromSavepoint ? { EDDY_TEST_FROM_SAVEPOINT: fromSavepoint } : {}) },
  });
}

async function committedLines(dir: string): Promise<string[]> {
  const lines: string[] = [];
  for (const file of await readdir(dir)) {
    if (!file.startsWith("part-")) continue;
    lines.push(...(await readFile(join(dir, file), "utf8")).split("\n").filter((line) => line !== ""));
  }
  return lines.sort();
}

async function cleanUp(job: string): Promise<void> {
  const keys = await client.keys(`*${job}*`);
  if (keys.length > 0) await client.del(...keys);
}

test("3 workers take a savepoint of the whole job mid-run and stop; restarted from it on 2 workers, the job writes exactly the results of one process", async () => {
  const reference = `savepoint-reference-${randomUUID()}`;
  const job = `savepoint-${randomUUID()}`;
  const table = redisLeases(URL_, { job });
  const workers: Worker[] = [];
  try {
    const single = await start(reference, join(directory, reference), 1_000_000).exit;
    expect(single.code, single.output).toBe(0);
    const expected = await client.hgetall(`${reference}:results`);
    const expectedLines = await committedLines(join(directory, reference));
    expect(Object.keys(expected).length).toBeGreaterThan(500);
    expect(expectedLines.length).toBe(Object.keys(expected).length);

    const files = join(directory, job);
    // Paced so the input lasts several seconds: the savepoint lands mid-run.
    for (const id of ["w0", "w1", "w2"]) workers.push(start(job, files, 1_500, id));
    await eventually(
      async () => {
        const { leases } = await table.snapshot();
        return leases.length === 8 && leases.every((l) => holderOf(l) !== undefined);
      },
      { what: "the workers to hold every split", timeoutMs: 60_000 },
    );
    // Mid-run: some windows out, most to come (start-up takes seconds on a busy machine).
    await eventually(async () => (await client.hlen(`${job}:results`)) >= 200, {
      what: "the first window results",
      timeoutMs: 60_000,
    });
    const savepoint = await takeJobSavepoint(table, { name: "mid-run", stop: true });
    expect(savepoint.leases).toHaveLength(8);
    expect(savepoint.leases.some((l) => !isFinished(l))).toBe(true);
    for (const worker of workers.splice(0)) {
      const exit = await worker.exit;
      expect(exit.code, exit.output).toBe(0);
      expect(exit.output).toContain("stopped");
    }
    const partial = await client.hlen(`${job}:results`);
    expect(partial).toBeLessThan(Object.keys(expected).length);

    for (const id of ["r0", "r1"]) workers.push(start(job, files, 1_000_000, id, "mid-run"));
    for (const worker of workers.splice(0)) {
      const exit = await worker.exit;
      expect(exit.code, exit.output).toBe(0);
      expect(exit.output).toContain("finished");
    }
    expect(await client.hgetall(`${job}:results`)).toEqual(expected);
    const lines = await committedLines(files);
    expect(lines.length).toBe(expectedLines.length);
    expect(lines).toEqual(expectedLines);
  } finally {
    for (const worker of workers) worker.child.kill("SIGKILL");
    await table.close();
    await cleanUp(reference);
    await cleanUp(job);
  }
}, 120_000);
