import { randomUUID } from "node:crypto";
import { holderOf } from "@eddy/core";
import { eventually } from "@eddy/core/testing";
import { type RedisLeaseStore, redisLeases } from "@eddy/state";
import { expect, test } from "vitest";
import { createStreamProxy, type PutEntry } from "./kinesis-client.ts";
import type { WorkerProcess } from "./test-support/process-workers.ts";
import { produce } from "./test-support/producer.ts";
import type { ProcessTestClick } from "./test-support/repartition-process-worker.ts";
import { repartitionProcesses, windowCounts, withWorkerLogs } from "./test-support/repartition-processes.ts";

// A window never fires early across the shuffle: two worker processes count clicks per page in
// one-second windows through a repartition stream; the worker reading one source shard (B) is
// stopped (SIGSTOP) while the other reads shard A to its end. Downstream, the watermark is the
// minimum over the upstream splits, so no window past B's watermark (1.49 s: it read up to
// 2.49 s, 1 s out of order) may be written while B's worker is stopped, although A's records of
// every window are in the repartition stream. Once it resumes (SIGCONT) every window is exact.
// The lease duration (120 s: on a loaded machine too) is longer than the pause, so nobody takes B over meanwhile.
const PAGES = 12;
/** Event time advances 10 ms a record in each shard; the first phase ends at 2.49 s, the run at 9.99 s. */
const TS_STEP = 10;
const FIRST_PHASE = 250;
const PER_SHARD = 1_000;
const LEASE_MS = 120_000;

const processes = repartitionProcesses();
const encoder = new TextEncoder();
const entry = (c: ProcessTestClick, explicitHashKey: string): PutEntry => ({
  data: encoder.encode(JSON.stringify(c)),
  partitionKey: c.ip,
  explicitHashKey,
});
const clickAt = (shard: "a" | "b", i: number): ProcessTestClick => ({
  ip: `${shard}-${i % 5}`,
  page: `/p${(i * 7 + (shard === "a" ? 0 : 3)) % PAGES}`,
  seq: i,
  ts: i * TS_STEP,
});

test("a stopped upstream worker holds every downstream window past its split's watermark until it resumes", async () => {
  const { kinesis, redis } = processes;
  const stream = await kinesis.createStream("paused", 2);
  const job = `paused-${randomUUID().slice(0, 8)}`;
  const results = `${job}:results`;
  const table: RedisLeaseStore = redisLeases(processes.redisUrl, { job });
  const workers = new Map<string, WorkerProcess>();
  const proxy = createStreamProxy(kinesis.connection);
  const start = (id: string) =>
    processes.start(workers, { stream, job, results, mode: "windows", leaseMs: LEASE_MS }, id);
  const [shardA, shardB] = (await proxy.listShards(stream)).sort((a, b) =>
    BigInt(a.startingHashKey) < BigInt(b.startingHashKey) ? -1 : 1,
  );
  const a = Array.from({ length: PER_SHARD }, (_, i) => clickAt("a", i));
  const b = Array.from({ length: PER_SHARD }, (_, i) => clickAt("b", i));
  const expected = windowCounts([...a, ...b]);
  const end = (shard: "a" | "b") => ({ ip: shard, page: "end", seq: 0, ts: 1e12, end: true }) as const;
  const put = (clicks: readonly ProcessTestClick[], hashKey: string) =>
    produce(
      kinesis.connection,
      stream,
      clicks.map((c) => entry(c, hashKey)),
    );
  try {
    for (const id of ["w0", "w1"]) start(id);
    await eventually(
      async () => new Set((await table.snapshot()).leases.map(holderOf).filter(Boolean)).size === 2,
      { what: "each worker to hold one shard of the source", timeoutMs: 60_000, intervalMs: 100 },
    );
    await put(a.slice(0, FIRST_PHASE), shardA!.startingHashKey);
    await put(b.slice(0, FIRST_PHASE), shardB!.startingHashKey);
    // Both splits passed 1 s: the first window of every page fires.
    const firstWindows = Object.keys(expected).filter((f) => f.endsWith("|0"));
    await eventually(async () => (await redis.hlen(results)) >= firstWindows.length, {
      what: "the first window of every page",
      timeoutMs: 60_000,
      intervalMs: 100,
    });

    const holderOfB = holderOf((await table.snapshot()).leases.find((l) => l.leaseKey === shardB!.shardId)!)!;
    const held = workers.get(holderOfB)!;
    held.child.kill("SIGSTOP");
    const stoppedAt = Date.now();
    // Shard A to its end (its watermark goes far past every window), B's rest unread.
    await put([...a.slice(FIRST_PHASE), end("a")], shardA!.startingHashKey);
    await put(b.slice(FIRST_PHASE), shardB!.startingHashKey);
    // The other worker read A to its end and wrote it into the repartition stream: its
    // checkpoint of A covers every record of A (the stage-0 position counts the records written).
    await eventually(
      async () => {
        const leaseOfA = (await table.snapshot()).leases.find((l) => l.leaseKey === shardA!.shardId);
        return numberedIn(leaseOfA?.checkpoint) >= PER_SHARD;
      },
      {
        what: "shard A to be read and written to the repartition stream",
        timeoutMs: 60_000,
        intervalMs: 100,
      },
    );
    // Watermark markers go out every 200 ms and at least every second, the readers poll every
    // 50 ms: 2 s more is ample time for a window to fire early, if it could.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const whileStopped = await redis.hgetall(results);
    expect(Date.now() - stoppedAt, "the pause outlived the lease: B may have moved").toBeLessThan(LEASE_MS);
    expect(Object.keys(whileStopped).sort()).toEqual(firstWindows.sort());
    expect(whileStopped).toEqual(Object.fromEntries(firstWindows.map((f) => [f, expected[f]])));

    held.child.kill("SIGCONT");
    await put([end("b")], shardB!.startingHashKey);
    await eventually(async () => (await redis.hlen(results)) >= Object.keys(expected).length, {
      what: "every window once B's worker resumed",
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    expect(await redis.hgetall(results)).toEqual(expected);
  } catch (error) {
    const written = await redis.hgetall(results);
    const wrong = Object.keys({ ...expected, ...written }).filter((f) => written[f] !== expected[f]);
    const leases = (await table.snapshot()).leases.map((l) => `${l.leaseKey} ${holderOf(l)} ${l.checkpoint}`);
    throw await withWorkerLogs(
      error,
      workers,
      `${wrong.length} windows wrong or missing: ${wrong
        .sort()
        .slice(0, 30)
        .map((f) => `${f} ${written[f] ?? "missing"} (expected ${expected[f]})`)
        .join(", ")}\nsource leases: ${leases.join("; ")}`,
    );
  } finally {
    for (const worker of workers.values()) worker.child.kill("SIGKILL");
    proxy.close();
    await table.close();
  }
}, 240_000);

/** The count of records the stage-0 writer (of `per-page`) numbered up to a lease's checkpoint (0 if none). */
function numberedIn(checkpoint: string | undefined): number {
  if (checkpoint === undefined) return 0;
  const match = /"numbered":\{"per-page":(\d+)\}/.exec(checkpoint);
  if (!match) throw new Error(`a stage-0 checkpoint without a record count: ${checkpoint}`);
  return Number(match[1]);
}
