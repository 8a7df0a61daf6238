/**
 * One worker of the repartition benchmark (`repartition.bench.ts`): clicks read from a Kinesis
 * stream, keyed by page, on one or more worker processes with leases and checkpoints (every
 * second) in Redis. Two paths:
 *
 * - `repartition`: the stream is partitioned by ip, so the job repartitions through a Kinesis
 *   stream it creates (`shards` shards);
 * - `co-partitioned`: the stream was written at the key groups of the page
 *   (`keyGroupHashKey`), the source declares the page as its `partitionKey`: no repartition.
 *
 * and two jobs:
 *
 * - `windows`: per-page counts in one-second event-time windows (field `page|start` of
 *   `<run>:results`); records marked `end` only move the watermark. The worker notes when it
 *   decoded its first record (`<run>:first`, field = worker id) and when it last wrote results
 *   (`<run>:last`): epoch ms, comparable between the processes of one machine.
 * - `latency`: a keyed process after the keyBy stamps each record with the time it reached it,
 *   less the time its producer put it (`sentAt`); `ts latency read` (ms) goes to the list
 *   `<run>:latency`, where `read` is the part up to the upstream stage's read (the whole latency on
 *   the co-partitioned path).
 *
 * Reads use the source's defaults (a `GetRecords` at most every 200 ms per shard) on both streams.
 *
 *   node --import tsx repartition-worker.ts <kinesis endpoint> <stream> <redis url> <job> <run> <worker id> <repartition|co-partitioned> <windows|latency> <shards>
 */
import {
  boundedOutOfOrderness,
  consoleLogger,
  count,
  type KeyedStream,
  pipeline,
  type Sink,
  silentLogger,
  tumbling,
} from "@eddy/core";
import { redisCheckpoints, redisLeases } from "@eddy/state";
import { Redis } from "ioredis";
import { type Decoder, json } from "../src/decoders.ts";
import { kinesisRepartition } from "../src/kinesis-repartition.ts";
import { kinesisSource } from "../src/kinesis-source.ts";
import { connectionFor } from "../src/test-support/local-kinesis.ts";
import { stageLeaseTables } from "../src/test-support/stage-leases.ts";

/** A click of the benchmark: put at `sentAt` (epoch ms), at event time `ts`. */
export interface BenchClick {
  readonly ip: string;
  readonly page: string;
  readonly ts: number;
  readonly sentAt: number;
  /** When the upstream stage read it (epoch ms), on the repartition path. */
  readonly readAt?: number;
  readonly end?: true;
}

const [endpoint, stream, url, name, run, workerId, path, mode, shardsArg] = process.argv.slice(2);
if (!endpoint || !stream || !url || !name || !run || !workerId || !shardsArg) {
  console.error(
    "usage: repartition-worker.ts <kinesis endpoint> <stream> <redis url> <job> <run> <worker id> <repartition|co-partitioned> <windows|latency> <shards>",
  );
  process.exit(2);
}
if ((path !== "repartition" && path !== "co-partitioned") || (mode !== "windows" && mode !== "latency")) {
  console.error(`repartition-worker: bad path ${path} or mode ${mode}`);
  process.exit(2);
}

const worker = workerId;
const redis = new Redis(url);
const byPage = (c: BenchClick) => c.page;
const decodeJson = json<BenchClick>();
let decodedAny = false;
/** The JSON decoder, noting the time of the first record this worker decoded. */
const decode: Decoder<BenchClick> = (data, record) => {
  if (!decodedAny) {
    decodedAny = true;
    void redis.hsetnx(`${run}:first`, workerId, String(Date.now()));
  }
  return decodeJson(data, record);
};

const connection = connectionFor(endpoint);
const store = redisCheckpoints(url);
const stages = stageLeaseTables(url, name);
const leases = redisLeases(url, { job: name });
const job = pipeline(name, {
  // EDDY_BENCH_LOG=1 shows the worker's lease events (on stderr), to see where time goes.
  logger: process.env.EDDY_BENCH_LOG ? consoleLogger : silentLogger,
  checkpoints: { every: 1_000, store },
  // BENCH_IN_FLIGHT sets how many sink writes may queue (default 64): see the benchmark's notes.
  ...(process.env.BENCH_IN_FLIGHT ? { maxInFlightWrites: Number(process.env.BENCH_IN_FLIGHT) } : {}),
  cluster: {
    leases,
    workerId,
    leaseDurationMs: 5_000,
    failoverTimeMs: 5_000,
    pollIntervalMs: 250,
    assignmentIntervalMs: 500,
    repartition: {
      channel: kinesisRepartition({
        connection,
        createStreams: { shards: Number(shardsArg) },
        reader: { shardDiscoveryIntervalMs: 1_000 },
      }),
      stageLeases: stages.stageLeases,
    },
  },
  stopOnSignals: false,
});
const read = job
  .source(
    kinesisSource({
      stream,
      decode,
      connection,
      initialPosition: "TRIM_HORIZON",
      shardDiscoveryIntervalMs: 1_000,
      ...(path === "co-partitioned" ? { partitionKey: byPage } : {}),
    }),
    { name: "clicks" },
  )
  .withWatermarks(boundedOutOfOrderness(1_000), (c) => c.ts, { name: "timestamps" })
  .filter((c) => c.end === undefined, { name: "data" });
// On the repartition path, the time the upstream stage read the record, to split the latency in
// two (a map would break the co-partitioned path's keyBy, so that path has none).
const keyed = (
  path === "repartition" && mode === "latency"
    ? read.map((c): BenchClick => ({ ...c, readAt: Date.now() }), { name: "stamp" })
    : read
).keyBy(byPage);

if (mode === "windows") windows(keyed);
else latency(keyed);
await job.run();

function windows(clicks: KeyedStream<BenchClick, string>): void {
  const results: Sink<{ field: string; value: string }> = {
    name: "results",
    async write(rows) {
      if (rows.length === 0) return;
      await redis
        .multi()
        .hset(`${run}:results`, Object.fromEntries(rows.map((r) => [r.field, r.value])))
        .hset(`${run}:last`, worker, String(Date.now()))
        .exec();
    },
  };
  clicks
    .window(tumbling(1_000))
    .aggregate(count(), { name: "per-page" })
    .map((r) => ({ field: `${r.key}|${r.window.start}`, value: String(r.value) }), { name: "rows" })
    .sink(results, { name: "out" });
}

function latency(clicks: KeyedStream<BenchClick, string>): void {
  const latencies: Sink<string> = {
    name: "latencies",
    async write(values) {
      if (values.length > 0) await redis.rpush(`${run}:latency`, ...values);
    },
  };
  clicks
    .process<string>(
      {
        processElement(click, ctx) {
          const now = Date.now();
          ctx.emit(`${click.ts} ${now - click.sentAt} ${(click.readAt ?? now) - click.sentAt}`);
        },
      },
      { name: "per-page" },
    )
    .sink(latencies, { name: "out" });
}
