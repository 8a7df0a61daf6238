/**
 * What a repartition costs, through kinesis-local (the full Kinesis stand-in, a child process on
 * the same cores) with Redis leases and checkpoints (`repartition-worker.ts` is the job):
 *
 * 1. **Throughput, 1 against 2 worker processes**: clicks partitioned by ip, counted per page in
 *    one-second windows — the job repartitions through a stream it creates. The source stream is
 *    loaded once; each run is a new job reading it from the start. Figure: records per second from
 *    the first record any worker decoded to the last window result any worker wrote; also what
 *    the repartition stream stored per source record (data + markers) and its bytes. Every run must
 *    write exactly the per-page counts of a plain computation, else the benchmark fails.
 * 2. **Added latency of the shuffle**: a producer puts clicks at a steady rate (stamped with the
 *    time of the put); a keyed process after the keyBy takes the difference to the time the record
 *    reached it. The same job on the co-partitioned path (the stream written at the page's key
 *    group, the source declaring the page as its partition key: no repartition) is the baseline,
 *    measured in the same run, the two paths alternating. Figures: p50 and p99 per run, their
 *    medians, and the difference and ratio against the baseline.
 *
 * Medians of BENCH_ROUNDS rounds. Both streams are read with the source's defaults (a GetRecords
 * at most every 200 ms per shard). Prints figures and ratios, never fails on time. The machine's
 * load average is printed before and after.
 *
 *   ./node_modules/.bin/tsx packages/connectors/kinesis/bench/repartition.bench.ts
 *   BENCH_EVENTS=3000 BENCH_ROUNDS=3 BENCH_SHARDS=4 BENCH_RATE=20 BENCH_SECONDS=10 ./node_modules/.bin/tsx …/repartition.bench.ts
 *
 * `BENCH_ONLY=throughput` or `BENCH_ONLY=latency` runs one part.
 */
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { repartitionStreamName } from "@eddy/core";
import { Redis } from "ioredis";
import { keyGroupHashKey } from "../src/key-group-points.ts";
import { createStreamProxy, type PutEntry } from "../src/kinesis-client.ts";
import { type LocalKinesis, startKinesisLocal } from "../src/test-support/local-kinesis.ts";
import {
  startIsolatedRedis,
  startWorkerProcess,
  type WorkerProcess,
} from "../src/test-support/process-workers.ts";
import { produce } from "../src/test-support/producer.ts";
import { storedRecords } from "../src/test-support/stored-records.ts";
import type { BenchClick } from "./repartition-worker.ts";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 3_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const SHARDS = Number(process.env.BENCH_SHARDS ?? 4);
const RATE = Number(process.env.BENCH_RATE ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ONLY = process.env.BENCH_ONLY;
const PAGES = 20;
const IPS = 50;
const WORKER = fileURLToPath(new URL("./repartition-worker.ts", import.meta.url));

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
/** Milliseconds, or what `Infinity` stands for: records still missing 60 s after the last put. */
const ms = (value: number) => (Number.isFinite(value) ? `${value} ms` : "> 60 s (did not keep up)");
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const encoder = new TextEncoder();
const byPage = (c: BenchClick) => c.page;
const pageHashKey = keyGroupHashKey(byPage);

/** Click `i`: event time advances 2 ms a click (500 a second of event time). */
const clickAt = (i: number, sentAt = 0): BenchClick => ({
  ip: `10.0.${i % IPS}.${(i * 13) % 250}`,
  page: `/p${(i * 7) % PAGES}`,
  ts: i * 2,
  sentAt,
});
const byIp = (c: BenchClick): PutEntry => ({ data: encoder.encode(JSON.stringify(c)), partitionKey: c.ip });
const atPage = (c: BenchClick): PutEntry => ({
  data: encoder.encode(JSON.stringify(c)),
  partitionKey: c.page,
  explicitHashKey: pageHashKey(c),
});

const kinesis: LocalKinesis = await startKinesisLocal();
const redisServer = await startIsolatedRedis();
const redis = new Redis(redisServer.url);
const proxy = createStreamProxy(kinesis.connection);

function spawnWorkers(
  stream: string,
  path: "repartition" | "co-partitioned",
  mode: "windows" | "latency",
  count: number,
): { job: string; run: string; workers: WorkerProcess[] } {
  const job = `bench-${randomUUID().slice(0, 8)}`;
  const run = `${job}:run`;
  const workers = Array.from({ length: count }, (_, i) =>
    startWorkerProcess(WORKER, [
      kinesis.endpoint,
      stream,
      redisServer.url,
      job,
      run,
      `w${i}`,
      path,
      mode,
      String(SHARDS),
    ]),
  );
  return { job, run, workers };
}

async function stopWorkers(
  workers: readonly WorkerProcess[],
  repartition: string | undefined,
): Promise<void> {
  for (const w of workers) w.child.kill("SIGKILL");
  await Promise.all(workers.map((w) => w.exit));
  // kinesis-local keeps every stream in memory: drop the run's repartition stream.
  if (repartition) await kinesis.admin.deleteStream(repartition).catch(() => undefined);
}

async function waitFor(what: string, condition: () => Promise<boolean>, workers: readonly WorkerProcess[]) {
  const deadline = Date.now() + 180_000;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}\n${workers.map((w) => w.output()).join("\n---\n")}`);
    }
    await pause(100);
  }
}

interface ThroughputRun {
  readonly ms: number;
  readonly startMs: number;
  /** Records the repartition stream stored per source record (data and markers). */
  readonly storedPerRecord: number;
  /** Bytes per record stored in the repartition stream, on average. */
  readonly storedBytes: number;
}

async function throughput(): Promise<void> {
  const stream = await kinesis.createStream("bench-clicks", SHARDS);
  const clicks = Array.from({ length: EVENTS }, (_, i) => clickAt(i));
  const expected = new Map<string, string>();
  for (const c of clicks) {
    const field = `${c.page}|${Math.floor(c.ts / 1_000) * 1_000}`;
    expected.set(field, String(Number(expected.get(field) ?? 0) + 1));
  }
  const shards = await proxy.listShards(stream);
  const ends = shards.map(
    (s): PutEntry => ({
      data: encoder.encode(JSON.stringify({ ...clickAt(0), ts: 1e12, end: true })),
      partitionKey: "end",
      explicitHashKey: s.startingHashKey,
    }),
  );
  const loadStart = performance.now();
  await produce(kinesis.connection, stream, [...clicks.map(byIp), ...ends]);
  const sourceBytes = clicks.reduce((sum, c) => sum + byIp(c).data.byteLength, 0) / EVENTS;
  console.log(
    `throughput: ${EVENTS} clicks (${sourceBytes.toFixed(0)} bytes each) in ${SHARDS} shards partitioned by ip, loaded in ${((performance.now() - loadStart) / 1000).toFixed(1)} s; counted per page (${PAGES} pages) in 1 s windows (${expected.size} results), repartition stream of ${SHARDS} shards`,
  );
  const runs = new Map<number, ThroughputRun[]>([
    [1, []],
    [2, []],
  ]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const count of round % 2 === 0 ? [1, 2] : [2, 1]) {
      const spawnedAt = Date.now();
      const { job, run, workers } = spawnWorkers(stream, "repartition", "windows", count);
      const repartition = repartitionStreamName(job, "per-page");
      try {
        await waitFor(
          "every window result",
          async () => (await redis.hlen(`${run}:results`)) >= expected.size,
          workers,
        );
        const written = await redis.hgetall(`${run}:results`);
        const wrong = [...expected].filter(([field, n]) => written[field] !== n);
        if (wrong.length > 0 || Object.keys(written).length !== expected.size) {
          throw new Error(`${count} worker(s) wrote wrong counts, e.g. ${JSON.stringify(wrong.slice(0, 5))}`);
        }
        const first = Math.min(...Object.values(await redis.hgetall(`${run}:first`)).map(Number));
        const last = Math.max(...Object.values(await redis.hgetall(`${run}:last`)).map(Number));
        for (const w of workers) w.child.kill("SIGKILL");
        const stored = await storedRecords(kinesis.connection, repartition);
        const result: ThroughputRun = {
          ms: last - first,
          startMs: first - spawnedAt,
          storedPerRecord: stored.length / EVENTS,
          storedBytes: stored.reduce((sum, r) => sum + r.data.byteLength, 0) / stored.length,
        };
        runs.get(count)!.push(result);
        console.log(
          `  round ${round + 1}, ${count} worker(s): ${(EVENTS / (result.ms / 1000)).toFixed(0)} records/s (${(result.ms / 1000).toFixed(2)} s from first record to last result; first record ${(result.startMs / 1000).toFixed(1)} s after spawning); repartition stream: ${result.storedPerRecord.toFixed(2)} records per click, ${result.storedBytes.toFixed(0)} bytes each; load ${load()}`,
        );
      } finally {
        await stopWorkers(workers, repartition);
      }
    }
  }
  const rate = (count: number) => EVENTS / (median(runs.get(count)!.map((r) => r.ms)) / 1000);
  const stored = (count: number) => median(runs.get(count)!.map((r) => r.storedPerRecord));
  console.log(
    `  medians of ${ROUNDS}: 1 worker ${rate(1).toFixed(0)} records/s, 2 workers ${rate(2).toFixed(0)} records/s: 2 over 1 = ${(rate(2) / rate(1)).toFixed(2)}×; repartition stream records per click ${stored(1).toFixed(2)} (1 worker), ${stored(2).toFixed(2)} (2 workers)`,
  );
}

interface LatencyRun {
  /** Milliseconds; `Infinity` when more than half (1%) of the records had not arrived 60 s after the last put. */
  readonly p50: number;
  readonly p99: number;
  /** Median time from the put to the upstream stage's read (on the co-partitioned path, the whole latency). */
  readonly readP50: number;
  /** Records the repartition stream stored (data and markers) per click put, warm-up included. */
  readonly storedPerClick: number;
  /** Records that arrived, of `total` put. */
  readonly n: number;
  readonly total: number;
}

/** One latency run: a fresh stream, one worker, warm-up, then SECONDS of clicks at RATE a second. */
async function latencyRun(path: "repartition" | "co-partitioned"): Promise<LatencyRun> {
  const stream = await kinesis.createStream(`bench-${path}`, SHARDS);
  const entry = path === "repartition" ? byIp : atPage;
  const { job, run, workers } = spawnWorkers(stream, path, "latency", 1);
  const key = `${run}:latency`;
  const put = async (clicks: readonly BenchClick[]) => {
    let batch = clicks.map(entry);
    while (batch.length > 0) {
      const failures = await proxy.putRecords(stream, batch);
      batch = failures.map((f) => batch[f.index]!);
    }
  };
  try {
    // Warm up until records come through (the job started, both stages hold their leases).
    let warm = 0;
    await waitFor(
      "the first records through the job",
      async () => {
        await put([clickAt(warm++, Date.now())]);
        return (await redis.llen(key)) > 0;
      },
      workers,
    );
    // The measured clicks have ts ≥ 1e9; what the warm-up left in flight is told apart by ts.
    const perTick = Math.max(1, Math.round(RATE / 10));
    const total = perTick * SECONDS * 10;
    for (let i = 0; i < total; i += perTick) {
      const tickAt = performance.now();
      await put(
        Array.from({ length: perTick }, (_, j) => ({ ...clickAt(i + j, Date.now()), ts: 1e9 + i + j })),
      );
      await pause(Math.max(0, 100 - (performance.now() - tickAt)));
    }
    const measured = async () =>
      (await redis.lrange(key, 0, -1))
        .map((line) => line.split(" ").map(Number) as [number, number, number])
        .filter(([ts]) => ts >= 1e9);
    // A path that does not keep up is reported, not failed: what arrived within 60 s of the last put.
    const deadline = Date.now() + 60_000;
    while ((await measured()).length < total && Date.now() < deadline) await pause(200);
    const arrived = await measured();
    const values = arrived.map(([, ms]) => ms).sort((a, b) => a - b);
    const reads = arrived.map(([, , read]) => read).sort((a, b) => a - b);
    // Records still missing count as slower than any that arrived (their latency is at least 60 s).
    const at = (p: number) => values[Math.max(0, Math.ceil(p * total) - 1)] ?? Number.POSITIVE_INFINITY;
    for (const w of workers) w.child.kill("SIGKILL");
    // What the repartition stream stored (records and markers) per click put into the source.
    const stored =
      path === "repartition"
        ? (await storedRecords(kinesis.connection, repartitionStreamName(job, "per-page"))).length
        : 0;
    return {
      p50: at(0.5),
      p99: at(0.99),
      readP50: reads[reads.length >> 1] ?? Number.NaN,
      n: values.length,
      total,
      storedPerClick: stored / (warm + total),
    };
  } finally {
    await stopWorkers(workers, path === "repartition" ? repartitionStreamName(job, "per-page") : undefined);
    await kinesis.admin.deleteStream(stream).catch(() => undefined);
  }
}

async function latency(): Promise<void> {
  console.log(
    `latency: ${RATE} clicks/s for ${SECONDS} s per run into ${SHARDS} shards, 1 worker; from the put to the keyed process after the keyBy`,
  );
  const runs = new Map<string, LatencyRun[]>([
    ["co-partitioned", []],
    ["repartition", []],
  ]);
  for (let round = 0; round < ROUNDS; round++) {
    const order =
      round % 2 === 0
        ? (["co-partitioned", "repartition"] as const)
        : (["repartition", "co-partitioned"] as const);
    for (const path of order) {
      const r = await latencyRun(path);
      runs.get(path)!.push(r);
      console.log(
        `  round ${round + 1}, ${path.padEnd(14)}: p50 ${ms(r.p50)}, p99 ${ms(r.p99)}, read by the upstream stage after ${ms(r.readP50)} (p50; ${r.n} of ${r.total} records arrived)${path === "repartition" ? `; the repartition stream stored ${r.storedPerClick.toFixed(1)} records per click` : ""}; load ${load()}`,
      );
    }
  }
  const m = (path: string, field: "p50" | "p99") => median(runs.get(path)!.map((r) => r[field]));
  for (const field of ["p50", "p99"] as const) {
    const base = m("co-partitioned", field);
    const shuffled = m("repartition", field);
    console.log(
      `  median ${field}: co-partitioned ${ms(base)}, repartition ${ms(shuffled)}: the shuffle adds ${ms(shuffled - base)} (${(shuffled / base).toFixed(2)}×)`,
    );
  }
}

try {
  console.log(`repartition benchmark on kinesis-local; load average before: ${load()}`);
  if (ONLY !== "latency") await throughput();
  if (ONLY !== "throughput") await latency();
  console.log(`load average after: ${load()}`);
} finally {
  proxy.close();
  redis.disconnect();
  redisServer.stop();
  await kinesis.stop();
}
