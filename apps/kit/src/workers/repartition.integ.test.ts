import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { createStreamProxy } from "@eddy/connector-kinesis";
import { eventually } from "@eddy/core/testing";
import {
  type FaultProxy,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalKinesis,
  type LocalRedis,
  localClientConfig,
  type StackEndpoints,
  startFaultProxy,
  startLocalKinesis,
  startLocalRedis,
} from "@eddy/local-stack";
import { startApp, whileRunning } from "@eddy/local-stack/testing";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll, expect, test } from "vitest";
import { ensureKinesisStream } from "../resources.ts";

// The SDK warns on Node 20 at every client; this test builds one.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// The window-counts app keyed by page (`--by page`) while its input stream is partitioned by key:
// on three worker processes its records go through a repartition stream in kinesis-local, which
// the app creates. Two workers are SIGKILLed mid-run (their supervisor restarts them), and a proxy
// in front of kinesis-local stores some PutRecords to the repartition stream twice (as a retry
// after a lost answer does). Every window's count equals the run of the same command in one
// process, and a plain computation over the events.
const APP = new URL("../testing/window-counts-app.ts", import.meta.url).pathname;
const EVENTS = 1_800;
const PAGES = 12;
/** Event i: one of 40 keys (the stream's partition key) and one of 12 pages, 10 ms apart. */
const eventAt = (i: number) => ({ key: `k${(i * 7) % 40}`, page: `p${(i * 5) % PAGES}`, ts: i * 10 });

const root = mkdtempSync(join(tmpdir(), "eddy-repartition-"));
let kinesis: LocalKinesis;
let proxy: FaultProxy;
let redis: LocalRedis;
let stackFile: string;
/** PutRecords requests to a repartition stream the proxy stored twice, and their records. */
const repeated = { requests: 0, records: 0 };

beforeAll(async () => {
  [kinesis, redis] = await Promise.all([startLocalKinesis(), startLocalRedis()]);
  let puts = 0;
  proxy = await startFaultProxy({
    target: kinesis.endpoint,
    policy: (request) => {
      if (!String(request.headers["x-amz-target"]).endsWith(".PutRecords")) return undefined;
      const body = JSON.parse(request.body.toString("utf8")) as { StreamName: string; Records: unknown[] };
      // Every third put of the shuffle, records and markers alike.
      if (!body.StreamName.endsWith("-repartition") || ++puts % 3 !== 0) return undefined;
      repeated.requests++;
      repeated.records += body.Records.length;
      return { repeat: 1 };
    },
  });
  // The local stack as the app reads it: Kinesis behind the proxy, this test's Redis; the app
  // writes to no table, delivery stream or bucket (only its window files).
  const unused = "http://127.0.0.1:9";
  const stack: StackEndpoints = {
    note: "repartition.integ.test.ts",
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    kinesis: proxy.endpoint,
    dynamodb: unused,
    s3: unused,
    firehose: unused,
    redis: redis.url,
    bucket: "unused",
    pid: process.pid,
    startedAt: new Date().toISOString(),
  };
  stackFile = join(root, "stack.json");
  writeFileSync(stackFile, JSON.stringify(stack));
}, 60_000);

afterAll(async () => {
  await proxy?.stop();
  await Promise.all([kinesis?.stop(), redis?.stop()]);
  await rm(root, { recursive: true, force: true });
}, 60_000);

/** Every file the app's idempotent sink wrote (one per page and window, plus any conflict). */
function windowFiles(out: string): Map<string, string> {
  let names: string[];
  try {
    names = readdirSync(out);
  } catch {
    return new Map();
  }
  // A worker SIGKILLed mid-write may leave its temporary file: not output.
  names = names.filter((name) => !name.endsWith(".tmp"));
  return new Map(names.map((name) => [name, readFileSync(join(out, name), "utf8")]));
}

const QUIET = ["--progress", "off", "--log-level", "warn", "--checkpoint-every", "300ms"];

