import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { holderOf, repartitionStreamName } from "@eddy/core";
import { eventually } from "@eddy/core/testing";
import { type RedisLeaseStore, redisLeases } from "@eddy/state";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createStreamProxy, type PutEntry } from "./kinesis-client.ts";
import { type LocalKinesis, startKinesisLocal } from "./test-support/local-kinesis.ts";
import {
  type IsolatedRedis,
  startIsolatedRedis,
  startWorkerProcess,
  type WorkerProcess,
} from "./test-support/process-workers.ts";
import { produce } from "./test-support/producer.ts";
import type { RepartitionClick } from "./test-support/repartition-worker.ts";

// A job that reads clicks partitioned by ip and counts them per page runs on two worker
// processes: its records go through a repartition stream in kinesis-local, keyed by page. A
// worker holding splits is SIGKILLed and restarted mid-run; the per-page window counts equal a
// plain computation over the clicks — what one process writes (run without a worker id, the
// worker script runs the whole job in one process; left out here to keep the test short).
const WORKER = fileURLToPath(new URL("./test-support/repartition-worker.ts", import.meta.url));
const RECORDS = 800;
const PAGES = 12;
/** Event time advances 10 ms a record: 8 one-second windows per page. */
const TS_STEP = 10;

let kinesis: LocalKinesis;
let isolatedRedis: IsolatedRedis;
let redisUrl: string;
let redis: Redis;

beforeAll(async () => {
  kinesis = await startKinesisLocal();
  isolatedRedis = await startIsolatedRedis();
  redisUrl = isolatedRedis.url;
  redis = new Redis(redisUrl);
}, 60_000);

afterAll(async () => {
  redis?.disconnect();
  isolatedRedis?.stop();
  await kinesis?.stop();
});

const encoder = new TextEncoder();
const entry = (c: RepartitionClick, explicitHashKey?: string): PutEntry => ({
  data: encoder.encode(JSON.stringify(c)),
  partitionKey: c.ip,
  explicitHashKey,
});
const clickAt = (i: number): RepartitionClick => ({
  ip: `10.0.0.${(i * 11) % 37}`,
  page: `/p${(i * 7) % PAGES}`,
  ts: i * TS_STEP,
});

function expectedCounts(clicks: readonly RepartitionClick[]): Record<string, string> {
  const windows = new Map<string, number>();
  for (const c of clicks) {
    const field = `${c.page}|${Math.floor(c.ts / 1_000) * 1_000}`;
    windows.set(field, (windows.get(field) ?? 0) + 1);
  }
  return Object.fromEntries([...windows].map(([field, n]) => [field, String(n)]));
}

function start(stream: string, job: string, results: string, workerId?: string): WorkerProcess {
  const args = [kinesis.endpoint, stream, redisUrl, job, results];
  return startWorkerProcess(WORKER, workerId === undefined ? args : [...args, workerId]);
}

test("two worker processes with a SIGKILL write, through a repartition stream, exactly the per-page counts", async () => {
  const stream = await kinesis.createStream("clicks", 2);
  const job = `repartition-${randomUUID().slice(0, 8)}`;
  const results = `${job}:results`;
  const clicks = Array.from({ length: RECORDS }, (_, i) => clickAt(i));
  const expected = expectedCounts(clicks);
  const table: RedisLeaseStore = redisLeases(redisUrl, { job });
  const stage1: RedisLeaseStore = redisLeases(redisUrl, { job: `${job}/stage-1` });
  const workers = new Map<string, WorkerProcess>();
  const ended: string[] = [];
  const proxy = createStreamProxy(kinesis.connection);
  try {
    const shards = await proxy.listShards(stream);
    // One record far in event time per shard, so every shard's watermark passes every window.
    const ends = shards.map((shard) =>
      entry({ ip: "end", page: "end", ts: 1e12, end: true }, shard.startingHashKey),
    );
    await produce(
      kinesis.connection,
      stream,
      clicks.slice(0, RECORDS / 2).map((c) => entry(c)),
    );
    for (const id of ["w0", "w1"]) workers.set(id, start(stream, job, results, id));
    await eventually(
      async () => (await table.snapshot()).leases.filter((l) => holderOf(l) !== undefined).length === 2,
      { what: "the workers to hold every shard of the source", timeoutMs: 60_000, intervalMs: 100 },
    );
    // Kill a worker holding a shard of the source while it reads, and restart it with its id.
    const holder = holderOf((await table.snapshot()).leases.find((l) => holderOf(l) !== undefined)!)!;
    const victim = workers.get(holder)!;
    victim.child.kill("SIGKILL");
    const { signal, output } = await victim.exit;
    ended.push(`--- ${holder} (killed)\n${output}`);
    expect(signal).toBe("SIGKILL");
    workers.set(holder, start(stream, job, results, holder));
    await produce(
      kinesis.connection,
      stream,
      clicks.slice(RECORDS / 2).map((c) => entry(c)),
    );
    await produce(kinesis.connection, stream, ends);

    const windows = Object.keys(expected).length;
    await eventually(async () => (await redis.hlen(results)) >= windows, {
      what: "the workers to write every window",
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    expect(await redis.hgetall(results)).toEqual(expected);
    // The repartition stream was created by the job, with the name the docs give.
    const repartition = await proxy.listShards(repartitionStreamName(job, "per-page"));
    expect(repartition).toHaveLength(2);
  } catch (error) {
    const logs = await Promise.all(
      [...workers].map(async ([id, w]) => {
        w.child.kill("SIGKILL");
        return `--- ${id}\n${(await w.exit).output}`;
      }),
    );
    const written = await redis.hgetall(results);
    const wrong = Object.keys(expected).filter((f) => written[f] !== expected[f]);
    throw new Error(
      `${(error as Error).message}\n${wrong.length} windows wrong or missing, e.g. ${wrong
        .slice(0, 8)
        .map((f) => `${f}: ${written[f] ?? "missing"} (expected ${expected[f]})`)
        .join(", ")}\n${ended.join("\n")}\n${logs.join("\n")}`,
      { cause: error },
    );
  } finally {
    for (const worker of workers.values()) worker.child.kill("SIGKILL");
    proxy.close();
    await table.close();
    await stage1.close();
  }
}, 180_000);
