import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { eventually } from "@eddy/core/testing";
import { localS3ClientConfig, startLocalLambda } from "@eddy/local-stack";
import {
  type AppProcess,
  startApp,
  startTestStack,
  type TestStack,
  whileRunning,
} from "@eddy/local-stack/testing";
import {
  compileOutputFormat,
  ERROR_STREAM,
  ERROR_STREAM_COLUMNS,
  inAppStreamOf,
  type LogicalPlan,
  parseApplicationDescription,
  planSqlApplication,
  type SqlValue,
} from "@eddy/sql";
import { type SqlHarness, sqlHarness } from "@eddy/sql/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  COMPANIES_CSV,
  FX_SQL,
  fxDescription,
  LAMBDA_SQL,
  lambdaDescription,
  PARALLEL_SQL,
  parallelDescription,
  TICKS_SQL,
  type TicksResources,
  ticksDescription,
} from "./test-support/application-fixture.ts";
import { putRecords, type ReadRecord, readStream } from "./test-support/local-kinesis.ts";

// `eddy-sql run --mode local` as a user runs it (a child process) against a local stack of the
// test's own: ticks go into the input stream, the test reads what the application wrote to its
// Kinesis stream, its Firehose delivery stream (S3) and its error_stream output, and compares it
// with `sqlHarness` run on the same rows with the same ROWTIMEs (the ApproximateArrivalTimestamps
// the stream gave the records, read back from it).

const BIN = fileURLToPath(new URL("./bin.ts", import.meta.url));
const MALFORMED = "{ not json";

let stack: TestStack;
let dir: string;

