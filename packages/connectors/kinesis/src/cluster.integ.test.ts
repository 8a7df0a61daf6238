import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { holderOf, isFinished, keyGroupOf } from "@eddy/core";
import { eventually } from "@eddy/core/testing";
import { type RedisLeaseStore, redisLeases } from "@eddy/state";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, test } from "vitest";
import { keyGroupHashKey } from "./key-group-points.ts";
import { createStreamProxy, type PutEntry } from "./kinesis-client.ts";
import type { ClusterEvent } from "./test-support/cluster-worker.ts";
import { freePort, type LocalKinesis, startKinesisLocal } from "./test-support/local-kinesis.ts";
import { produce } from "./test-support/producer.ts";

// Several workers share a stream's shards by leases in a real Redis, in real processes, against
// kinesis-local (kinesalite has no ChildShards): a shard is split mid-run and workers holding
// shards are SIGKILLed, yet the per-key window results equal those of one process — and those of
// a plain computation over the records written.
const WORKER = fileURLToPath(new URL("./test-support/cluster-worker.ts", import.meta.url));
const WORKERS = 3;
const KILLS = 3;
const KEYS = 40;
const RECORDS = 4_000;
/** Event time advances 10 ms a record: 40 one-second windows per key. */
const TS_STEP = 10;

let kinesis: LocalKinesis;
let redisServer: ChildProcess;
let redisUrl: string;
let redis: Redis;

beforeAll(async () => {
  kinesis = await startKinesisLocal();
  const port = await freePort();
  redisServer = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  redisUrl = `redis://127.0.0.1:${port}`;
  await eventually(() => listening(port), { what: "redis-server to listen" });
  redis = new Redis(redisUrl);
}, 60_000);

afterAll(async () => {
  redis?.disconnect();
  redisServer?.kill("SIGKILL");
  await kinesis?.stop();
});

/** Whether something accepts connections on `port` (a client made before then reports each refusal). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

const byKey = (e: ClusterEvent) => e.key;
const hashKey = keyGroupHashKey(byKey);
const encoder = new TextEncoder();
const entry = (e: ClusterEvent): PutEntry => ({
  data: encoder.encode(JSON.stringify(e)),
  partitionKey: e.key,
  explicitHashKey: hashKey(e),
});
const eventAt = (i: number): ClusterEvent => ({
  key: `k${(i * 7) % KEYS}`,
  amount: (i * 13) % 17,
  ts: i * TS_STEP,
});

/** One record per key group, far in event time, so every open shard's watermark passes every window. */
function endMarkers(): ClusterEvent[] {
  const byGroup = new Map<number, ClusterEvent>();
  for (let i = 0; byGroup.size < 128; i++) {
    const key = `end-${i}`;
    const group = keyGroupOf(key, 128);
    if (!byGroup.has(group)) byGroup.set(group, { key, amount: 0, ts: 1e12, end: true });
  }
  return [...byGroup.values()];
}

/** What the job must write: count/sum per key and one-second window, computed over the records directly. */
function expectedResults(events: readonly ClusterEvent[]): Record<string, string> {
  const windows = new Map<string, { count: number; sum: number }>();
  for (const e of events) {
    const field = `${e.key}|${Math.floor(e.ts / 1_000) * 1_000}`;
    const w = windows.get(field) ?? { count: 0, sum: 0 };
    w.count++;
    w.sum += e.amount;
    windows.set(field, w);
  }
  return Object.fromEntries([...windows].map(([field, w]) => [field, `${w.count}/${w.sum}`]));
}

interface Worker {
  readonly child: ChildProcess;
  readonly exit: Promise<{ signal: NodeJS.Signals | null; output: string }>;
}

