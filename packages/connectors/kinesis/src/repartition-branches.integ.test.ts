import { randomUUID } from "node:crypto";
import { holderOf, repartitionStreamName } from "@eddy/core";
import { eventually } from "@eddy/core/testing";
import { type RedisLeaseStore, redisLeases } from "@eddy/state";
import { expect, test } from "vitest";
import { createStreamProxy, type PutEntry } from "./kinesis-client.ts";
import { ipPrefix } from "./test-support/ip-prefix.ts";
import type { WorkerProcess } from "./test-support/process-workers.ts";
import { produce } from "./test-support/producer.ts";
import type { ProcessTestClick } from "./test-support/repartition-process-worker.ts";
import { repartitionProcesses, windowCounts, withWorkerLogs } from "./test-support/repartition-processes.ts";

// Two repartitions in one job, as branches off one source: clicks read partitioned by ip are
// counted per page and per ip prefix (both keyed other than the source), on two worker
// processes against kinesis-local and Redis. Stage 0 writes two repartition streams, each read by
// a stage of its own. A worker holding splits is SIGKILLed and restarted mid-run: both outputs
// must equal a plain computation over the clicks — each writer's ids replayed from its own count
// (the per-ip-prefix branch drops a click in three, so the two counts of a split differ).
const RECORDS = 800;
const PAGES = 12;
const LEASE_MS = 3_000;

const processes = repartitionProcesses();
const encoder = new TextEncoder();
const entry = (c: ProcessTestClick, explicitHashKey?: string): PutEntry => ({
  data: encoder.encode(JSON.stringify(c)),
  partitionKey: c.ip,
  explicitHashKey,
});
const clickAt = (i: number): ProcessTestClick => ({
  ip: `10.0.0.${(i * 11) % 37}`,
  page: `/p${(i * 7) % PAGES}`,
  seq: i,
  ts: i * 10,
});

/**
 * The `branches` job's results: per page (`windowCounts`), and per ip prefix (`ip:` fields) of
 * two clicks in three (so the two writers number different records of a split).
 */
function expectedResults(clicks: readonly ProcessTestClick[]): Record<string, string> {
  const perPrefix = windowCounts(
    clicks.filter((c) => c.seq % 3 !== 0).map((c) => ({ ...c, page: `ip:${ipPrefix(c)}` })),
  );
  return { ...windowCounts(clicks), ...perPrefix };
}

test("two worker processes with a SIGKILL write, through two repartition streams, exactly the per-page and the per-ip-prefix counts", async () => {
  const { kinesis, redis } = processes;
  const stream = await kinesis.createStream("branches", 2);
  const job = `branches-${randomUUID().slice(0, 8)}`;
  const results = `${job}:results`;
  const run = { stream, job, results, mode: "branches", leaseMs: LEASE_MS } as const;
  const clicks = Array.from({ length: RECORDS }, (_, i) => clickAt(i));
  const expected = expectedResults(clicks);
  const table: RedisLeaseStore = redisLeases(processes.redisUrl, { job });
  const stageTables = [1, 2].map((n) => redisLeases(processes.redisUrl, { job: `${job}/stage-${n}` }));
  const workers = new Map<string, WorkerProcess>();
  const proxy = createStreamProxy(kinesis.connection);
  try {
    const shards = await proxy.listShards(stream);
    // One record far in event time per shard, so every shard's watermark passes every window.
    const ends = shards.map((shard) =>
      entry({ ip: "end", page: "end", seq: 0, ts: 1e12, end: true }, shard.startingHashKey),
    );
    await produce(
      kinesis.connection,
      stream,
      clicks.slice(0, RECORDS / 2).map((c) => entry(c)),
    );
    for (const id of ["w0", "w1"]) processes.start(workers, run, id);
    await eventually(
      async () => (await table.snapshot()).leases.filter((l) => holderOf(l) !== undefined).length === 2,
      { what: "the workers to hold every shard of the source", timeoutMs: 30_000, intervalMs: 100 },
    );
    // Kill a worker once a checkpoint it published holds both writers' counts for a split, and
    // restart it with its id: it replays from there, each writer numbering on from its own count.
    const counted = /"per-ip-prefix":[1-9].*"per-page":[1-9]|"per-page":[1-9].*"per-ip-prefix":[1-9]/;
    let holder: string | undefined;
    await eventually(
      async () => {
        const lease = (await table.snapshot()).leases.find(
          (l) => holderOf(l) !== undefined && counted.test(l.checkpoint ?? ""),
        );
        holder = lease && holderOf(lease);
        return holder !== undefined;
      },
      { what: "a published checkpoint with both writers' counts", timeoutMs: 30_000, intervalMs: 100 },
    );
    const victim = workers.get(holder!)!;
    victim.child.kill("SIGKILL");
    expect((await victim.exit).signal).toBe("SIGKILL");
    processes.start(workers, run, holder!);
    await produce(
      kinesis.connection,
      stream,
      clicks.slice(RECORDS / 2).map((c) => entry(c)),
    );
    await produce(kinesis.connection, stream, ends);

    const windows = Object.keys(expected).length;
    await eventually(async () => (await redis.hlen(results)) >= windows, {
      what: "the workers to write every window of both outputs",
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    expect(await redis.hgetall(results)).toEqual(expected);
    // Each repartition has its stream, created by the job, and its stage's lease table.
    for (const operator of ["per-ip-prefix", "per-page"]) {
      expect(await proxy.listShards(repartitionStreamName(job, operator))).toHaveLength(2);
    }
    for (const stage of stageTables) {
      expect((await stage.snapshot()).leases).toHaveLength(2);
    }
  } catch (error) {
    const written = await redis.hgetall(results);
    const wrong = Object.keys(expected).filter((f) => written[f] !== expected[f]);
    throw await withWorkerLogs(
      error,
      workers,
      `${wrong.length} windows wrong or missing, e.g. ${wrong
        .slice(0, 8)
        .map((f) => `${f}: ${written[f] ?? "missing"} (expected ${expected[f]})`)
        .join(", ")}`,
    );
  } finally {
    for (const worker of workers.values()) worker.child.kill("SIGKILL");
    proxy.close();
    await table.close();
    for (const stage of stageTables) await stage.close();
  }
}, 120_000);
