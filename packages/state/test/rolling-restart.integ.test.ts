import { randomUUID } from "node:crypto";
import { holderOf } from "@eddy/core";
import { eventually } from "@eddy/core/testing";
import type { WorkerProcess as Worker } from "@eddy/local-stack";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, test } from "vitest";
import { redisLeases } from "../src/index.ts";
import { type RedisServer, startRedisServer } from "../src/test-support/redis-server.ts";
import { expectAllEnded, startClusterWorker } from "./cluster-support.ts";

const RECORDS = 100_000;
/** Each worker's reader paces the generator's indices at this rate: the input lasts about 17 s. */
const RATE = 6_000;
const WORKERS = 3;

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

/** Runs the job (one graceful worker of it, with `workerId`), counting every write of a result. */
function start(job: string, rate: number, workerId?: string): Worker {
  const writes = `${job}:writes`;
  return startClusterWorker({
    redisUrl: redis.url,
    job,
    records: RECORDS,
    rate,
    workerId,
    writes,
    graceful: true,
  });
}

test(`a rolling restart of ${WORKERS} workers, each SIGTERMed in turn, writes every window result exactly once to an at-least-once sink`, async () => {
  const reference = `rolling-reference-${randomUUID()}`;
  const single = await start(reference, 1_000_000).exit;
  expect(single.code, single.output).toBe(0);
  const expected = await client.hgetall(`${reference}:results`);
  expect(Object.keys(expected).length).toBeGreaterThan(1_500);

  const job = `rolling-${randomUUID()}`;
  const table = redisLeases(redis.url, { job });
  const workers = new Map<string, Worker>();
  const restart = (id: string) => void workers.set(id, start(job, RATE, id));
  let holders: (string | undefined)[] = [];
  const holds = async (id: string) => {
    holders = (await table.snapshot()).leases.map(holderOf);
    return holders.includes(id);
  };
  for (let i = 0; i < WORKERS; i++) restart(`w${i}`);
  try {
    for (const id of [...workers.keys()]) {
      // Each worker is stopped while it holds splits, so its stop hands state in flight over.
      await eventually(() => holds(id), {
        what: `${id} to hold a split`,
        timeoutMs: 60_000,
        details: () => `holders: ${JSON.stringify(holders)}`,
      });
      const stopping = workers.get(id)!;
      stopping.child.kill("SIGTERM");
      const { code, output } = await stopping.exit;
      expect(code, output).toBe(0);
      // It stopped gracefully and handed its leases over; no stop fell back to a replay.
      expect(output).toMatch(/\nstopped\n/);
      expect(output).not.toContain("could not stop its pipeline at a published checkpoint");
      // Released, its leases go to the others at the leader's next poll (a lease assigned to it
      // but not yet taken too); a new leader is elected first if it led. Generous: the machine
      // may be loaded (the pause is measured by packages/state/bench/failover.bench.ts).
      await eventually(async () => !(await holds(id)), {
        what: `${id}'s leases to pass to the others`,
        timeoutMs: 30_000,
      });
      restart(id);
    }
    await expectAllEnded(workers.values(), "finished");
  } finally {
    for (const worker of workers.values()) worker.child.kill("SIGKILL");
    await table.close();
  }
  const writes = await client.hgetall(`${job}:writes`);
  const twice = Object.entries(writes).filter(([, count]) => count !== "1");
  expect(twice).toEqual([]);
  expect(Object.keys(writes).length).toBe(Object.keys(expected).length);
  expect(await client.hgetall(`${job}:results`)).toEqual(expected);
}, 240_000);
