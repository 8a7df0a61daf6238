/**
 * One worker of the bounded repartition test (`repartition-bounded.integ.test.ts`): a bounded
 * generator of clicks in 4 partitions by `ip`, counted per `page` in one-second event-time windows
 * — not co-partitioned, so the job repartitions through a Kinesis stream it creates with 2
 * shards — with checkpoints and leases in Redis, each window's count one field `page|windowStart`
 * of the results hash. It runs until the job ends by itself, prints `outcome: <outcome>` and
 * exits 0 only when that is `finished`. With a savepoint name it starts from that savepoint of the
 * whole job (`repartition-savepoint.integ.test.ts`).
 *
 *   node --import tsx bounded-repartition-worker.ts <kinesis endpoint> <redis url> <job> <results hash> <worker id> <clicks> <clicks per second> [<savepoint>]
 */
import {
  boundedOutOfOrderness,
  consoleLogger,
  count,
  generatorSource,
  pipeline,
  type Sink,
  tumbling,
} from "@eddy/core";
import { redisCheckpoints, redisLeases } from "@eddy/state";
import { Redis } from "ioredis";
import { kinesisRepartition } from "../kinesis-repartition.ts";
import { type BoundedClick, boundedClickAt } from "./bounded-clicks.ts";
import { connectionFor } from "./local-kinesis.ts";
import { stageLeaseTables } from "./stage-leases.ts";

const [endpoint, url, name, resultsKey, workerId, clicksArg, rateArg, savepoint] = process.argv.slice(2);
if (!endpoint || !url || !name || !resultsKey || !workerId || !clicksArg || !rateArg) {
  console.error(
    "usage: bounded-repartition-worker.ts <kinesis endpoint> <redis url> <job> <results hash> <worker id> <clicks> <clicks per second> [<savepoint>]",
  );
  process.exit(2);
}

const redis = new Redis(url);
const idempotentResults: Sink<{ field: string; value: string }> = {
  name: "results",
  async write(rows) {
    if (rows.length > 0)
      await redis.hset(resultsKey, Object.fromEntries(rows.map((r) => [r.field, r.value])));
  },
};

const store = redisCheckpoints(url);
const stages = stageLeaseTables(url, name);
const leases = redisLeases(url, { job: name });
const job = pipeline(name, {
  logger: consoleLogger,
  checkpoints: { every: 300, store },
  cluster: {
    leases,
    workerId,
    leaseDurationMs: 3_000,
    failoverTimeMs: 3_000,
    pollIntervalMs: 200,
    assignmentIntervalMs: 500,
    handoffTimeoutMs: 6_000,
    repartition: {
      channel: kinesisRepartition({
        connection: connectionFor(endpoint),
        createStreams: { shards: 2 },
        reader: { getRecordsIntervalMs: 50, shardDiscoveryIntervalMs: 500 },
        retry: { initialBackoffMS: 50, maxBackoffMS: 1_000, maxAttempts: 30 },
      }),
      stageLeases: stages.stageLeases,
    },
  },
  stopOnSignals: false,
  startFrom: savepoint === undefined ? undefined : { savepoint },
});
const byIp = (c: BoundedClick) => c.ip;
job
  .source(
    generatorSource({
      count: Number(clicksArg),
      partitions: 4,
      partitionKey: byIp,
      batchSize: 50,
      ratePerSecond: Number(rateArg),
      generate: boundedClickAt,
    }),
    { name: "clicks" },
  )
  // The clicks are in event-time order: none is late.
  .withWatermarks(boundedOutOfOrderness(1_000), (c) => c.ts, { name: "timestamps" })
  .keyBy((c) => c.page)
  .window(tumbling(1_000))
  .aggregate(count(), { name: "per-page" })
  .map((r) => ({ field: `${r.key}|${r.window.start}`, value: String(r.value) }), { name: "rows" })
  .sink(idempotentResults, { name: "out" });
const { outcome } = await job.run();
console.log(`outcome: ${outcome}`);
await store.close();
await leases.close();
await stages.close();
redis.disconnect();
process.exitCode = outcome === "finished" ? 0 : 3;
