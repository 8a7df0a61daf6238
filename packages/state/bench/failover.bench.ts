/**
 * Failover and graceful handoff on worker processes: WORKERS workers of the cluster crash test's
 * job (`../test/cluster-worker.ts`: a generator in 8 partitions, paced, keyed windows, checkpoints
 * every 100 ms to Redis, leases in Redis) run against a `redis-server` of their own. Then, a few
 * times each:
 *
 * - **crash**: a worker that holds splits is SIGKILLed; measured is the time until every split it
 *   held is processing elsewhere — held by another worker, which has published a position past
 *   the one the dead worker left (so it read records; checkpoints come every 100 ms);
 * - **graceful**: a worker that holds splits is SIGTERMed (it stops at a published checkpoint and
 *   releases its leases); measured the same way: the pause of its splits.
 *
 * After each, the worker is started again with its id (once the measurement is over) and the
 * leader hands it splits back. Run with the lease defaults (failover time 10 s) and with a lower
 * failover time (`--failover-time 2s` of the kit). Prints medians and each figure; never asserts.
 * Target from issue 15: a crash ≤ 15 s with the defaults.
 *
 *   ./node_modules/.bin/tsx packages/state/bench/failover.bench.ts [events per config] [lower failover ms]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { holderOf, type Lease } from "@eddy/core";
import { redisLeases } from "../src/index.ts";
import { startRedisServer } from "../src/test-support/redis-server.ts";

const EVENTS = Number(process.argv[2] ?? 3);
const LOWER_FAILOVER_MS = Number(process.argv[3] ?? 2_000);
const WORKER = fileURLToPath(new URL("../test/cluster-worker.ts", import.meta.url));
const WORKERS = 3;
/** Endless for the bench's purpose: paced at RATE, it lasts longer than any run of it. */
const RECORDS = 1e9;
const RATE = 4_000;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function measure(url: string, failover: string): Promise<{ crash: number[]; graceful: number[] }> {
  const job = `failover-${randomUUID()}`;
  const table = redisLeases(url, { job });
  const workers = new Map<string, ChildProcess>();
  const start = (id: string) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", WORKER, url, job, `${job}:results`, String(RECORDS), String(RATE), id],
      {
        stdio: ["ignore", "ignore", "inherit"],
        env: { ...process.env, EDDY_TEST_FAILOVER_MS: failover, EDDY_TEST_GRACEFUL: "1" },
      },
    );
    workers.set(id, child);
  };
  const leases = async () => (await table.snapshot()).leases;
  /** Waits until every split is held by a live worker and each worker holds one at least. */
  const settled = async () => {
    for (;;) {
      const held = (await leases()).map(holderOf);
      const live = [...workers.keys()];
      if (held.every((h) => h !== undefined && live.includes(h)) && live.every((w) => held.includes(w)))
        return;
      await pause(100);
    }
  };
  /** Stops a worker holding splits with `signal`; resolves how long until they progress elsewhere. */
  const disrupt = async (signal: NodeJS.Signals): Promise<number> => {
    await settled();
    const before = await leases();
    const id = holderOf(before[Math.floor(Math.random() * before.length)]!)!;
    const left = new Map(before.filter((l) => holderOf(l) === id).map((l) => [l.leaseKey, l.checkpoint]));
    const child = workers.get(id)!;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const sentAt = performance.now();
    child.kill(signal);
    const elsewhere = (lease: Lease) =>
      !left.has(lease.leaseKey) ||
      (holderOf(lease) !== undefined &&
        holderOf(lease) !== id &&
        lease.checkpoint !== undefined &&
        lease.checkpoint !== left.get(lease.leaseKey));
    while (!(await leases()).every(elsewhere)) await pause(20);
    const took = performance.now() - sentAt;
    await exited;
    start(id);
    return took;
  };
  try {
    for (let i = 0; i < WORKERS; i++) start(`w${i}`);
    const crash: number[] = [];
    const graceful: number[] = [];
    for (let event = 0; event < EVENTS; event++) {
      crash.push(await disrupt("SIGKILL"));
      graceful.push(await disrupt("SIGTERM"));
    }
    return { crash, graceful };
  } finally {
    for (const child of workers.values()) child.kill("SIGKILL");
    await table.close();
  }
}

const redis = await startRedisServer();
try {
  console.log(
    `failover of ${WORKERS} workers on 8 splits, median of ${EVENTS} events each (until every split of the worker is processing elsewhere):`,
  );
  for (const [label, failover] of [
    ["defaults (failover 10 s)", "default"],
    [`failover ${seconds(LOWER_FAILOVER_MS)}`, String(LOWER_FAILOVER_MS)],
  ] as const) {
    const { crash, graceful } = await measure(redis.url, failover);
    console.log(`  ${label}:`);
    console.log(`    SIGKILL (crash):      ${seconds(median(crash))}  (${crash.map(seconds).join(", ")})`);
    console.log(
      `    SIGTERM (graceful):   ${seconds(median(graceful))}  (${graceful.map(seconds).join(", ")})  ratio crash/graceful ${(median(crash) / median(graceful)).toFixed(1)}×`,
    );
  }
} finally {
  await redis.stop();
}
