import { randomUUID } from "node:crypto";
import { holderOf, isFinished, repartitionStreamName } from "@eddy/core";
import { eventually } from "@eddy/core/testing";
import { type RedisLeaseStore, redisLeases } from "@eddy/state";
import { expect, test } from "vitest";
import { createStreamProxy, type PutEntry } from "./kinesis-client.ts";
import type { WorkerProcess } from "./test-support/process-workers.ts";
import { produce } from "./test-support/producer.ts";
import type { ProcessTestClick, SequenceTally } from "./test-support/repartition-process-worker.ts";
import { middleHashKey, repartitionProcesses, withWorkerLogs } from "./test-support/repartition-processes.ts";

// Resharding both streams of a repartition mid-run loses nothing and keeps per-key order: two
// worker processes read clicks partitioned by ip and key them by page through a repartition
// stream; a keyed process checks, per page, that every ip's clicks arrive as 1, 2, 3, … (the
// order of one ip's clicks is defined: they come from one source shard, parent before children).
// While the workers run, a shard of the source is split, then a shard of the repartition stream.
// Every page's tally (kept in exactly-once keyed state) must count every click once, end at
// every ip's last click, and have seen no gap, repeat or reordering.
const RECORDS = 600;
const IPS = 20;
const PAGES = 8;
const LEASE_MS = 6_000;

const processes = repartitionProcesses();
const encoder = new TextEncoder();
const entry = (c: ProcessTestClick): PutEntry => ({
  data: encoder.encode(JSON.stringify(c)),
  partitionKey: c.ip,
});

/** Clicks with `seq` counting 1, 2, … per (ip, page). */
function clicks(): ProcessTestClick[] {
  const seqs = new Map<string, number>();
  return Array.from({ length: RECORDS }, (_, i) => {
    const ip = `10.0.0.${i % IPS}`;
    const page = `/p${(i * 3 + Math.floor(i / IPS)) % PAGES}`;
    const seq = (seqs.get(`${ip} ${page}`) ?? 0) + 1;
    seqs.set(`${ip} ${page}`, seq);
    return { ip, page, seq, ts: i * 10 };
  });
}

function expectedTallies(all: readonly ProcessTestClick[]): Record<string, SequenceTally> {
  const tallies: Record<string, { count: number; last: Record<string, number>; broken: string[] }> = {};
  for (const c of all) {
    const tally = tallies[c.page] ?? { count: 0, last: {}, broken: [] };
    tallies[c.page] = tally;
    tally.count++;
    tally.last[c.ip] = c.seq;
  }
  return tallies;
}

test("splitting a shard of the source and of the repartition stream mid-run loses no click, counts none twice and keeps each ip's order", async () => {
  const { kinesis, redis } = processes;
  const stream = await kinesis.createStream("reshard", 2);
  const job = `reshard-${randomUUID().slice(0, 8)}`;
  const results = `${job}:results`;
  const repartition = repartitionStreamName(job, "per-page");
  const table: RedisLeaseStore = redisLeases(processes.redisUrl, { job });
  const stage1: RedisLeaseStore = redisLeases(processes.redisUrl, { job: `${job}/stage-1` });
  const workers = new Map<string, WorkerProcess>();
  const proxy = createStreamProxy(kinesis.connection);
  const all = clicks();
  const expected = expectedTallies(all);
  const tallies = async () =>
    Object.fromEntries(
      Object.entries(await redis.hgetall(results)).map(([page, json]) => [
        page,
        JSON.parse(json) as SequenceTally,
      ]),
    );
  const applied = async () => Object.values(await tallies()).reduce((sum, t) => sum + t.count, 0);
  const third = RECORDS / 3;
  try {
    await produce(kinesis.connection, stream, all.slice(0, third).map(entry));
    for (const id of ["w0", "w1"]) {
      processes.start(workers, { stream, job, results, mode: "sequences", leaseMs: LEASE_MS }, id);
    }
    await eventually(async () => (await applied()) > 0, {
      what: "the first clicks through the repartition stream",
      timeoutMs: 60_000,
      intervalMs: 100,
    });

    // Split the source's first shard while the workers read it, and write on.
    const [sourceShard] = await proxy.listShards(stream);
    await kinesis.admin.splitShard(stream, sourceShard!.shardId, middleHashKey(sourceShard!));
    await produce(kinesis.connection, stream, all.slice(third, 2 * third).map(entry));
    // Split a shard of the repartition stream while the writers write into it and the readers read it.
    await eventually(async () => (await applied()) > third / 2, {
      what: "clicks written after the source's split to come through",
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const [repartitionShard] = await proxy.listShards(repartition);
    await kinesis.admin.splitShard(repartition, repartitionShard!.shardId, middleHashKey(repartitionShard!));
    await produce(kinesis.connection, stream, all.slice(2 * third).map(entry));

    await eventually(async () => (await applied()) >= RECORDS, {
      what: "every click to be applied",
      timeoutMs: 120_000,
      intervalMs: 200,
    });
    expect(await tallies()).toEqual(expected);

    // Both splits were seen through: each parent is finished and its two children are held.
    for (const [store, parent] of [
      [table, sourceShard!],
      [stage1, repartitionShard!],
    ] as const) {
      const leases = (await store.snapshot()).leases;
      expect(isFinished(leases.find((l) => l.leaseKey === parent.shardId)!)).toBe(true);
      const children = leases.filter((l) => l.parentShardIds.includes(parent.shardId));
      expect(children).toHaveLength(2);
      for (const child of children) expect(holderOf(child)).toBeDefined();
    }
  } catch (error) {
    const written = JSON.stringify(await tallies());
    throw await withWorkerLogs(error, workers, `tallies: ${written}\nexpected: ${JSON.stringify(expected)}`);
  } finally {
    for (const worker of workers.values()) worker.child.kill("SIGKILL");
    proxy.close();
    await table.close();
    await stage1.close();
  }
}, 240_000);
