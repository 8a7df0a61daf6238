/**
 * Kinesis connector benchmark: records/s written (kinesisSink) and read (kinesisSource) against a
 * local stand-in with 1, 2 and 8 shards, and the connector's cost per record to turn Kinesis
 * records into values (JSON vs raw vs UTF-8, plain vs KPL-aggregated). Medians of BENCH_RUNS runs
 * (default 3). It prints figures and never fails.
 *
 *   tsx packages/connectors/kinesis/bench/kinesis.bench.ts            # kinesalite (fast stand-in)
 *   BENCH_STANDIN=kinesis-local BENCH_SHARDS=1,2 BENCH_RUNS=5 BENCH_EVENTS=3000 tsx …/kinesis.bench.ts
 *
 * The stand-in runs as its own process: its cost is not in the measured process, but it is on the
 * same two cores, so figures are those of the stand-in + connector pair, not of AWS.
 *
 * A/B against another build of the sink: `BENCH_BASELINE=<dir>` names a folder holding that
 * build's `kinesis-sink.ts` (e.g. `git archive <commit> packages/connectors/kinesis/src`, unpacked
 * under this package so its imports resolve). The write measurement then alternates the two sinks
 * run by run (ABAB…, the order flipped every run) and prints both medians, their ratio, and the
 * measured process's CPU time per record (connector + SDK; the stand-in is another process).
 *
 *   BENCH_BASELINE=packages/connectors/kinesis/bench/.baseline/src BENCH_RUNS=7 BENCH_SHARDS=2 tsx …/kinesis.bench.ts
 *
 * With `BENCH_STANDIN=null` the A/B writes go to a Kinesis that stores nothing and answers every
 * PutRecords at once (an HTTP server in this process): what is left is the connector and the SDK.
 */
import { createServer } from "node:http";
import { resolve } from "node:path";
import { fromIterable, OutputTag, pipeline, type Sink, type SourceBatch, silentLogger } from "@eddy/core";
import type { KinesisDeadLetter } from "../src/dead-letter.ts";
import { type Decoder, json, raw, utf8 } from "../src/decoders.ts";
import type { KinesisRecord } from "../src/kinesis-client.ts";
import { kinesisSink } from "../src/kinesis-sink.ts";
import { kinesisSource } from "../src/kinesis-source.ts";
import { aggregate } from "../src/kpl-aggregation.ts";
import type { KinesisSinkOptions } from "../src/options.ts";
import { RecordConverter } from "../src/record-converter.ts";
import {
  type LocalKinesis,
  startKinesaliteProcess,
  startKinesisLocal,
} from "../src/test-support/local-kinesis.ts";
import { runUntil } from "../src/test-support/producer.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const STANDIN =
  (["kinesis-local", "null"] as const).find((s) => s === process.env.BENCH_STANDIN) ?? "kinesalite";
const RECORDS = Number(process.env.BENCH_EVENTS ?? (STANDIN === "kinesalite" ? 20_000 : 3_000));
const SHARDS = (process.env.BENCH_SHARDS ?? "1,2,8").split(",").map(Number);
const BASELINE = process.env.BENCH_BASELINE;

/** Builds a sink: this build's, or the baseline's. */
type SinkFactory = (options: KinesisSinkOptions<Tick>) => Sink<Tick>;

