/**
 * Lease traffic and failover of Eddy's lease subsystem, with the defaults (LEASE_DEFAULTS).
 *
 *   (a) Redis commands per worker per second: WORKERS lease coordinators (each with its own
 *       connection, as separate processes would have) share SHARDS leases in a Redis this script
 *       starts; each worker's runtime publishes a fenced checkpoint of its leases every 10 s and
 *       hands leases over when asked. After the fleet has settled, INFO commandstats is reset and
 *       read again after MEASURE_S seconds of steady state. The coordinators run on a virtual
 *       clock (every message they send is driven by it), so commands per virtual second are what
 *       a deployment sends per second. Commands that Lua scripts run count as well (Redis counts
 *       them), and so are listed apart from what clients send.
 *       Also the bytes Redis received and sent (INFO stats), per worker per second.
 *   (c) Checkpoint traffic: the blobs and manifests one worker's checkpoint store writes, from a
 *       real job with one shard's worth of input and state, checkpointing every 10 s to a Redis
 *       of its own (real time, about 40 s).
 *   (b) Failover in the simulated fleet (64 workers, 64 leases, in memory): the time from a
 *       worker's crash (SIGKILL: it stops renewing and never releases) until every lease it held
 *       is held by a running worker again, for crashes of workers and of the leader, and the gap
 *       a graceful leave leaves. Target: failover ≤ 15 s.
 *
 *   ./node_modules/.bin/tsx packages/state/bench/lease-traffic.bench.ts [workers] [shards] [measureSeconds]
 */
import { randomUUID } from "node:crypto";
import {
  boundedOutOfOrderness,
  DEFAULT_KEY_GROUPS,
  generatorSource,
  keyGroupOf,
  LEASE_DEFAULTS,
  LeaseCoordinator,
  type LeaseStore,
  MemoryLeaseStore,
  pipeline,
  silentLogger,
  stats,
  tumbling,
  VirtualClock,
} from "@eddy/core";
import { Redis } from "ioredis";
import { advance } from "../../core/src/cluster/testing/advance.ts";
import { type FleetEvent, runFleet } from "../../core/src/cluster/testing/simulated-fleet.ts";
import { redisCheckpoints } from "../src/redis-checkpoint-store.ts";
import { redisLeases } from "../src/redis-lease-store.ts";
import { startRedisServer } from "../src/test-support/redis-server.ts";

const WORKERS = Number(process.argv[2] ?? 64);
const SHARDS = Number(process.argv[3] ?? 64);
const MEASURE_S = Number(process.argv[4] ?? 60);
const FAILOVER_TARGET_MS = 15_000;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const fixed = (n: number, digits = 2) => n.toFixed(digits);

