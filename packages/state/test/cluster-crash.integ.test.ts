import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { holderOf } from "@eddy/core";
import { eventually } from "@eddy/core/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, test } from "vitest";
import { redisLeases } from "../src/index.ts";
import { type RedisServer, startRedisServer } from "../src/test-support/redis-server.ts";

const WORKER = fileURLToPath(new URL("cluster-worker.ts", import.meta.url));
const RECORDS = 150_000;
/** Each worker's reader paces the generator's indices at this rate: the input lasts over 12 s. */
const RATE = 12_000;
const WORKERS = 3;
const KILLS = 5;

let redis: RedisServer;
let client: Redis;

beforeAll(async () => {
  redis = await startRedisServer();
  client = new Redis(redis.url);
});

afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

interface Worker {
  readonly id: string;
  readonly child: ChildProcess;
  readonly exit: Promise<Exit>;
}

function start(job: string, results: string, rate: number, workerId?: string): Worker {
  const args = ["--import", "tsx", WORKER, redis.url, job, results, String(RECORDS), String(rate)];
  const child = spawn(process.execPath, workerId === undefined ? args : [...args, workerId], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exit = new Promise<Exit>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, output })),
  );
  return { id: workerId ?? "single", child, exit };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test(`${WORKERS} worker processes, a random one SIGKILLed ${KILLS} times, write exactly the window results of one process`, async () => {
  const reference = `reference-${randomUUID()}`;
  const single = await start(reference, `${reference}:results`, 1_000_000).exit;
  expect(single.code, single.output).toBe(0);
  const expected = await client.hgetall(`${reference}:results`);
  expect(Object.keys(expected).length).toBeGreaterThan(2_000);

  const job = `cluster-${randomUUID()}`;
  const results = `${job}:results`;
  const workers = new Map<string, Worker>();
  for (let i = 0; i < WORKERS; i++) workers.set(`w${i}`, start(job, results, RATE, `w${i}`));
  const table = redisLeases(redis.url, { job });
  // Start-up takes seconds on a busy machine: the kills begin once the workers hold every split.
  await eventually(
    async () => (await table.snapshot()).leases.filter((l) => holderOf(l) !== undefined).length === 8,
    {
      what: "the workers to hold every split",
      timeoutMs: 60_000,
    },
  );
  for (let kill = 0; kill < KILLS; kill++) {
    await pause(1_000 + Math.random() * 1_500);
    // A worker that holds splits, so that every kill loses state in flight that must be restored.
    const holders = [...new Set((await table.snapshot()).leases.map(holderOf))].filter(
      (w) => w !== undefined,
    );
    expect(holders.length, `no worker holds a split at kill ${kill + 1}`).toBeGreaterThan(0);
    const id = holders[Math.floor(Math.random() * holders.length)]!;
    const victim = workers.get(id)!;
    victim.child.kill("SIGKILL");
    const { signal, output } = await victim.exit;
    // Every kill lands while the job runs: a worker that had already finished would exit 0.
    expect(signal, `kill ${kill + 1} of ${id} came after it ended:\n${output}`).toBe("SIGKILL");
    // Back at once (it takes its leases back), or after the failover time (others take them).
    await pause(Math.random() < 0.5 ? 0 : 2_500);
    workers.set(id, start(job, results, RATE, id));
  }
  await table.close();
  const exits = await Promise.all([...workers.values()].map((w) => w.exit));
  for (const exit of exits) {
    expect(exit.code, exit.output).toBe(0);
    expect(exit.output).toContain("finished");
  }

  const actual = await client.hgetall(results);
  expect(Object.keys(actual).length).toBe(Object.keys(expected).length);
  expect(actual).toEqual(expected);
}, 300_000);