interface Tick {
  symbol: string;
  price: number;
  timestamp: number;
  seq: number;
}
const tick = (i: number): Tick => ({
  symbol: `EURUSD${i % 16}`,
  price: 1.0842 + (i % 100) / 10_000,
  timestamp: 1_700_000_000 + i,
  seq: i,
});

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
const rate = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M/s` : `${(n / 1e3).toFixed(1)}k/s`);
const quiet = { logger: silentLogger, stopOnSignals: false } as const;

interface WriteFigures {
  /** Records per second, end to end. */
  readonly rate: number;
  /** CPU time of this process per record (µs): the connector and the SDK, not the stand-in. */
  readonly cpuPerRecord: number;
}

async function writeRate(
  kinesis: LocalKinesis,
  stream: string,
  ticks: Tick[],
  aggregation: boolean,
  makeSink: SinkFactory = kinesisSink,
): Promise<WriteFigures> {
  const job = pipeline("bench-write", quiet);
  job.source(fromIterable(ticks, { batchSize: 500 })).sink(
    makeSink({
      stream,
      connection: kinesis.connection,
      partitionKey: (t) => t.symbol,
      aggregation,
      maxTimeInBufferMS: 100,
    }),
  );
  const cpu = process.cpuUsage();
  const start = performance.now();
  await job.run();
  const elapsed = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { rate: ticks.length / (elapsed / 1000), cpuPerRecord: (used.user + used.system) / ticks.length };
}

async function readRate(kinesis: LocalKinesis, stream: string, expected: number): Promise<number> {
  let count = 0;
  const job = pipeline("bench-read", quiet);
  job
    .source(
      kinesisSource({
        stream,
        decode: json<Tick>(),
        connection: kinesis.connection,
        initialPosition: "TRIM_HORIZON",
        getRecordsIntervalMs: 0,
      }),
    )
    .sink({
      name: "count",
      write(values) {
        count += values.length;
      },
    });
  const start = performance.now();
  let end = 0;
  await runUntil(
    job,
    () => {
      if (count >= expected && end === 0) end = performance.now();
      return end > 0;
    },
    `${expected} records`,
    300_000,
  );
  return expected / ((end - start) / 1000);
}

async function throughput(): Promise<void> {
  console.log(
    `\nKinesis connector throughput against ${STANDIN} (separate process), ${RECORDS} records of ~80 B, median of ${RUNS}`,
  );
  console.log("shards | write (PutRecords) | write (KPL aggregated) | read (GetRecords + JSON)");
  let kinesis: LocalKinesis | undefined;
  try {
    kinesis = STANDIN === "kinesalite" ? await startKinesaliteProcess() : await startKinesisLocal();
    const ticks = Array.from({ length: RECORDS }, (_, i) => tick(i));
    for (const shards of SHARDS) {
      try {
        await measureShards(kinesis, shards, ticks);
      } catch (error) {
        // A stand-in that hangs up under load costs this row, not the benchmark.
        console.log(`${String(shards).padStart(6)} | could not run: ${String(error)}`);
      }
    }
  } catch (error) {
    console.log(`throughput benchmark could not run: ${String(error)}`);
  } finally {
    await kinesis?.stop().catch(() => {});
  }
}

async function measureShards(kinesis: LocalKinesis, shards: number, ticks: Tick[]): Promise<void> {
  const writes: number[] = [];
  const aggregated: number[] = [];
  const reads: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const stream = await kinesis.createStream(`bench-${shards}`, shards);
    writes.push((await writeRate(kinesis, stream, ticks, false)).rate);
    reads.push(await readRate(kinesis, stream, ticks.length));
    const aggStream = await kinesis.createStream(`bench-agg-${shards}`, shards);
    aggregated.push((await writeRate(kinesis, aggStream, ticks, true)).rate);
    await kinesis.admin.deleteStream(stream).catch(() => {});
    await kinesis.admin.deleteStream(aggStream).catch(() => {});
  }
  console.log(
    `${String(shards).padStart(6)} | ${rate(median(writes)).padStart(18)} | ${rate(median(aggregated)).padStart(22)} | ${rate(median(reads)).padStart(24)}`,
  );
}

function decodeCost(): void {
  const encoder = new TextEncoder();
  const n = 200_000;
  const payloads = Array.from({ length: n }, (_, i) => encoder.encode(JSON.stringify(tick(i))));
  const plain: KinesisRecord[] = payloads.map((data, i) => ({
    data,
    partitionKey: `EURUSD${i % 16}`,
    sequenceNumber: String(49_600_000_000_000_000 + i),
    explicitHashKey: undefined,
    arrivalTime: 1_700_000_000_000 + i,
  }));
  const aggregated: KinesisRecord[] = [];
  for (let i = 0; i < n; i += 100) {
    aggregated.push({
      data: aggregate(payloads.slice(i, i + 100).map((data) => ({ data, partitionKey: "EURUSD" }))),
      partitionKey: "EURUSD",
      sequenceNumber: String(49_600_000_000_000_000 + i),
      explicitHashKey: undefined,
      arrivalTime: 1_700_000_000_000 + i,
    });
  }
  const tag = new OutputTag<KinesisDeadLetter>("dead");
  const measure = (decode: Decoder<unknown>, records: KinesisRecord[]) => {
    const times: number[] = [];
    // The first run warms the JIT up and is not counted.
    for (let run = -1; run < Math.max(RUNS, 5); run++) {
      const converter = new RecordConverter("bench", "shard-0", decode, tag, undefined);
      const slices: KinesisRecord[][] = [];
      // GetRecords answers hold up to 10,000 records (here 1,000, or 10 aggregates of 100).
      const size = records === plain ? 1_000 : 10;
      for (let i = 0; i < records.length; i += size) slices.push(records.slice(i, i + size));
      let sink = 0;
      const start = performance.now();
      for (const slice of slices) {
        // Each answer's batches go downstream and are let go, as in a running job.
        const out: SourceBatch<unknown>[] = [];
        converter.convert(slice, out);
        sink += out.length;
      }
      if (sink < 0) console.log(sink);
      if (run >= 0) times.push(((performance.now() - start) * 1e6) / n);
    }
    return median(times);
  };
  console.log(
    `\nConversion cost per user record (${n} records of ~${payloads[0]!.length} B, median of ${Math.max(RUNS, 5)}), no network`,
  );
  console.log("decoder | plain records | KPL aggregates of 100");
  for (const [name, decode] of [
    ["raw", raw()],
    ["utf8", utf8()],
    ["json", json()],
  ] as const) {
    console.log(
      `${name.padStart(7)} | ${`${measure(decode, plain).toFixed(0)} ns`.padStart(13)} | ${`${measure(decode, aggregated).toFixed(0)} ns`.padStart(21)}`,
    );
  }
}

/** The sink of this build against the baseline's, runs alternating, medians and ratios. */
async function abWrites(baselineDir: string): Promise<void> {
  const baseline = (await import(resolve(baselineDir, "kinesis-sink.ts"))) as { kinesisSink: SinkFactory };
  console.log(
    `\nKinesis sink A/B against ${STANDIN}: this build vs ${baselineDir}, ${RECORDS} records, ${RUNS} runs each, alternating`,
  );
  console.log(
    "shards | mode       | this build      | baseline        | ratio | CPU/record this | CPU/record baseline | CPU ratio",
  );
  const kinesis =
    STANDIN === "null"
      ? await startNullKinesis()
      : STANDIN === "kinesalite"
        ? await startKinesaliteProcess()
        : await startKinesisLocal();
  try {
    const ticks = Array.from({ length: RECORDS }, (_, i) => tick(i));
    for (const shards of STANDIN === "null" ? [1] : SHARDS) {
      for (const aggregation of [false, true]) {
        const figures = { current: [] as WriteFigures[], baseline: [] as WriteFigures[] };
        // One unmeasured run of each warms the JIT and the stand-in up.
        for (let run = -1; run < RUNS; run++) {
          const order =
            run % 2 === 0 ? (["current", "baseline"] as const) : (["baseline", "current"] as const);
          for (const which of order) {
            const stream = await kinesis.createStream(`ab-${shards}`, shards);
            const made = await writeRate(
              kinesis,
              stream,
              ticks,
              aggregation,
              which === "current" ? kinesisSink : baseline.kinesisSink,
            );
            if (run >= 0) figures[which].push(made);
            await kinesis.admin.deleteStream(stream).catch(() => {});
          }
        }
        const rate = (list: WriteFigures[]) => median(list.map((f) => f.rate));
        const cpu = (list: WriteFigures[]) => median(list.map((f) => f.cpuPerRecord));
        const [a, b] = [figures.current, figures.baseline];
        console.log(
          `${String(shards).padStart(6)} | ${(aggregation ? "aggregated" : "plain").padEnd(10)} | ${rate(a).toFixed(0).padStart(9)} rec/s | ${rate(b).toFixed(0).padStart(9)} rec/s | ${(rate(a) / rate(b)).toFixed(2).padStart(5)} | ${`${cpu(a).toFixed(1)} µs`.padStart(15)} | ${`${cpu(b).toFixed(1)} µs`.padStart(19)} | ${(cpu(a) / cpu(b)).toFixed(2).padStart(9)}`,
        );
      }
    }
  } finally {
    await kinesis.stop().catch(() => {});
  }
}

/** A Kinesis that stores nothing and answers every PutRecords at once, in this process. */
async function startNullKinesis(): Promise<LocalKinesis> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const { Records } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { Records: unknown[] };
      const stored = Records.map((_, i) => ({ SequenceNumber: String(i), ShardId: "shardId-000000000000" }));
      response.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      response.end(JSON.stringify({ FailedRecordCount: 0, Records: stored }));
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const connection = {
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: "null", secretAccessKey: "null" },
  };
  return {
    kind: "kinesalite",
    endpoint,
    connection,
    admin: { deleteStream: async () => {} } as unknown as LocalKinesis["admin"],
    createStream: async (prefix) => prefix,
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}

if (BASELINE) {
  await abWrites(BASELINE);
} else {
  decodeCost();
  await throughput();
}
