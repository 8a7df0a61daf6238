/**
 * One worker of the job the cluster crash test runs on several processes (or, without a worker id,
 * the whole job in one process): a partitioned, replayable generator, keyed tumbling windows
 * co-partitioned with it, checkpoints to Redis published through Redis leases, and an idempotent
 * sink — each window's result is written to one field of a Redis hash (`key|windowStart`), so a
 * result written again after a replay is the same write. With `EDDY_TEST_FILES` set, the results
 * also go to that directory through the exactly-once JSON-lines sink, which commits on checkpoint
 * completion: a result written twice there is a duplicate line. With `EDDY_TEST_FROM_SAVEPOINT`
 * set, the workers start from that savepoint of the whole job. With `EDDY_TEST_WRITES` set, every
 * write of a result also counts one in that Redis hash (HINCRBY): an at-least-once sink, whose
 * counts above 1 are duplicates. With `EDDY_TEST_GRACEFUL` set, SIGTERM stops the worker
 * gracefully (it stops at a published checkpoint and hands its leases over) and it prints
 * `stopped`. `EDDY_TEST_FAILOVER_MS` replaces the test's lease timing by that failover time
 * (`default`: the lease defaults), for the failover benchmark.
 *
 *   node --import tsx cluster-worker.ts <redis url> <job name> <results hash> <records> <records per second> [worker id]
 */
import {
  boundedOutOfOrderness,
  consoleLogger,
  generatorSource,
  jsonLinesSink,
  pipeline,
  type Sink,
  silentLogger,
  stats,
  tumbling,
} from "@eddy/core";
import { Redis } from "ioredis";
import { redisCheckpoints, redisLeases } from "../src/index.ts";

const [url, name, resultsKey, records, rate, workerId] = process.argv.slice(2);
if (!url || !name || !resultsKey || !records || !rate) {
  console.error(
    "usage: cluster-worker.ts <redis url> <job name> <results hash> <records> <records per second> [worker id]",
  );
  process.exit(2);
}

/** Record i: 53 keys, integer amounts, event time i ms. */
const eventAt = (i: number) => ({ key: `k${(i * 31) % 53}`, amount: (i * 7) % 11, ts: i });
const byKey = (e: { key: string }) => e.key;

const redis = new Redis(url);
const idempotentResults: Sink<{ field: string; value: string }> = {
  name: "results",
  async write(rows) {
    await redis.hset(resultsKey, Object.fromEntries(rows.map((r) => [r.field, r.value])));
  },
};

/** At-least-once: a result written again after a replay counts twice. */
const writesKey = process.env.EDDY_TEST_WRITES;
const countedWrites: Sink<{ field: string; value: string }> = {
  name: "writes",
  async write(rows) {
    const counting = redis.pipeline();
    for (const row of rows) counting.hincrby(writesKey!, row.field, 1);
    for (const [error] of (await counting.exec()) ?? []) if (error) throw error;
  },
};

const store = redisCheckpoints(url);
const leases = workerId === undefined ? undefined : redisLeases(url, { job: name });
const cluster = workerId === undefined || leases === undefined ? undefined : { leases, workerId };
/** The lease timing: about two seconds of failover (the test's), or the benchmark's. */
function leaseTiming(failover: string | undefined) {
  if (failover === "default") return {};
  if (failover !== undefined) {
    const ms = Number(failover);
    return { leaseDurationMs: ms, failoverTimeMs: ms, pollIntervalMs: Math.min(1_000, ms / 10) };
  }
  // Failover in about two seconds, so the test sees splits move between workers.
  return {
    leaseDurationMs: 1_500,
    failoverTimeMs: 1_500,
    pollIntervalMs: 200,
    assignmentIntervalMs: 500,
    handoffTimeoutMs: 5_000,
  };
}

const job = pipeline(name, {
  logger: workerId === undefined ? silentLogger : consoleLogger,
  checkpoints: { every: 100, store },
  cluster: cluster && { ...cluster, ...leaseTiming(process.env.EDDY_TEST_FAILOVER_MS) },
  stopOnSignals: process.env.EDDY_TEST_GRACEFUL !== undefined,
  ...(process.env.EDDY_TEST_FROM_SAVEPOINT
    ? { startFrom: { savepoint: process.env.EDDY_TEST_FROM_SAVEPOINT } }
    : {}),
});
const rows = job
  .source(
    generatorSource({
      count: Number(records),
      ratePerSecond: Number(rate),
      partitions: 8,
      partitionKey: byKey,
      batchSize: 250,
      generate: eventAt,
    }),
    { name: "events" },
  )
  // A batch of one split spans 2 s of event time (250 records × 8 partitions): no record is late.
  .withWatermarks(boundedOutOfOrderness(10_000), (e) => e.ts, { name: "timestamps" })
  .keyBy(byKey)
  .window(tumbling(1_000))
  .aggregate(
    stats((e) => e.amount),
    { name: "per-second" },
  )
  .map((r) => ({ field: `${r.key}|${r.window.start}`, value: `${r.value.count}/${r.value.sum}` }), {
    name: "rows",
  });
rows.sink(idempotentResults, { name: "out" });
const files = process.env.EDDY_TEST_FILES;
if (files) rows.sink(jsonLinesSink(files), { name: "files" });
if (writesKey) rows.sink(countedWrites, { name: "writes" });
const result = await job.run();
console.log(result.outcome);
await store.close();
await leases?.close();
redis.disconnect();
