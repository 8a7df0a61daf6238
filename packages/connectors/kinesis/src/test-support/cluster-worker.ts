/**
 * One worker of the job the Kinesis cluster test runs on several processes (or, without a worker
 * id, the whole job in one process): a Kinesis source whose records were written at their key
 * group's point (`partitionKey` declared), keyed one-second windows co-partitioned with it,
 * checkpoints to Redis published through Redis leases, and an idempotent sink — each window's
 * result is one field of a Redis hash (`key|windowStart`), so a result written again after a
 * replay is the same write. Records marked `end` only move the watermark, so every window fires.
 *
 *   node --import tsx cluster-worker.ts <kinesis endpoint> <stream> <redis url> <job name> <results hash> [worker id]
 */
import {
  boundedOutOfOrderness,
  consoleLogger,
  pipeline,
  type Sink,
  silentLogger,
  stats,
  tumbling,
} from "@eddy/core";
import { redisCheckpoints, redisLeases } from "@eddy/state";
import { Redis } from "ioredis";
import { json } from "../decoders.ts";
import { kinesisSource } from "../kinesis-source.ts";
import { connectionFor } from "./local-kinesis.ts";

/** A record of the cluster test: `amount` of `key` at event time `ts`; `end` marks the end of the input. */
export interface ClusterEvent {
  readonly key: string;
  readonly amount: number;
  readonly ts: number;
  readonly end?: true;
}

const [endpoint, stream, url, name, resultsKey, workerId] = process.argv.slice(2);
if (!endpoint || !stream || !url || !name || !resultsKey) {
  console.error(
    "usage: cluster-worker.ts <kinesis endpoint> <stream> <redis url> <job name> <results hash> [worker id]",
  );
  process.exit(2);
}

const byKey = (e: ClusterEvent) => e.key;
const redis = new Redis(url);
const idempotentResults: Sink<{ field: string; value: string }> = {
  name: "results",
  async write(rows) {
    await redis.hset(resultsKey, Object.fromEntries(rows.map((r) => [r.field, r.value])));
  },
};

const store = redisCheckpoints(url);
const leases = workerId === undefined ? undefined : redisLeases(url, { job: name });
const job = pipeline(name, {
  logger: workerId === undefined ? silentLogger : consoleLogger,
  checkpoints: { every: 500, store },
  cluster:
    leases && workerId !== undefined
      ? {
          leases,
          workerId,
          // Failover in a few seconds, so the test sees shards move between workers, yet not so
          // fast that a worker starved of CPU by its neighbours (and kinesis-local) loses its leases.
          leaseDurationMs: 4_000,
          failoverTimeMs: 4_000,
          pollIntervalMs: 300,
          assignmentIntervalMs: 1_000,
          handoffTimeoutMs: 10_000,
        }
      : undefined,
  stopOnSignals: false,
});
const source = kinesisSource({
  stream,
  decode: json<ClusterEvent>(),
  connection: connectionFor(endpoint),
  initialPosition: "TRIM_HORIZON",
  partitionKey: byKey,
  getRecordsIntervalMs: 50,
  shardDiscoveryIntervalMs: 1_000,
  retry: { baseDelayMs: 50, maxDelayMs: 1_000, maxAttempts: 30 },
});
const events = job.source(source, { name: "events" });
// No record may be lost silently: a dead letter is counted where the test sees it.
events.getSideOutput(source.deadLetters).sink(
  {
    name: "dead-letters",
    async write(letters) {
      await redis.hincrby(resultsKey, "dead-letters", letters.length);
    },
  },
  { name: "dead" },
);
events
  // A shard's records are in event-time order (one producer, in order): none is late.
  .withWatermarks(boundedOutOfOrderness(2_000), (e) => e.ts, { name: "timestamps" })
  .filter((e) => e.end === undefined, { name: "data" })
  .keyBy(byKey)
  .window(tumbling(1_000))
  .aggregate(
    stats((e) => e.amount),
    { name: "per-second" },
  )
  .map((r) => ({ field: `${r.key}|${r.window.start}`, value: `${r.value.count}/${r.value.sum}` }), {
    name: "rows",
  })
  .sink(idempotentResults, { name: "out" });
await job.run();
await store.close();
await leases?.close();
redis.disconnect();