/** `store` with a count of each method called. */
function counted(store: LeaseStore, counts: Map<string, number>): LeaseStore {
  return new Proxy(store, {
    get: (target, name) => {
      const value: unknown = Reflect.get(target, name, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        counts.set(String(name), (counts.get(String(name)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** Commands the clients sent for the store calls counted (what each RedisLeaseStore method sends). */
function clientCommands(perWorker: Map<string, number>[]): number {
  const perCall: Record<string, number> = {
    counters: 4, // a pipeline: GET, HGETALL ×3
    revision: 1,
    readLeader: 1,
    readLease: 1,
    readKeyGroups: 1,
    // SMEMBERS ×2, MULTI, GET, HGETALL of the lock and of every lease and worker, EXEC
    snapshot: 2 + 1 + 2 + SHARDS + WORKERS + 1,
  };
  let sent = 0;
  for (const ops of perWorker) for (const [name, calls] of ops) sent += calls * (perCall[name] ?? 1); // scripts: one EVALSHA
  return sent;
}

/** Bytes Redis received and sent since the last RESETSTAT. */
async function netBytes(redis: Redis): Promise<{ input: number; output: number }> {
  const info = await redis.info("stats");
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, "m").exec(info)?.[1] ?? 0);
  return { input: field("total_net_input_bytes"), output: field("total_net_output_bytes") };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(2)} KiB`;

async function commandStats(redis: Redis): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const line of (await redis.info("commandstats")).split("\n")) {
    const found = /^cmdstat_([a-z|]+):calls=(\d+)/.exec(line.trim());
    if (found) calls.set(found[1]!, Number(found[2]));
  }
  return calls;
}

async function traffic(): Promise<void> {
  const server = await startRedisServer();
  const admin = new Redis(server.url);
  const job = `lease-traffic-${randomUUID().slice(0, 8)}`;
  const setup = redisLeases(server.url, { job });
  const clock = new VirtualClock(0);
  const workers: { coordinator: LeaseCoordinator; store: LeaseStore; ops: Map<string, number> }[] = [];
  try {
    for (let i = 0; i < SHARDS; i++) {
      await setup.createLease({
        leaseKey: `shardId-${String(i).padStart(12, "0")}`,
        keyGroups: [i % 128, (i + 64) % 128],
      });
    }
    const pending = new Set<Promise<unknown>>();
    const track = (p: Promise<unknown>) => {
      pending.add(p);
      void p.finally(() => pending.delete(p));
    };
    for (let i = 0; i < WORKERS; i++) {
      const ops = new Map<string, number>();
      const store = counted(redisLeases(server.url, { job }), ops);
      const coordinator = new LeaseCoordinator({
        store,
        workerId: `worker-${i}`,
        clock,
        logger: silentLogger,
      });
      const publishAll = (leaseKeys?: string[]) => {
        const held = coordinator.held().filter((h) => !leaseKeys || leaseKeys.includes(h.lease.leaseKey));
        if (held.length === 0) return Promise.resolve(undefined);
        return coordinator.publish({
          leases: held.map((h) => ({ leaseKey: h.lease.leaseKey, checkpoint: `${clock.now()}` })),
          keyGroups: held.flatMap((h) =>
            h.lease.keyGroups.map((keyGroup) => ({ keyGroup, state: { at: clock.now() } })),
          ),
        });
      };
      coordinator.events.subscribe((event) => {
        if (event.type !== "handoffRequested") return;
        track(publishAll([event.lease.leaseKey]).then(() => coordinator.release(event.lease.leaseKey)));
      });
      const checkpoint = () => {
        track(publishAll());
        clock.schedule(clock.now() + 10_000, checkpoint);
      };
      clock.schedule(clock.now() + 10_000 + (i * 10_000) / WORKERS, checkpoint);
      workers.push({ coordinator, store, ops });
      await coordinator.start();
    }
    const all = () => workers.map((w) => w.coordinator);
    const afterStep = async () => {
      while (pending.size > 0) await Promise.all(pending);
    };
    await advance({ clock, coordinators: all, to: 180_000, step: 250, afterStep });
    const counts = workers.map((w) => w.coordinator.held().length);
    const leaderIndex = workers.findIndex((w) => w.coordinator.isLeader);
    console.log(
      `settled after 180 s: ${counts.reduce((a, b) => a + b, 0)} of ${SHARDS} leases held, ${Math.min(...counts)}–${Math.max(...counts)} per worker, leader worker-${leaderIndex}`,
    );

    await admin.config("RESETSTAT");
    for (const w of workers) w.ops.clear();
    const from = clock.now();
    await advance({ clock, coordinators: all, to: from + MEASURE_S * 1_000, step: 250, afterStep });
    const bytes = await netBytes(admin);
    const stats = await commandStats(admin);
    // The admin connection's own INFO and CONFIG are not the fleet's.
    stats.delete("info");
    stats.delete("config|resetstat");
    const perWorkerSecond = (n: number) => n / WORKERS / MEASURE_S;
    const total = [...stats.values()].reduce((a, b) => a + b, 0);
    const sent = clientCommands(workers.map((w) => w.ops));

    console.log(
      `\n(a) Redis commands per worker per second: ${WORKERS} workers, ${SHARDS} shards, defaults, ${MEASURE_S} s of steady state`,
    );
    console.log("    command            per worker·s   (all workers, per s)");
    for (const [name, calls] of [...stats].sort((a, b) => b[1] - a[1])) {
      console.log(
        `    ${name.padEnd(18)} ${fixed(perWorkerSecond(calls)).padStart(12)}   ${fixed(calls / MEASURE_S, 1).padStart(8)}`,
      );
    }
    console.log(
      `    ${"all".padEnd(18)} ${fixed(perWorkerSecond(total)).padStart(12)}   ${fixed(total / MEASURE_S, 1).padStart(8)}`,
    );
    console.log(
      `    of which sent by clients ${fixed(perWorkerSecond(sent))} per worker·s (EVALSHA, GET, HGETALL, pipelines, MULTI/EXEC); run by Lua scripts ${fixed(perWorkerSecond(total - sent))}`,
    );

    console.log(
      `    bytes per worker·s: ${kib(perWorkerSecond(bytes.input))} to Redis, ${kib(perWorkerSecond(bytes.output))} from Redis (all workers: ${kib(bytes.input / MEASURE_S)}/s in, ${kib(bytes.output / MEASURE_S)}/s out)`,
    );

    const others = workers.filter((_, i) => i !== leaderIndex);
    const mean = new Map<string, number>();
    for (const w of others)
      for (const [name, n] of w.ops) mean.set(name, (mean.get(name) ?? 0) + n / others.length);
    console.log("\n    store calls per second           leader   other workers (mean)");
    const leaderOps = workers[leaderIndex]!.ops;
    const names = [...new Set([...leaderOps.keys(), ...mean.keys()])].sort(
      (a, b) => (mean.get(b) ?? 0) - (mean.get(a) ?? 0) || (leaderOps.get(b) ?? 0) - (leaderOps.get(a) ?? 0),
    );
    for (const name of names) {
      const leaderRate = (leaderOps.get(name) ?? 0) / MEASURE_S;
      console.log(
        `    ${name.padEnd(30)} ${fixed(leaderRate).padStart(8)}   ${fixed((mean.get(name) ?? 0) / MEASURE_S).padStart(8)}`,
      );
    }

    // Baseline, measured here: what one read of the whole table costs against one counters() read.
    // Workers watch counters every renewal interval; reading the table instead would cost this much more.
    const before = await commandStats(admin);
    await setup.snapshot();
    const afterSnapshot = await commandStats(admin);
    await setup.counters();
    const afterCounters = await commandStats(admin);
    const delta = (a: Map<string, number>, b: Map<string, number>) =>
      [...b].reduce((n, [name, calls]) => n + (name === "info" ? 0 : calls - (a.get(name) ?? 0)), 0);
    const snapshotCost = delta(before, afterSnapshot);
    const countersCost = delta(afterSnapshot, afterCounters);
    console.log(
      `\n    one read of the whole table: ${snapshotCost} commands; one counters() read: ${countersCost} (ratio ${fixed(snapshotCost / countersCost, 1)}×)`,
    );
    const watches = [...workers].reduce((n, w) => n + (w.ops.get("counters") ?? 0), 0);
    const baseline = total + watches * (snapshotCost - countersCost);
    console.log(
      `    watching by table reads instead: ${fixed(perWorkerSecond(baseline))} commands per worker·s; counters() makes it ${fixed(baseline / total, 1)}× fewer`,
    );
  } finally {
    for (const w of workers) {
      await w.coordinator.stop();
      await w.store.close();
    }
    await setup.clear();
    await setup.close();
    admin.disconnect();
    await server.stop();
  }
}

/**
 * (c) What one worker's checkpoints cost Redis, besides the fenced publish counted in (a): the
 * blobs and manifest its checkpoint store writes. A worker writes, for the key groups of the
 * shards it holds, what a single process with that state writes, so this runs a real job with
 * one shard's worth of input — SHARD_RATE records per second (a Kinesis shard's write limit) over
 * SHARD_KEYS keys of the shard's 2 key groups in keyed one-second windows with `stats` — checkpointing every 10 s (the kit's
 * default) to a Redis of its own, for CHECKPOINT_S seconds of real time, and reads that Redis's
 * INFO. At 64 shards on 64 workers, each worker holds one shard: (a) + (c) is its whole traffic.
 */
async function checkpointTraffic(): Promise<void> {
  const SHARD_RATE = 1_000;
  const SHARD_KEYS = 500;
  const CHECKPOINT_S = Number(process.env.CHECKPOINT_S ?? 41);
  // A shard of 64 carries 2 of the 128 key groups (as in (a)): its keys are all in those two.
  const keys: string[] = [];
  for (let i = 0; keys.length < SHARD_KEYS; i++) {
    const group = keyGroupOf(`k${i}`, DEFAULT_KEY_GROUPS);
    if (group === 0 || group === 64) keys.push(`k${i}`);
  }
  const server = await startRedisServer();
  const admin = new Redis(server.url);
  const store = redisCheckpoints(server.url);
  try {
    const job = pipeline(`checkpoint-traffic-${randomUUID().slice(0, 8)}`, {
      logger: silentLogger,
      stopOnSignals: false,
      checkpoints: { every: 10_000, store },
    });
    job
      .source(
        generatorSource({
          ratePerSecond: SHARD_RATE,
          generate: (i) => ({ key: keys[(i * 7919) % SHARD_KEYS]!, amount: i % 100, ts: Date.now() }),
        }),
      )
      .withWatermarks(boundedOutOfOrderness(1_000), (e) => e.ts)
      .keyBy((e) => e.key)
      .window(tumbling(1_000))
      .aggregate(stats((e) => e.amount))
      .sink({ name: "discard", write: () => {} });
    await admin.config("RESETSTAT");
    const running = job.run();
    await new Promise((resolve) => setTimeout(resolve, CHECKPOINT_S * 1_000));
    const bytes = await netBytes(admin);
    const calls = await commandStats(admin);
    calls.delete("info");
    calls.delete("config|resetstat");
    await job.stop();
    await running;
    const commands = [...calls.values()].reduce((a, b) => a + b, 0);
    const checkpoints = (await store.checkpoints(job.name)).length;
    console.log(
      `\n(c) Checkpoint traffic of one worker holding one shard (${SHARD_RATE} records/s, ${SHARD_KEYS} keys in its 2 key groups, keyed 1 s windows, a checkpoint every 10 s; ${CHECKPOINT_S} s, ${checkpoints} checkpoints kept)`,
    );
    console.log(
      `    ${fixed(commands / CHECKPOINT_S)} commands/s (${[...calls]
        .sort((a, b) => b[1] - a[1])
        .map(([name, n]) => `${name} ${fixed(n / CHECKPOINT_S)}`)
        .join(
          ", ",
        )}); ${kib(bytes.input / CHECKPOINT_S)}/s to Redis, ${kib(bytes.output / CHECKPOINT_S)}/s from Redis`,
    );
  } finally {
    await store.close();
    admin.disconnect();
    await server.stop();
  }
}

async function failover(): Promise<void> {
  const crashes: FleetEvent[] = Array.from({ length: 10 }, (_, i) => ({
    at: 120_000 + i * 40_000,
    kind: "crash",
    pick: 7 * i + 3,
  }));
  const leaderCrashes: FleetEvent[] = Array.from({ length: 6 }, (_, i) => ({
    at: 120_000 + i * 40_000,
    kind: "crash",
    pick: 0,
    atLeader: true,
  }));
  const leaves: FleetEvent[] = Array.from({ length: 6 }, (_, i) => ({
    at: 120_000 + i * 40_000,
    kind: "leave",
    pick: 5 * i + 1,
  }));
  const run = (events: FleetEvent[]) =>
    runFleet({
      leases: 64,
      splits: 3,
      keyGroups: 128,
      splitAt: 60_000,
      store: new MemoryLeaseStore(),
      clock: new VirtualClock(0),
      joins: Array.from({ length: 64 }, (_, i) => Math.floor((i * 10_000) / 64)),
      events,
      settleMs: 60_000,
    });
  const worker = await run(crashes);
  const leader = await run(leaderCrashes);
  const graceful = await run(leaves);
  const line = (label: string, values: number[]) =>
    console.log(
      `    ${label.padEnd(34)} n=${String(values.length).padStart(2)}  median ${fixed(median(values) / 1000, 1)} s  max ${fixed(Math.max(...values) / 1000, 1)} s  (median / target ${fixed(median(values) / FAILOVER_TARGET_MS)}, max / target ${fixed(Math.max(...values) / FAILOVER_TARGET_MS)})`,
    );
  console.log(
    `\n(b) Failover in the simulated fleet (64 workers, 64 leases, defaults: failover time ${LEASE_DEFAULTS.failoverTimeMs / 1000} s, poll ${LEASE_DEFAULTS.pollIntervalMs / 1000} s), target ≤ ${FAILOVER_TARGET_MS / 1000} s`,
  );
  line("a worker crashes", worker.failovers);
  line("the leader crashes", leader.failovers);
  console.log(
    `    a worker leaves gracefully:        n=${String(graceful.handoverGaps.length).padStart(2)}  median ${fixed(median(graceful.handoverGaps) / 1000, 2)} s  max ${fixed(Math.max(...graceful.handoverGaps) / 1000, 2)} s without a running holder`,
  );
}

console.log(`lease-traffic.bench: node ${process.version}`);
await traffic();
await checkpointTraffic();
await failover();
