/**
 * One worker of the repartition process tests (`repartition-paused.integ.test.ts`,
 * `repartition-reshard.integ.test.ts`): records read from a Kinesis stream partitioned by `ip`,
 * keyed by `page` (not co-partitioned, so the job repartitions through a Kinesis stream it
 * creates with 2 shards), with checkpoints and leases in Redis. Two jobs:
 *
 * - `windows`: per-page counts in one-second event-time windows (watermarks 1 s out of order);
 *   each result is one field `page|windowStart` of the results hash. Records marked `end` only move
 *   the watermark.
 * - `branches`: the `windows` counts per page, and beside them, of the clicks whose `seq` is not a
 *   multiple of 3, the counts per ip prefix (`ipPrefix`) in one-second windows: a second branch
 *   off the same watermarks, so two repartitions (whose writers number different records), two
 *   streams and three stages; the second's fields are `ip:<prefix>|windowStart`.
 * - `sequences`: a keyed process checks, per page, that each ip's `seq` follows the last one seen
 *   (1, 2, …: a gap is a lost record, a repeat a double count, a smaller one a broken order) and
 *   writes the page's tally (`SequenceTally`, JSON) after every record into the field `page`.
 *
 * `lease ms` sets the lease duration and failover time (the paused-worker test holds a worker
 * stopped for less than that, so its splits are not taken over).
 *
 *   node --import tsx repartition-process-worker.ts <kinesis endpoint> <stream> <redis url> <job> <results hash> <worker id> <windows|branches|sequences> <lease ms>
 */
import {
  boundedOutOfOrderness,
  consoleLogger,
  count,
  type DataStream,
  pipeline,
  type Sink,
  tumbling,
  valueState,
} from "@eddy/core";
import { redisCheckpoints, redisLeases } from "@eddy/state";
import { Redis } from "ioredis";
import { json } from "../decoders.ts";
import { kinesisRepartition } from "../kinesis-repartition.ts";
import { kinesisSource } from "../kinesis-source.ts";
import { ipPrefix } from "./ip-prefix.ts";
import { connectionFor } from "./local-kinesis.ts";
import { stageLeaseTables } from "./stage-leases.ts";

/** A record of the process tests: `seq` counts 1, 2, … per (ip, page); `ts` is its event time. */
export interface ProcessTestClick {
  readonly ip: string;
  readonly page: string;
  readonly seq: number;
  readonly ts: number;
  readonly end?: true;
}

/** What the `sequences` job writes per page after each record. */
export interface SequenceTally {
  /** Records applied. */
  readonly count: number;
  /** The last `seq` applied, per ip. */
  readonly last: Record<string, number>;
  /** The first few records out of sequence: `ip:expected->got`. */
  readonly broken: readonly string[];
}

const [endpoint, stream, url, name, resultsKey, workerId, mode, leaseArg] = process.argv.slice(2);
if (!endpoint || !stream || !url || !name || !resultsKey || !workerId || !leaseArg) {
  console.error(
    "usage: repartition-process-worker.ts <kinesis endpoint> <stream> <redis url> <job> <results hash> <worker id> <windows|branches|sequences> <lease ms>",
  );
  process.exit(2);
}
if (mode !== "windows" && mode !== "branches" && mode !== "sequences") {
  console.error(`repartition-process-worker: mode must be windows, branches or sequences, got ${mode}`);
  process.exit(2);
}
const leaseMs = Number(leaseArg);

const redis = new Redis(url);
const idempotentResults: Sink<{ field: string; value: string }> = {
  name: "results",
  async write(rows) {
    if (rows.length > 0)
      await redis.hset(resultsKey, Object.fromEntries(rows.map((r) => [r.field, r.value])));
  },
};

const connection = connectionFor(endpoint);
const store = redisCheckpoints(url);
const stages = stageLeaseTables(url, name);
const leases = redisLeases(url, { job: name });
const job = pipeline(name, {
  logger: consoleLogger,
  checkpoints: { every: 300, store },
  cluster: {
    leases,
    workerId,
    leaseDurationMs: leaseMs,
    failoverTimeMs: leaseMs,
    pollIntervalMs: 200,
    assignmentIntervalMs: 500,
    handoffTimeoutMs: 6_000,
    repartition: {
      channel: kinesisRepartition({
        connection,
        createStreams: { shards: 2 },
        reader: { getRecordsIntervalMs: 50, shardDiscoveryIntervalMs: 500 },
        retry: { initialBackoffMS: 50, maxBackoffMS: 1_000, maxAttempts: 30 },
      }),
      stageLeases: stages.stageLeases,
    },
  },
  stopOnSignals: false,
});
const data = job
  .source(
    kinesisSource({
      stream,
      decode: json<ProcessTestClick>(),
      connection,
      initialPosition: "TRIM_HORIZON",
      getRecordsIntervalMs: 50,
      shardDiscoveryIntervalMs: 500,
      retry: { baseDelayMs: 50, maxDelayMs: 1_000, maxAttempts: 30 },
    }),
    { name: "clicks" },
  )
  // A shard's records are in event-time order (one producer, in order): none is late.
  .withWatermarks(boundedOutOfOrderness(1_000), (c) => c.ts, { name: "timestamps" })
  .filter((c) => c.end === undefined, { name: "data" });
const clicks = data.keyBy((c) => c.page);
type Row = { field: string; value: string };
if (mode === "branches") {
  data
    .filter((c) => c.seq % 3 !== 0, { name: "two-in-three" })
    .keyBy(ipPrefix)
    .window(tumbling(1_000))
    .aggregate(count(), { name: "per-ip-prefix" })
    .map((r) => ({ field: `ip:${r.key}|${r.window.start}`, value: String(r.value) }), { name: "ip-rows" })
    .sink(idempotentResults, { name: "ip-out" });
}
const rows: DataStream<Row> =
  mode !== "sequences"
    ? clicks
        .window(tumbling(1_000))
        .aggregate(count(), { name: "per-page" })
        .map((r) => ({ field: `${r.key}|${r.window.start}`, value: String(r.value) }), { name: "rows" })
    : clicks.process(
        {
          state: { tally: valueState<SequenceTally>({ count: 0, last: {}, broken: [] }) },
          processElement(click, ctx) {
            const { count: applied, last, broken } = ctx.state.tally.value();
            const expected = (last[click.ip] ?? 0) + 1;
            const tally: SequenceTally = {
              count: applied + 1,
              last: { ...last, [click.ip]: click.seq },
              broken:
                click.seq === expected || broken.length >= 10
                  ? broken
                  : [...broken, `${click.ip}:${expected}->${click.seq}`],
            };
            ctx.state.tally.update(tally);
            ctx.emit({ field: ctx.key, value: JSON.stringify(tally) });
          },
        },
        { name: "per-page" },
      );
rows.sink(idempotentResults, { name: "out" });
await job.run();
await store.close();
await leases.close();
await stages.close();
redis.disconnect();
