/**
 * One worker of the job the repartition test runs on several processes (or, without a worker id,
 * the whole job in one process): clicks read from a Kinesis stream partitioned by `ip`, counted per
 * `page` in one-second windows — not co-partitioned, so on several workers the job repartitions
 * through a Kinesis stream it creates — with checkpoints to Redis, leases in Redis, and an
 * idempotent sink (each window's result is one field of a Redis hash, `page|windowStart`).
 * Records marked `end` only move the watermark, so every window fires.
 *
 *   node --import tsx repartition-worker.ts <kinesis endpoint> <stream> <redis url> <job name> <results hash> [worker id]
 */
import {
  boundedOutOfOrderness,
  consoleLogger,
  count,
  pipeline,
  type Sink,
  silentLogger,
  tumbling,
} from "@eddy/core";
import { redisCheckpoints, redisLeases } from "@eddy/state";
import { Redis } from "ioredis";
import { json } from "../decoders.ts";
import { kinesisRepartition } from "../kinesis-repartition.ts";
import { kinesisSource } from "../kinesis-source.ts";
import { connectionFor } from "./local-kinesis.ts";

/** A click of the repartition test, at event time `ts`; `end` marks the end of the input. */
export interface RepartitionClick {
  readonly ip: string;
  readonly page: string;
  readonly ts: number;
  readonly end?: true;
}

const [endpoint, stream, url, name, resultsKey, workerId] = process.argv.slice(2);
if (!endpoint || !stream || !url || !name || !resultsKey) {
  console.error(
    "usage: repartition-worker.ts <kinesis endpoint> <stream> <redis url> <job name> <results hash> [worker id]",
  );
  process.exit(2);
}

const redis = new Redis(url);
const idempotentResults: Sink<{ field: string; value: string }> = {
  name: "results",
  async write(rows) {
    await redis.hset(resultsKey, Object.fromEntries(rows.map((r) => [r.field, r.value])));
  },
};

const connection = connectionFor(endpoint);
const store = redisCheckpoints(url);
const stageTables = new Map<number, ReturnType<typeof redisLeases>>();
const stageLeases = (stage: number) => {
  let table = stageTables.get(stage);
  if (!table) {
    table = redisLeases(url, { job: `${name}/stage-${stage}` });
    stageTables.set(stage, table);
  }
  return table;
};
const leases = workerId === undefined ? undefined : redisLeases(url, { job: name });
const job = pipeline(name, {
  logger: workerId === undefined ? silentLogger : consoleLogger,
  checkpoints: { every: 300, store },
  cluster:
    leases && workerId !== undefined
      ? {
          leases,
          workerId,
          leaseDurationMs: 3_000,
          failoverTimeMs: 3_000,
          pollIntervalMs: 200,
          assignmentIntervalMs: 500,
          handoffTimeoutMs: 6_000,
          repartition: {
            channel: kinesisRepartition({
              connection,
              createStreams: { shards: 2 },
              reader: { getRecordsIntervalMs: 50, shardDiscoveryIntervalMs: 1_000 },
              retry: { initialBackoffMS: 50, maxBackoffMS: 1_000, maxAttempts: 30 },
            }),
            stageLeases,
          },
        }
      : undefined,
  stopOnSignals: false,
});
job
  .source(
    kinesisSource({
      stream,
      decode: json<RepartitionClick>(),
      connection,
      initialPosition: "TRIM_HORIZON",
      getRecordsIntervalMs: 50,
      shardDiscoveryIntervalMs: 1_000,
      retry: { baseDelayMs: 50, maxDelayMs: 1_000, maxAttempts: 30 },
    }),
    { name: "clicks" },
  )
  // A shard's records are in event-time order (one producer, in order): none is late.
  .withWatermarks(boundedOutOfOrderness(1_000), (c) => c.ts, { name: "timestamps" })
  .filter((c) => c.end === undefined, { name: "data" })
  .keyBy((c) => c.page)
  .window(tumbling(1_000))
  .aggregate(count(), { name: "per-page" })
  .map((r) => ({ field: `${r.key}|${r.window.start}`, value: String(r.value) }), { name: "rows" })
  .sink(idempotentResults, { name: "out" });
await job.run();
await store.close();
await leases?.close();
for (const table of stageTables.values()) await table.close();
redis.disconnect();
