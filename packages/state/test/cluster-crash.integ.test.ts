import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { holderOf } from "@eddy/core";
import { eventually } from "@eddy/core/testing";
import type { WorkerProcess as Worker } from "@eddy/local-stack";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type RedisLeaseStore, redisLeases } from "../src/index.ts";
import { type RedisServer, startRedisServer } from "../src/test-support/redis-server.ts";
import {
  committedLines,
  expectAllEnded,
  startClusterWorker,
  untilEverySplitHeld,
} from "./cluster-support.ts";

const RECORDS = 150_000;
/**
 * Each worker's reader paces the generator's indices at this rate: the input lasts over 18 s,
 * longer than the five kills can take (at most 3.5 s each).
 */
const RATE = 8_000;
const WORKERS = 3;
const KILLS = 5;

let redis: RedisServer;
let client: Redis;

beforeAll(async () => {
  redis = await startRedisServer();
  client = new Redis(redis.url);
});

afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

/** Runs the job (one worker of it, with `workerId`), writing results to a hash and to `files`. */
function start(job: string, files: string, rate: number, workerId?: string): Worker {
  return startClusterWorker({ redisUrl: redis.url, job, records: RECORDS, rate, workerId, files });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The results of one uninterrupted process: what every disrupted cluster run must write. */
let expected: Record<string, string>;
/** The lines its JSON-lines sink committed, sorted. */
let expectedLines: string[];
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "eddy-cluster-crash-"));
  const reference = `reference-${randomUUID()}`;
  const files = join(directory, reference);
  const single = await start(reference, files, 1_000_000).exit;
  expect(single.code, single.output).toBe(0);
  expected = await client.hgetall(`${reference}:results`);
  expect(Object.keys(expected).length).toBeGreaterThan(2_000);
  expectedLines = await committedLines(files);
  expect(expectedLines.length).toBe(Object.keys(expected).length);
}, 120_000);

afterAll(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
});

/** A running cluster job: its workers by id (restarted ones replace the dead), and its lease table. */
interface Cluster {
  readonly workers: Map<string, Worker>;
  readonly table: RedisLeaseStore;
  /** A random worker that holds splits now. */
  holder(): Promise<string>;
  restart(id: string): void;
}

/**
 * Runs the job on `WORKERS` processes, lets `disrupt` kill or pause them once the workers hold
 * every split (start-up takes seconds on a busy machine), then checks that every worker finished
 * and that the results equal those of one uninterrupted process.
 */
async function runDisrupted(disrupt: (cluster: Cluster) => Promise<void>): Promise<void> {
  const job = `cluster-${randomUUID()}`;
  const results = `${job}:results`;
  const files = join(directory, job);
  const table = redisLeases(redis.url, { job });
  const workers = new Map<string, Worker>();
  const restart = (id: string) => void workers.set(id, start(job, files, RATE, id));
  for (let i = 0; i < WORKERS; i++) restart(`w${i}`);
  try {
    await untilEverySplitHeld(table);
    const holder = async () => {
      const holders = [...new Set((await table.snapshot()).leases.map(holderOf))].filter(
        (w) => w !== undefined,
      );
      expect(holders.length, "no worker holds a split").toBeGreaterThan(0);
      return holders[Math.floor(Math.random() * holders.length)]!;
    };
    await disrupt({ workers, table, holder, restart });
    await expectAllEnded(workers.values(), "finished");
  } finally {
    for (const worker of workers.values()) worker.child.kill("SIGKILL");
    await table.close();
  }
  const actual = await client.hgetall(results);
  expect(Object.keys(actual).length).toBe(Object.keys(expected).length);
  expect(actual).toEqual(expected);
  // The two-phase sink: every result committed exactly once, by whichever worker wrote it.
  const lines = await committedLines(files);
  expect(lines.length).toBe(expectedLines.length);
  expect(lines).toEqual(expectedLines);
}

test(`${WORKERS} worker processes, one holding splits SIGKILLed ${KILLS} times, write exactly the window results of one process, to an idempotent and a two-phase sink`, async () => {
  await runDisrupted(async ({ workers, holder, restart }) => {
    for (let kill = 0; kill < KILLS; kill++) {
      // At most 3.5 s a kill, so all five land while the input is still read (with up to 5 s a
      // kill and 12 s of input, a quiet machine once finished every split before the last one).
      await pause(500 + Math.random() * 1_000);
      // A worker that holds splits, so that every kill loses state in flight that must be restored.
      const id = await holder();
      const victim = workers.get(id)!;
      victim.child.kill("SIGKILL");
      const { signal, output } = await victim.exit;
      // Every kill lands while the job runs: a worker that had already finished would exit 0.
      expect(signal, `kill ${kill + 1} of ${id} came after it ended:\n${output}`).toBe("SIGKILL");
      // Back at once (it takes its leases back), or after the failover time (others take them).
      await pause(Math.random() < 0.5 ? 0 : 2_000);
      restart(id);
    }
  });
}, 300_000);

test("a worker SIGSTOPped past the failover time, then SIGCONTed, is fenced off the splits taken from it and rejoins: nothing is counted twice", async () => {
  let zombie: Worker | undefined;
  let held: string[] = [];
  await runDisrupted(async ({ workers, table, holder }) => {
    await pause(1_000);
    const id = await holder();
    zombie = workers.get(id)!;
    held = (await table.snapshot()).leases.filter((l) => holderOf(l) === id).map((l) => l.leaseKey);
    zombie.child.kill("SIGSTOP");
    // The others take its splits once its counters stood still for the failover time.
    await eventually(
      async () =>
        (await table.snapshot()).leases.every((l) => !held.includes(l.leaseKey) || holderOf(l) !== id),
      { what: `the splits of ${id} (${held.join(", ")}) to be taken from it`, timeoutMs: 30_000 },
    );
    zombie.child.kill("SIGCONT");
  });
  // On waking it learnt that it lost them (a refused renewal or a refused publish), and stopped them.
  const { output } = await zombie!.exit;
  for (const leaseKey of held) expect(output).toMatch(new RegExp(`lost ${leaseKey} and stops reading it`));
}, 300_000);