function start(stream: string, job: string, results: string, workerId?: string): Worker {
  const args = [
    "--import",
    import.meta.resolve("tsx"),
    WORKER,
    kinesis.endpoint,
    stream,
    redisUrl,
    job,
    results,
  ];
  const child = spawn(process.execPath, workerId === undefined ? args : [...args, workerId], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exit = new Promise<{ signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.once("exit", (_code, signal) => resolve({ signal, output })),
  );
  return { child, exit };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The middle of a shard's hash range: where to split it in two. */
const middle = (shard: { startingHashKey: string; endingHashKey: string }) =>
  ((BigInt(shard.startingHashKey) + BigInt(shard.endingHashKey) + 1n) / 2n).toString();

test(`${WORKERS} worker processes over 4 shards, one split mid-run, holders SIGKILLed ${KILLS} times, write exactly the window results of one process`, async () => {
  const stream = await kinesis.createStream("cluster", 4);
  const job = `kinesis-cluster-${randomUUID().slice(0, 8)}`;
  const results = `${job}:results`;
  const reference = `${job}:reference`;
  const events = Array.from({ length: RECORDS }, (_, i) => eventAt(i));
  const expected = expectedResults(events);
  const table: RedisLeaseStore = redisLeases(redisUrl, { job });
  const workers = new Map<string, Worker>();
  const restart = (id: string) => void workers.set(id, start(stream, job, results, id));
  /** The output of every process that ended, killed ones included, for a failure's report. */
  const ended: Promise<string>[] = [];
  const proxy = createStreamProxy(kinesis.connection);
  let single: Worker | undefined;
  try {
    await produce(kinesis.connection, stream, events.slice(0, RECORDS / 2).map(entry));
    for (let i = 0; i < WORKERS; i++) restart(`w${i}`);
    await eventually(
      async () => (await table.snapshot()).leases.filter((l) => holderOf(l) !== undefined).length === 4,
      { what: "the workers to hold every shard", timeoutMs: 90_000 },
    );
    /** Kills a random worker that holds a shard; brings it back at once or after the failover time. */
    const killHolder = async (kill: number) => {
      const holders = [...new Set((await table.snapshot()).leases.map(holderOf))].filter(
        (w) => w !== undefined,
      );
      expect(holders.length, "no worker holds a shard").toBeGreaterThan(0);
      const id = holders[Math.floor(Math.random() * holders.length)]!;
      const victim = workers.get(id)!;
      victim.child.kill("SIGKILL");
      const { signal, output } = await victim.exit;
      ended.push(Promise.resolve(`--- ${id} (killed)\n${output}`));
      expect(signal, `kill ${kill} of ${id} came after it ended:\n${output}`).toBe("SIGKILL");
      await pause(Math.random() < 0.5 ? 0 : 5_000);
      restart(id);
    };

    await pause(1_000 + Math.random() * 1_000);
    await killHolder(1);
    // Split the shard holding the lowest hash keys while the workers read it.
    const [lowest] = (await proxy.listShards(stream)).sort((a, b) =>
      BigInt(a.startingHashKey) < BigInt(b.startingHashKey) ? -1 : 1,
    );
    await kinesis.admin.splitShard(stream, lowest!.shardId, middle(lowest!));
    const rest = events.slice(RECORDS / 2).map(entry);
    const chunk = Math.ceil(rest.length / (KILLS - 1));
    for (let kill = 2; kill <= KILLS; kill++) {
      await produce(kinesis.connection, stream, rest.slice((kill - 2) * chunk, (kill - 1) * chunk));
      await killHolder(kill);
    }
    await produce(kinesis.connection, stream, endMarkers().map(entry));

    single = start(stream, `${job}-single`, reference);
    const windows = Object.keys(expected).length;
    await eventually(async () => (await redis.hlen(reference)) >= windows, {
      what: "the single process to write every window",
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    await eventually(async () => (await redis.hlen(results)) >= windows, {
      what: "the workers to write every window",
      timeoutMs: 180_000,
      intervalMs: 500,
    });
    expect(await redis.hgetall(reference)).toEqual(expected);
    expect(await redis.hgetall(results)).toEqual(expected);

    // The split shard's lease is finished and its children have leases of their own, held.
    const leases = (await table.snapshot()).leases;
    const parent = leases.find((l) => l.leaseKey === lowest!.shardId)!;
    const children = leases.filter((l) => l.parentShardIds.includes(lowest!.shardId));
    expect(isFinished(parent)).toBe(true);
    expect(children).toHaveLength(2);
    expect(children.flatMap((c) => c.keyGroups).sort((a, b) => a - b)).toEqual([...parent.keyGroups]);
    for (const child of children) expect(holderOf(child)).toBeDefined();
  } catch (error) {
    const logs = await Promise.all(
      [...workers].map(async ([id, w]) => {
        w.child.kill("SIGKILL");
        return `--- ${id}\n${(await w.exit).output}`;
      }),
    );
    const written = await redis.hgetall(results);
    const wrong = Object.keys(expected).filter((f) => written[f] !== expected[f]);
    const leases = (await table.snapshot()).leases.map(
      (l) => `${l.leaseKey} ${holderOf(l) ?? "-"} ${l.checkpoint ?? "-"} [${l.keyGroups.length} key groups]`,
    );
    const diff = wrong
      .slice(0, 10)
      .map(
        (f) =>
          `${f} (key group ${keyGroupOf(f.split("|")[0]!, 128)}): ${written[f] ?? "missing"}, expected ${expected[f]}`,
      );
    throw new Error(
      `${(error as Error).message}\n${wrong.length} windows wrong or missing, e.g.\n${diff.join("\n")}\nleases:\n${leases.join("\n")}\n${(await Promise.all(ended)).join("\n")}\n${logs.join("\n")}`,
      { cause: error },
    );
  } finally {
    for (const worker of [...workers.values(), ...(single ? [single] : [])]) worker.child.kill("SIGKILL");
    proxy.close();
    await table.close();
  }
}, 600_000);
