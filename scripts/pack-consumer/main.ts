// A project outside the workspace that installed Eddy's packed tarballs from `pnpm pack`:
// it must type-check against the published declarations and run a pipeline on the published code.
import assert from "node:assert/strict";
import { dynamoDbSink } from "@eddy/connector-dynamodb";
import { firehoseSink } from "@eddy/connector-firehose";
import { json, kinesisSink, kinesisSource } from "@eddy/connector-kinesis";
import { s3Sink, s3Source } from "@eddy/connector-s3";
import {
  boundedOutOfOrderness,
  VirtualClock as CoreVirtualClock,
  collectSink,
  count,
  type DataStream,
  fromIterable,
  MemoryCheckpointStore,
  minutes,
  pipeline,
  type Stats,
  seconds,
  stats,
  type TimeWindow,
  tumbling,
  type WindowResult,
} from "@eddy/core";
import { createTestHarness, VirtualClock } from "@eddy/core/testing";
import * as observability from "@eddy/observability";
import type { LogicalPlan } from "@eddy/sql";
import { sqlHarness } from "@eddy/sql/testing";
import { msgpackSerde, redisCheckpoints } from "@eddy/state";

interface Tick {
  readonly symbol: string;
  readonly price: number;
  readonly at: number;
}

const ticks: Tick[] = [
  { symbol: "EURUSD", price: 1.1, at: 1_000 },
  { symbol: "GBPUSD", price: 1.3, at: 2_000 },
  { symbol: "EURUSD", price: 1.2, at: 30_000 },
  { symbol: "EURUSD", price: 1.4, at: 61_000 },
];

// A checkpointed, windowed job on the published runtime, with state serialized by @eddy/state's
// msgpack serde (so msgpackr came from the registry and loads).
const store = new MemoryCheckpointStore();
const job = pipeline("consumer", { serde: msgpackSerde, checkpoints: { every: seconds(1), store } });
const out = collectSink<WindowResult<string, TimeWindow, Stats>>();
job
  .source(fromIterable(ticks))
  .withWatermarks(boundedOutOfOrderness(seconds(5)), (t) => t.at)
  .keyBy((t) => t.symbol)
  .window(tumbling(minutes(1)))
  .aggregate(stats((t) => t.price))
  .sink(out.sink);
const result = await job.run();
assert.equal(result.outcome, "finished");
const byWindow = out.values().map((r) => `${r.key}@${r.window.start}:${r.value.count}`);
assert.deepEqual(byWindow.sort(), ["EURUSD@0:2", "EURUSD@60000:1", "GBPUSD@0:1"]);
assert.ok((await store.checkpoints("consumer")).length > 0, "the final checkpoint was stored");

// The testing subpath shares the runtime with the main entry: one VirtualClock class, not two.
assert.equal(VirtualClock, CoreVirtualClock);
const harness = createTestHarness((input: DataStream<Tick>) =>
  input
    .keyBy((t) => t.symbol)
    .window(tumbling(minutes(1)))
    .aggregate(count()),
);
await harness.processElement(ticks[0]!, 1_000);
await harness.processWatermark(59_999);
assert.deepEqual(harness.values(), [{ key: "EURUSD", window: { start: 0, end: 60_000 }, value: 1 }]);

// @eddy/sql's testing subpath runs a plan (a bare VALUES query) on the core harness.
const valuesPlan: LogicalPlan = {
  inputs: [],
  streams: [],
  referenceTables: [],
  pumps: [],
  queries: [
    {
      name: "",
      query: {
        kind: "values",
        rows: [[1], [2]],
        columns: [{ name: "X", type: { name: "INTEGER", nullable: false } }],
      },
    },
  ],
};
const sql = await sqlHarness(valuesPlan, { queryStart: 7 });
await sql.finish();
assert.deepEqual(sql.rows(), [
  { ROWTIME: 7, X: 1 },
  { ROWTIME: 7, X: 2 },
]);

// Connectors and the Redis store are built (not started): their option types come from the
// published declarations and their AWS SDK and ioredis dependencies from the registry.
const region = { region: "us-east-1" };
const builtConnectors = [
  kinesisSource({ stream: "ticks", decode: json<Tick>(), connection: region }),
  kinesisSink<Tick>({ stream: "ticks", partitionKey: (t) => t.symbol, connection: region }),
  firehoseSink<Tick>({ deliveryStreamName: "ticks", client: region }),
  s3Sink<Tick>({ bucket: "ticks", client: region }),
  s3Source<Tick>({ bucket: "ticks", prefix: "2026/", client: region }),
  dynamoDbSink<Tick>({ tableName: "ticks", item: (t) => ({ symbol: t.symbol, at: t.at }), client: region }),
  redisCheckpoints("redis://127.0.0.1:6379"),
];
assert.equal(builtConnectors.length, 7);
assert.equal(typeof observability, "object");

console.log(
  `consumer ok: ${out.values().length} window results, harness ${harness.values().length}, sql ${sql.rows().length}`,
);
