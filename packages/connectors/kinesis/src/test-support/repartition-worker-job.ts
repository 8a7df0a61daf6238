/**
 * What the repartition worker programs share (`repartition-worker.ts` for
 * `repartition.integ.test.ts`, `repartition-process-worker.ts` for the paused and reshard tests):
 * their arguments, and the job — records read from a Kinesis stream partitioned by `ip`, keyed by
 * `page` (not co-partitioned, so on several workers the job repartitions through a Kinesis stream
 * it creates with 2 shards), with checkpoints and leases in Redis and an idempotent sink (each
 * result is one field of a Redis hash). Records marked `end` only move the watermark.
 */
import {
  boundedOutOfOrderness,
  type ClusterOptions,
  consoleLogger,
  count,
  type DataStream,
  pipeline,
  type Sink,
  silentLogger,
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

/** A worker program's arguments. */
export interface RepartitionWorkerArgs {
  readonly endpoint: string;
  readonly stream: string;
  readonly url: string;
  readonly job: string;
  /** The Redis hash the results go to. */
  readonly resultsKey: string;
  /** This worker's id; without it, the whole job in one process (no cluster, no repartition). */
  readonly workerId: string | undefined;
  /**
   * - `windows`: per-page counts in one-second event-time windows (watermarks 1 s out of order);
   *   each result is the field `page|windowStart`.
   * - `branches`: the `windows` counts per page, and beside them, of the clicks whose `seq` is not a
   *   multiple of 3, the counts per ip prefix (`ipPrefix`) in one-second windows: a second branch
   *   off the same watermarks, so two repartitions (whose writers number different records), two
   *   streams and three stages; the second's fields are `ip:<prefix>|windowStart`.
   * - `sequences`: a keyed process checks, per page, that each ip's `seq` follows the last one
   *   seen (1, 2, …: a gap is a lost record, a repeat a double count, a smaller one a broken
   *   order) and writes the page's tally (`SequenceTally`, JSON) after every record into `page`.
   */
  readonly mode: "windows" | "branches" | "sequences";
  /** The lease duration and failover time. */
  readonly leaseMs: number;
  /** How often the source and the repartition reader look for new shards. */
  readonly shardDiscoveryIntervalMs: number;
}

/** The arguments every worker program starts with, in this order. */
const COMMON = "<kinesis endpoint> <stream> <redis url> <job> <results hash>";

/**
 * Parses a worker program's arguments: {@link COMMON}, then the program's own, which `rest` turns
 * into the remaining {@link RepartitionWorkerArgs} (returning a string says what is wrong). Prints
 * the usage line and exits with status 2 when they are missing or wrong.
 *
 * @example
 * const args = parseWorkerArgs("my-worker.ts", "[worker id]", process.argv.slice(2), ([workerId]) => ({
 *   workerId, mode: "windows", leaseMs: 3_000, shardDiscoveryIntervalMs: 1_000,
 * }));
 */
export function parseWorkerArgs(
  program: string,
  own: string,
  argv: readonly string[],
  rest: (
    args: readonly (string | undefined)[],
  ) => Pick<RepartitionWorkerArgs, "workerId" | "mode" | "leaseMs" | "shardDiscoveryIntervalMs"> | string,
): RepartitionWorkerArgs {
  const [endpoint, stream, url, job, resultsKey, ...more] = argv;
  const parsed = rest(more);
  if (!endpoint || !stream || !url || !job || !resultsKey || typeof parsed === "string") {
    console.error(
      `${typeof parsed === "string" ? `${program}: ${parsed}\n` : ""}usage: ${program} ${COMMON} ${own}`,
    );
    process.exit(2);
  }
  return { endpoint, stream, url, job, resultsKey, ...parsed };
}

/** Runs the job of `args` until it ends, then closes what it opened. */
export async function runRepartitionWorker(args: RepartitionWorkerArgs): Promise<void> {
  const { workerId, shardDiscoveryIntervalMs } = args;
  const redis = new Redis(args.url);
  const idempotentResults: Sink<{ field: string; value: string }> = {
    name: "results",
    async write(rows) {
      if (rows.length > 0)
        await redis.hset(args.resultsKey, Object.fromEntries(rows.map((r) => [r.field, r.value])));
    },
  };
  const connection = connectionFor(args.endpoint);
  const store = redisCheckpoints(args.url);
  const stages = stageLeaseTables(args.url, args.job);
  const leases = workerId === undefined ? undefined : redisLeases(args.url, { job: args.job });
  const cluster: ClusterOptions | undefined =
    leases && workerId !== undefined
      ? {
          leases,
          workerId,
          leaseDurationMs: args.leaseMs,
          failoverTimeMs: args.leaseMs,
          pollIntervalMs: 200,
          assignmentIntervalMs: 500,
          handoffTimeoutMs: 6_000,
          repartition: {
            channel: kinesisRepartition({
              connection,
              createStreams: { shards: 2 },
              reader: { getRecordsIntervalMs: 50, shardDiscoveryIntervalMs },
              retry: { initialBackoffMS: 50, maxBackoffMS: 1_000, maxAttempts: 30 },
            }),
            stageLeases: stages.stageLeases,
          },
        }
      : undefined;
  const job = pipeline(args.job, {
    logger: workerId === undefined ? silentLogger : consoleLogger,
    checkpoints: { every: 300, store },
    cluster,
    stopOnSignals: false,
  });
  const data = job
    .source(
      kinesisSource({
        stream: args.stream,
        decode: json<ProcessTestClick>(),
        connection,
        initialPosition: "TRIM_HORIZON",
        getRecordsIntervalMs: 50,
        shardDiscoveryIntervalMs,
        retry: { baseDelayMs: 50, maxDelayMs: 1_000, maxAttempts: 30 },
      }),
      { name: "clicks" },
    )
    // A shard's records are in event-time order (one producer, in order): none is late.
    .withWatermarks(boundedOutOfOrderness(1_000), (c) => c.ts, { name: "timestamps" })
    .filter((c) => c.end === undefined, { name: "data" });
  if (args.mode === "branches") {
    data
      .filter((c) => c.seq % 3 !== 0, { name: "two-in-three" })
      .keyBy(ipPrefix)
      .window(tumbling(1_000))
      .aggregate(count(), { name: "per-ip-prefix" })
      .map((r) => ({ field: `ip:${r.key}|${r.window.start}`, value: String(r.value) }), { name: "ip-rows" })
      .sink(idempotentResults, { name: "ip-out" });
  }
  const clicks = data.keyBy((c) => c.page);
  type Row = { field: string; value: string };
  const rows: DataStream<Row> =
    args.mode !== "sequences"
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
  await leases?.close();
  await stages.close();
  redis.disconnect();
}
