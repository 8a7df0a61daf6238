import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isFinished, takeJobSavepoint } from "@eddy/core";
import { eventually } from "@eddy/core/testing";
import type { WorkerProcess as Worker } from "@eddy/local-stack";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, test } from "vitest";
import { redisLeases } from "../src/index.ts";
import {
  committedLines,
  expectAllEnded,
  SPLITS,
  startClusterWorker,
  untilEverySplitHeld,
} from "./cluster-support.ts";

// A savepoint of the whole job taken mid-run on 3 worker processes, which stop with it; the job
// restarted from it on 2 workers must write exactly what one uninterrupted process writes, to the
// idempotent hash and line for line to the two-phase JSON-lines sink. On the shared Redis, under
// names of its own.

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
  return startClusterWorker({ redisUrl: URL_, job, records: RECORDS, rate, workerId, files, fromSavepoint });
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
    await untilEverySplitHeld(table);
    // Mid-run: some windows out, most to come (start-up takes seconds on a busy machine).
    await eventually(async () => (await client.hlen(`${job}:results`)) >= 200, {
      what: "the first window results",
      timeoutMs: 60_000,
    });
    const savepoint = await takeJobSavepoint(table, { name: "mid-run", stop: true });
    expect(savepoint.leases).toHaveLength(SPLITS);
    expect(savepoint.leases.some((l) => !isFinished(l))).toBe(true);
    await expectAllEnded(workers, "stopped");
    workers.length = 0;
    const partial = await client.hlen(`${job}:results`);
    expect(partial).toBeLessThan(Object.keys(expected).length);

    for (const id of ["r0", "r1"]) workers.push(start(job, files, 1_000_000, id, "mid-run"));
    await expectAllEnded(workers, "finished");
    workers.length = 0;
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