/** Each window's count (`<page>@<start>` → count), computed plainly. */
function expectedWindows(events: readonly { page: string; ts: number }[]): Map<string, string> {
  const counts = new Map<string, number>();
  for (const { page, ts } of events) {
    const name = `${page}@${Math.floor(ts / 1_000) * 1_000}`;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return new Map([...counts].map(([name, n]) => [name, String(n)]));
}

/** The window-counts app keyed by page on `stream`, with its window files in `out`. */
function app(stream: string, name: string, out: string, more: readonly string[]) {
  return startApp(APP, {}, [
    ...["--by", "page", "--mode", "local", "--stack-file", stackFile, "--source", "kinesis"],
    ...["--stream", stream, "--sinks", "console", "--job", name, "--out", out, ...QUIET, ...more],
  ]);
}

/**
 * The input stream of job `job` (2 shards), with every event written, and what writes the end
 * events: one far in event time per shard, so every shard's watermark passes every window (but
 * its own, which never closes).
 */
async function inputStream(job: string) {
  const stream = `${job}-events`;
  const kinesisProxy = createStreamProxy({
    ...localClientConfig(kinesis.endpoint),
    subscribeHttpVersion: "1.1",
  });
  const encoder = new TextEncoder();
  const put = async (entries: Parameters<typeof kinesisProxy.putRecords>[1]) => {
    const failed = await kinesisProxy.putRecords(stream, entries);
    if (failed.length > 0) throw new Error(`${failed.length} events not written: ${failed[0]!.errorMessage}`);
  };
  const events = Array.from({ length: EVENTS }, (_, i) => eventAt(i));
  const client = new KinesisClient({
    ...localClientConfig(kinesis.endpoint),
    requestHandler: new NodeHttpHandler(),
  });
  await ensureKinesisStream(client, stream, 2).finally(() => client.destroy());
  const shards = await kinesisProxy.listShards(stream);
  const end = { key: "end", page: "end", ts: 1e12 };
  // Every event first: a shard caught up and quiet for 10 s is idle (APP_KINESIS_DEFAULTS), and
  // an event written after that could be late. Only the ends come later.
  await put(events.map((e) => ({ data: encoder.encode(JSON.stringify(e)), partitionKey: e.key })));
  return {
    stream,
    expected: expectedWindows(events),
    writeEnds: () =>
      put(
        shards.map((shard) => ({
          data: encoder.encode(JSON.stringify(end)),
          partitionKey: "end",
          explicitHashKey: shard.startingHashKey,
        })),
      ),
    close: () => kinesisProxy.close(),
  };
}

/** The worker processes a supervisor started, from what it printed: `[match, id, pid]` each. */
function startedWorkers(supervisor: ReturnType<typeof startApp> | undefined) {
  return [...(supervisor?.output() ?? "").matchAll(/worker (\S+) started \(pid (\d+)\)/g)];
}

/** The pid of the worker in `slot` the supervisor started last. */
function pidOf(supervisor: ReturnType<typeof startApp>, slot: number): number {
  return Number(startedWorkers(supervisor).findLast((m) => m[1]!.endsWith(`-${slot}`))?.[2] ?? Number.NaN);
}

/** Once `written` windows are out, SIGKILLs the worker in `slot` and waits for its restart. */
async function killWorker(workers: ReturnType<typeof startApp>, out: string, slot: number, written: number) {
  await eventually(
    async () => windowFiles(out).size >= written,
    whileRunning(workers, `${written} windows written`, 60_000),
  );
  const victim = pidOf(workers, slot);
  process.kill(victim, "SIGKILL");
  await eventually(
    async () => pidOf(workers, slot) !== victim,
    whileRunning(workers, `the supervisor restarting worker ${slot}`, 30_000),
  );
}

/** Stops the supervisor and every worker it started (Kinesis sources do not end). */
async function stopAll(...supervisors: (ReturnType<typeof startApp> | undefined)[]) {
  for (const [, , pid] of supervisors.flatMap(startedWorkers)) {
    try {
      process.kill(Number(pid), "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  await Promise.all(supervisors.map((supervisor) => supervisor?.stop("SIGKILL")));
}

test("three worker processes with SIGKILLs and duplicated puts write, through a repartition stream, the windows of one process", {
  timeout: 180_000,
}, async () => {
  const job = `rp-${randomUUID().slice(0, 8)}`;
  const input = await inputStream(job);
  const out = join(root, "workers");
  let workers: ReturnType<typeof startApp> | undefined;
  let single: ReturnType<typeof startApp> | undefined;
  try {
    workers = app(input.stream, job, out, ["--checkpoints", redis.url, "--workers", "3"]);
    // The same command in one process (no repartition), alongside: it reads the same stream.
    const alone = join(root, "single");
    single = app(input.stream, `${job}-single`, alone, ["--checkpoints", "none"]);
    // Kill a worker once windows come out of the shuffle, and another one a little later.
    await killWorker(workers, out, 1, 20);
    await killWorker(workers, out, 2, 80);
    await input.writeEnds();
    await eventually(
      async () => windowFiles(out).size >= input.expected.size,
      whileRunning(workers, "every window written", 90_000),
    );
    expect(windowFiles(out)).toEqual(input.expected);
    expect(workers.output()).toMatch(/died \(SIGKILL\): restarting it[\s\S]*died \(SIGKILL\): restarting it/);
    expect(repeated.requests).toBeGreaterThan(0);

    // The process alone wrote the same windows.
    await eventually(
      async () => windowFiles(alone).size >= input.expected.size,
      whileRunning(single, "every window written by one process", 60_000),
    );
    expect(windowFiles(alone)).toEqual(windowFiles(out));
  } finally {
    await stopAll(workers, single);
    input.close();
  }
});

test("with checkpoints in a directory (no Redis), the supervisor serves each stage's lease table: two workers, one SIGKILLed, write exactly the windows", {
  timeout: 120_000,
}, async () => {
  const job = `rpd-${randomUUID().slice(0, 8)}`;
  const input = await inputStream(job);
  const out = join(root, "directory-workers");
  let workers: ReturnType<typeof startApp> | undefined;
  try {
    workers = app(input.stream, job, out, ["--checkpoints", join(root, "checkpoints"), "--workers", "2"]);
    // The supervisor's stage tables outlive a worker: the restarted one takes its shards back.
    await killWorker(workers, out, 1, 20);
    await input.writeEnds();
    await eventually(
      async () => windowFiles(out).size >= input.expected.size,
      whileRunning(workers, "every window written", 60_000),
    );
    expect(windowFiles(out)).toEqual(input.expected);
    expect(workers.output()).toMatch(/leases held by this process/);
    // The supervisor printed who holds stage 1's leases (the repartition stream's shards): its table.
    expect(workers.output()).toMatch(/stage 1 leases: .*shardId-/);
    expect(workers.output()).toMatch(/died \(SIGKILL\): restarting it/);
  } finally {
    await stopAll(workers);
    input.close();
  }
});