beforeAll(async () => {
  stack = await startTestStack();
  dir = await mkdtemp(join(tmpdir(), "eddy-sql-run-"));
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Tick {
  readonly ticker: string;
  readonly price: number;
  readonly qty: number;
}

/** An application of its own: streams, delivery stream and reference object under unique names. */
async function application(): Promise<{ resources: TicksResources; args: string[]; plan: LogicalPlan }> {
  const name = stack.unique("ticks");
  const resources: TicksResources = {
    input: `${name}-in`,
    output: `${name}-out`,
    errors: `${name}-errors`,
    deliveryStream: `${name}-enriched`,
    bucket: stack.endpoints.bucket,
    referenceKey: `${name}/companies.csv`,
  };
  const s3 = new S3Client(localS3ClientConfig(stack.endpoints.s3));
  try {
    await s3.send(
      new PutObjectCommand({ Bucket: resources.bucket, Key: resources.referenceKey, Body: COMPANIES_CSV }),
    );
  } finally {
    s3.destroy();
  }
  return { resources, ...(await writeApplication(name, ticksDescription(resources, name), TICKS_SQL)) };
}

/**
 * Writes an application's description and SQL to files: the arguments that run it (`mode`, by
 * default on the test's local stack), and its plan.
 */
async function writeApplication(
  name: string,
  description: object,
  sql: string,
  mode: readonly string[] = ["--mode", "local", "--stack-file", stack.stackFile],
): Promise<{ args: string[]; plan: LogicalPlan }> {
  const text = JSON.stringify(description);
  const files = { description: join(dir, `${name}.json`), sql: join(dir, `${name}.sql`) };
  await writeFile(files.description, text);
  await writeFile(files.sql, sql);
  return {
    args: [
      "run",
      "--application",
      files.description,
      "--sql",
      files.sql,
      ...mode,
      "--checkpoint-every",
      "300ms",
    ],
    plan: planSqlApplication(parseApplicationDescription(text), sql),
  };
}

function run(args: readonly string[]): AppProcess {
  return startApp(BIN, {}, args);
}

async function started(app: AppProcess): Promise<void> {
  await eventually(
    async () => app.output().includes("eddy-sql run: application"),
    whileRunning(app, "the banner", 60_000),
  );
}

async function put(stream: string, ticks: readonly (Tick | string)[]): Promise<void> {
  await putRecords(
    stack.endpoints.kinesis,
    stream,
    ticks.map((t) => ({ data: typeof t === "string" ? t : JSON.stringify(t), partitionKey: "p" })),
  );
}

/** A second of ROWTIME later (windows are a second long), with room for a slow machine. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1_100));

/**
 * What the application must write, by `sqlHarness` on the rows the input stream holds, each
 * with its arrival time as ROWTIME and APPROXIMATE_ARRIVAL_TIME: the serialised records of
 * DESTINATION_SQL_STREAM (JSON) and ENRICHED (CSV), and the error_stream rows without
 * ERROR_TIME (the wall clock when the row failed).
 */
async function expected(plan: LogicalPlan, input: readonly ReadRecord[]) {
  const h = await sqlHarness(plan, {
    referenceTables: {
      COMPANIES: {
        rows: COMPANIES_CSV.trim()
          .split("\n")
          .map((line) => ({ TICKER: line.split(",")[0]!, COMPANY: line.split(",")[1]! })),
      },
    },
  });
  for (const record of input) {
    if (record.text === MALFORMED) continue;
    const tick = JSON.parse(record.text) as Tick;
    await h.push(
      "SOURCE_SQL_STREAM_001",
      { TICKER: tick.ticker, PRICE: tick.price, QTY: tick.qty, APPROXIMATE_ARRIVAL_TIME: record.arrivalTime },
      record.arrivalTime,
    );
  }
  return {
    destination: serialised(h, plan, "DESTINATION_SQL_STREAM", "JSON"),
    enriched: serialised(h, plan, "ENRICHED", "CSV"),
    errors: h.rows(ERROR_STREAM).map(({ ROWTIME: _, ERROR_TIME: __, ...row }) => row),
  };
}

/** A harness's rows of `stream` as the application writes them, sorted. */
function serialised(h: SqlHarness, plan: LogicalPlan, stream: string, format: "JSON" | "CSV"): string[] {
  const columns = plan.streams.find((s) => s.name === stream)!.columns;
  const write = compileOutputFormat(columns, format);
  return h
    .rows(stream)
    .map((row) => write(columns.map((c) => row[c.name] as SqlValue)))
    .sort();
}

const texts = (records: readonly ReadRecord[]) => records.map((r) => r.text).sort();
const unique = (values: readonly string[]) => [...new Set(values)].sort();

async function enrichedLines(deliveryStream: string): Promise<string[]> {
  await stack.firehose.drain();
  const objects = await stack.s3.readAll(stack.endpoints.bucket, `${deliveryStream}/`);
  return objects
    .flatMap((o) =>
      o.text
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => `${line}\n`),
    )
    .sort();
}

test("runs a KDA application end to end: the rows of sqlHarness on the same input, error_stream included", async () => {
  const { resources, args, plan } = await application();
  const app = run([...args, "--checkpoints", `dir:${join(dir, "checkpoints-e2e")}`, "--dashboard", "0"]);
  try {
    await started(app);
    await put(resources.input, [
      { ticker: "AMZN", price: 10.5, qty: 2 },
      { ticker: "MSFT", price: 20, qty: 0 },
      MALFORMED,
      { ticker: "AMZN", price: 11, qty: 4 },
      { ticker: "ORCL", price: 5, qty: 1 },
    ]);
    await nextSecond();
    await put(resources.input, [
      { ticker: "MSFT", price: 21, qty: 3 },
      { ticker: "AMZN", price: 12, qty: 5 },
    ]);
    await nextSecond();
    // Closes the windows before it: its ROWTIME is a bound on the stream.
    await put(resources.input, [{ ticker: "AMZN", price: 13, qty: 1 }]);

    const input = await readStream(stack.endpoints.kinesis, resources.input);
    expect(input).toHaveLength(8);
    const want = await expected(plan, input);
    expect(want.destination.length).toBeGreaterThanOrEqual(4);
    // MSFT's quantity 0: 100 / 0 fails the row, which goes to error_stream.
    expect(want.errors).toEqual([
      expect.objectContaining({ MESSAGE: expect.stringMatching(/division by zero/i) }),
    ]);

    await eventually(
      async () =>
        texts(await readStream(stack.endpoints.kinesis, resources.output)).length >= want.destination.length,
      whileRunning(app, "the per-second rows", 60_000),
    );
    expect(texts(await readStream(stack.endpoints.kinesis, resources.output))).toEqual(want.destination);

    await eventually(
      async () => (await enrichedLines(resources.deliveryStream)).length >= want.enriched.length,
      whileRunning(app, "the enriched rows in S3", 60_000),
    );
    expect(await enrichedLines(resources.deliveryStream)).toEqual(want.enriched);

    await eventually(
      async () => (await readStream(stack.endpoints.kinesis, resources.errors)).length >= 2,
      whileRunning(app, "the error_stream rows", 60_000),
    );
    const errors = (await readStream(stack.endpoints.kinesis, resources.errors)).map(
      (r) => JSON.parse(r.text) as Record<string, unknown>,
    );
    expect(Object.keys(errors[0]!)).toEqual(ERROR_STREAM_COLUMNS.map((c) => c.name));
    const malformed = input.find((r) => r.text === MALFORMED)!;
    const formatted = (rowtime: number) => new Date(rowtime).toISOString().replace("T", " ").replace("Z", "");
    expect(errors.map(({ ERROR_TIME: _, ...row }) => row)).toEqual(
      expect.arrayContaining([
        {
          ERROR_LEVEL: "ERROR",
          ERROR_NAME: "PARSE_FAILED",
          MESSAGE: expect.any(String),
          DATA_ROWTIME: formatted(malformed.arrivalTime),
          DATA_ROW: Buffer.from(MALFORMED).toString("hex"),
          PUMP_NAME: null,
        },
        ...want.errors.map((e) => ({ ...e, DATA_ROWTIME: formatted(e.DATA_ROWTIME as number) })),
      ]),
    );
    expect(errors).toHaveLength(2);
    // The application went on after both errors: the rows after them are all there (above).
    expect(app.child.exitCode).toBeNull();

    // The dashboard (loopback) has a live table per in-application stream, like KDA's console.
    const url = /dashboard (http:\/\/127\.0\.0\.1:\d+)/.exec(app.output())?.[1];
    expect(url).toBeDefined();
    const state = (await (await fetch(`${url}/api/state`)).json()) as {
      views: { id: string }[];
      viewStates: Record<string, { rows: Record<string, string | number>[] }>;
    };
    expect(state.views.map((v) => v.id).sort()).toEqual(
      ["SOURCE_SQL_STREAM_001", "DESTINATION_SQL_STREAM", "ENRICHED", "error_stream"]
        .map((s) => `stream-${s}`)
        .sort(),
    );
    const shown = state.viewStates["stream-DESTINATION_SQL_STREAM"]!.rows;
    const tickerAndCount = (row: Record<string, unknown>) => `${row.TICKER}:${row.N}`;
    expect(shown.map(tickerAndCount).sort()).toEqual(
      want.destination.map((text) => tickerAndCount(JSON.parse(text) as Record<string, unknown>)).sort(),
    );

    // Stopped with a savepoint, then started on SQL without the windowed pump: the savepoint holds
    // the window's state, which this plan has no operator for, so the run refuses in one line
    // rather than drop it.
    expect(await app.stop("SIGTERM")).toBe(0);
    const changed = join(dir, "ticks-changed.sql");
    await writeFile(changed, TICKS_SQL.replace(/CREATE OR REPLACE PUMP "PER_SECOND"[^;]*;\n/, ""));
    const sqlAt = args.indexOf("--sql") + 1;
    const edited = args.map((arg, i) => (i === sqlAt ? changed : arg));
    const again = run([...edited, "--checkpoints", `dir:${join(dir, "checkpoints-e2e")}`]);
    expect(await again.exited).toBe(2);
    expect(again.output()).toMatch(
      /\neddy-sql: checkpoint \d+ of job \S+ holds state of operators this application's plan does not have \(.+\): the SQL changed since it was written; start over with --fresh, or run it as another --job\n$/,
    );
  } finally {
    await app.stop("SIGTERM");
  }
}, 180_000);

test("restarted after a SIGKILL, it resumes from its checkpoint: its output after de-duplication is the uninterrupted one", async () => {
  const { resources, args, plan } = await application();
  // No --checkpoints: in local mode the stack's Redis.
  const first = run(args);
  let second: AppProcess | undefined;
  try {
    await started(first);
    expect(first.output()).toContain("no checkpoint of job");
    await put(resources.input, [
      { ticker: "AMZN", price: 1, qty: 1 },
      { ticker: "MSFT", price: 2, qty: 1 },
    ]);
    await nextSecond();
    await put(resources.input, [{ ticker: "AMZN", price: 3, qty: 1 }]);
    await nextSecond();
    await put(resources.input, [{ ticker: "MSFT", price: 4, qty: 1 }]);
    await eventually(
      async () => (await readStream(stack.endpoints.kinesis, resources.output)).length >= 3,
      whileRunning(first, "the first windows' rows", 60_000),
    );
    // Checkpoints every 300 ms: let a few complete after the rows went out, then crash.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await first.stop("SIGKILL")).toBe("SIGKILL");

    await put(resources.input, [{ ticker: "AMZN", price: 5, qty: 1 }]);
    await nextSecond();
    second = run(args);
    await started(second);
    // It resumes from what the first run stored, not from the stream's start.
    expect(second.output()).toMatch(/resuming from checkpoint \d+/);
    await put(resources.input, [
      { ticker: "AMZN", price: 6, qty: 1 },
      { ticker: "MSFT", price: 7, qty: 1 },
    ]);
    await nextSecond();
    await put(resources.input, [{ ticker: "AMZN", price: 8, qty: 1 }]);

    const want = await expected(plan, await readStream(stack.endpoints.kinesis, resources.input));
    expect(unique(want.destination)).toEqual(want.destination);
    await eventually(
      async () =>
        unique(texts(await readStream(stack.endpoints.kinesis, resources.output))).length >=
        want.destination.length,
      whileRunning(second, "every window's row", 60_000),
    );
    expect(unique(texts(await readStream(stack.endpoints.kinesis, resources.output)))).toEqual(
      want.destination,
    );
    await eventually(
      async () =>
        unique(await enrichedLines(resources.deliveryStream)).length >= unique(want.enriched).length,
      whileRunning(second, "every enriched row", 60_000),
    );
    expect(unique(await enrichedLines(resources.deliveryStream))).toEqual(unique(want.enriched));
  } finally {
    await first.stop("SIGKILL");
    await second?.stop("SIGTERM");
  }
}, 180_000);

test("preprocesses the input with Lambda and delivers to a Lambda destination, through a local Invoke server", async () => {
  const name = stack.unique("lambda");
  const resources = { input: `${name}-in`, preprocess: `${name}-parse`, deliver: `${name}-deliver` };
  const delivered: string[] = [];
  const lambda = await startLocalLambda({
    functions: {
      [resources.preprocess]: (event) => ({
        records: (event as { records: { recordId: string; data: string }[] }).records.map((r) => {
          const text = Buffer.from(r.data, "base64").toString("utf8");
          if (text === "drop") return { recordId: r.recordId, result: "Dropped" };
          if (text === "fail") return { recordId: r.recordId, result: "ProcessingFailed" };
          const [ticker, price, qty] = text.split(":");
          const json = JSON.stringify({ ticker, price: Number(price), qty: Number(qty) });
          return { recordId: r.recordId, result: "Ok", data: Buffer.from(json).toString("base64") };
        }),
      }),
      [resources.deliver]: (event) => ({
        records: (event as { records: { recordId: string; data: string }[] }).records.map((r) => {
          delivered.push(Buffer.from(r.data, "base64").toString("utf8"));
          return { recordId: r.recordId, result: "Ok" };
        }),
      }),
    },
  });
  const { args, plan } = await writeApplication(name, lambdaDescription(resources, name), LAMBDA_SQL);
  const app = run([...args, "--lambda-endpoint", lambda.endpoint, "--checkpoints", "none"]);
  try {
    await started(app);
    const lines = ["AMZN:1.5:1", "drop", "MSFT:2:0", "fail", "ORCL:4.25:3"];
    await put(resources.input, lines);
    const input = await readStream(stack.endpoints.kinesis, resources.input);
    const h = await sqlHarness(plan);
    for (const record of input) {
      if (record.text === "drop" || record.text === "fail") continue;
      const [ticker, price, qty] = record.text.split(":");
      await h.push(
        "SOURCE_SQL_STREAM_001",
        {
          TICKER: ticker!,
          PRICE: Number(price),
          QTY: Number(qty),
          APPROXIMATE_ARRIVAL_TIME: record.arrivalTime,
        },
        record.arrivalTime,
      );
    }
    const want = serialised(h, plan, "DESTINATION_SQL_STREAM", "JSON");
    expect(want).toHaveLength(2);
    await eventually(
      async () => delivered.length >= want.length,
      whileRunning(app, "the delivered rows", 60_000),
    );
    expect([...delivered].sort()).toEqual(want);
    // The failed record is logged as an error_stream row (no output of the description takes it).
    await eventually(
      async () => /error_stream: PREPROCESSING_FAILED/.test(app.output()),
      whileRunning(app, "the logged error_stream row", 30_000),
    );
  } finally {
    await app.stop("SIGTERM");
    await lambda.stop();
  }
}, 120_000);

test("in aws mode, a stream of the description that does not exist is a one-line configuration error", async () => {
  const name = stack.unique("missing");
  const resources = { input: `${name}-in`, output: `${name}-out`, errors: `${name}-errors` };
  const { args } = await writeApplication(
    name,
    ticksDescription({ ...resources, deliveryStream: `${name}-d`, bucket: "b", referenceKey: "k" }, name),
    TICKS_SQL,
    ["--mode", "aws"],
  );
  // The SDK's default chain, pointed at the stand-ins as it would be at AWS.
  const app = startApp(
    BIN,
    {
      AWS_REGION: stack.endpoints.region,
      AWS_ACCESS_KEY_ID: stack.endpoints.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: stack.endpoints.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_KINESIS: stack.endpoints.kinesis,
      AWS_ENDPOINT_URL_FIREHOSE: stack.endpoints.firehose,
      AWS_ENDPOINT_URL_S3: stack.endpoints.s3,
    },
    args,
  );
  expect(await app.exited).toBe(2);
  expect(app.output()).toBe(
    `eddy-sql: the Kinesis stream arn:aws:kinesis:us-east-1:000000000000:stream/${name}-in does not exist (or not in the SDK's region)\n`,
  );
}, 60_000);

test("InputParallelism 2: each shard's rows go to its in-application stream; SIGTERM stops with a savepoint", async () => {
  const name = stack.unique("parallel");
  const resources = { input: `${name}-in`, output: `${name}-out` };
  const { args } = await writeApplication(name, parallelDescription(resources, name), PARALLEL_SQL);
  const app = run(args);
  try {
    await started(app);
    expect(app.output()).toContain("→ SOURCE_SQL_STREAM_001, SOURCE_SQL_STREAM_002");
    // Twenty partition keys spread over the two shards the input was created with.
    await putRecords(
      stack.endpoints.kinesis,
      resources.input,
      Array.from({ length: 20 }, (_, i) => ({
        data: JSON.stringify({ ticker: `T${i}`, price: i, qty: 1 }),
        partitionKey: `key-${i}`,
      })),
    );
    const input = await readStream(stack.endpoints.kinesis, resources.input);
    expect(new Set(input.map((r) => r.shardId)).size).toBe(2);
    const names = ["SOURCE_SQL_STREAM_001", "SOURCE_SQL_STREAM_002"];
    const want = input
      .map((r) =>
        JSON.stringify({
          IN_APP: inAppStreamOf(r.shardId, names),
          TICKER: (JSON.parse(r.text) as Tick).ticker,
        }),
      )
      .sort();
    await eventually(
      async () => (await readStream(stack.endpoints.kinesis, resources.output)).length >= want.length,
      whileRunning(app, "a row per record", 60_000),
    );
    expect(texts(await readStream(stack.endpoints.kinesis, resources.output))).toEqual(want);
    expect(await app.stop("SIGTERM")).toBe(0);
    expect(app.output()).toContain("stopped with a savepoint: run the same command again to resume");
  } finally {
    await app.stop("SIGKILL");
  }
}, 120_000);

test("the seed FX query through eddy-sql run gives the rows of sqlHarness on the same ticks", async () => {
  const name = stack.unique("fx");
  const resources = { input: `${name}-in`, output: `${name}-out` };
  const { args, plan } = await writeApplication(name, fxDescription(resources, name), FX_SQL);
  const app = run([...args, "--checkpoints", "none"]);
  try {
    await started(app);
    const symbols = ["EURUSD", "GBPUSD", "USDJPY"];
    const tick = (i: number) => ({
      symbol: symbols[i % 3]!,
      timestamp: 1_700_000_000 + i,
      price: Math.round((1 + Math.sin(i) / 10) * 1e4) / 1e4,
    });
    const ticks = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => ({
        data: JSON.stringify(tick(from + i)),
        partitionKey: "fx",
      }));
    await putRecords(stack.endpoints.kinesis, resources.input, ticks(0, 30));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await putRecords(stack.endpoints.kinesis, resources.input, ticks(30, 45));
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Its ROWTIME is a bound that releases every row before it.
    await putRecords(stack.endpoints.kinesis, resources.input, ticks(45, 46));

    const input = await readStream(stack.endpoints.kinesis, resources.input);
    const h = await sqlHarness(plan);
    for (const record of input) {
      const t = JSON.parse(record.text) as ReturnType<typeof tick>;
      await h.push(
        "SOURCE_SQL_STREAM_001",
        {
          symbol: t.symbol,
          timestamp: t.timestamp,
          price: t.price,
          APPROXIMATE_ARRIVAL_TIME: record.arrivalTime,
        },
        record.arrivalTime,
      );
    }
    const want = serialised(h, plan, "DESTINATION_SQL_STREAM", "JSON");
    expect(want.length).toBeGreaterThanOrEqual(30);
    await eventually(
      async () => (await readStream(stack.endpoints.kinesis, resources.output)).length >= want.length,
      whileRunning(app, "the FX rows", 60_000),
    );
    expect(texts(await readStream(stack.endpoints.kinesis, resources.output))).toEqual(want);
  } finally {
    await app.stop("SIGTERM");
  }
}, 120_000);
