import { describe, expect, test } from "vitest";
import { silentLogger } from "../logging/logger.ts";
import { VirtualClock } from "../time/clock.ts";
import { holderOf, SHARD_END } from "./lease.ts";
import { LeaseCoordinator, type LeaseCoordinatorOptions } from "./lease-coordinator.ts";
import { LEASE_DEFAULTS } from "./lease-defaults.ts";
import type { LeaseEvent } from "./lease-events.ts";
import type { LeaseStore } from "./lease-store.ts";
import { MemoryLeaseStore } from "./memory-lease-store.ts";
import { advance } from "./testing/advance.ts";

interface Logged {
  readonly at: number;
  readonly worker: string;
  readonly event: LeaseEvent;
}

/** Coordinators on one virtual clock and store, with every event they emit. */
function fleet(store: LeaseStore = new MemoryLeaseStore()) {
  const clock = new VirtualClock(0);
  const coordinators: LeaseCoordinator[] = [];
  const log: Logged[] = [];
  const add = (workerId: string, options: Partial<LeaseCoordinatorOptions> = {}) => {
    const coordinator = new LeaseCoordinator({ store, workerId, clock, logger: silentLogger, ...options });
    coordinator.events.subscribe((event) => log.push({ at: clock.now(), worker: workerId, event }));
    coordinators.push(coordinator);
    return coordinator;
  };
  const run = (to: number) => advance({ clock, coordinators: () => coordinators, to, step: 250 });
  const of = (type: LeaseEvent["type"], worker?: string) =>
    log.filter((l) => l.event.type === type && (worker === undefined || l.worker === worker));
  return { store, clock, add, run, log, of };
}

const keysOf = (coordinator: LeaseCoordinator) =>
  coordinator
    .held()
    .map((h) => h.lease.leaseKey)
    .sort();

describe("LeaseCoordinator", () => {
  test("a lone worker becomes the leader and takes every lease, each with an acquired event", async () => {
    const f = fleet();
    for (const key of ["s0", "s1", "s2"]) await f.store.createLease({ leaseKey: key });
    const a = f.add("a");
    await a.start();
    expect(a.isLeader).toBe(true);
    await f.run(10_000);
    expect(keysOf(a)).toEqual(["s0", "s1", "s2"]);
    expect(
      f
        .of("acquired")
        .map((l) => (l.event as { lease: { leaseKey: string } }).lease.leaseKey)
        .sort(),
    ).toEqual(["s0", "s1", "s2"]);
    // It waited two polls for others to show up, not more.
    const firstTake = Math.min(...f.of("acquired").map((l) => l.at));
    expect(firstTake).toBeGreaterThanOrEqual(2 * LEASE_DEFAULTS.pollIntervalMs);
    expect(firstTake).toBeLessThanOrEqual(3 * LEASE_DEFAULTS.pollIntervalMs);
  });

  test("workers started together share the leases from the first assignment, without handoffs", async () => {
    const f = fleet();
    for (let i = 0; i < 8; i++) await f.store.createLease({ leaseKey: `s${i}` });
    const a = f.add("a");
    await a.start();
    // The second process claims its record a little later, as a slower start-up would.
    await f.run(700);
    const b = f.add("b");
    await b.start();
    await f.run(20_000);
    expect(keysOf(a)).toHaveLength(4);
    expect(keysOf(b)).toHaveLength(4);
    expect(f.of("handoffStarted")).toEqual([]);
    // b proved itself alive by its first polls' heartbeats, not a renewal interval later.
    const lastTake = Math.max(...f.of("acquired").map((l) => l.at));
    expect(lastTake).toBeLessThanOrEqual(700 + 4 * LEASE_DEFAULTS.pollIntervalMs);
    await a.stop();
    await b.stop();
    await a.stop();
  });

  test("a joining worker gets its share by graceful handoffs, at most maxMovesPerRound per round", async () => {
    const f = fleet();
    for (let i = 0; i < 8; i++) await f.store.createLease({ leaseKey: `s${i}` });
    const a = f.add("a");
    await a.start();
    await f.run(10_000);
    expect(keysOf(a)).toHaveLength(8);
    // The runtime of a: on a handoff request it checkpoints and releases.
    a.events.subscribe((event) => {
      if (event.type === "handoffRequested")
        void a.release(event.lease.leaseKey, { checkpoint: `a-final-${event.lease.leaseKey}` });
    });
    const b = f.add("b");
    await b.start();
    await f.run(60_000);
    expect(keysOf(a)).toHaveLength(4);
    expect(keysOf(b)).toHaveLength(4);
    const starts = f.of("handoffStarted");
    expect(starts).toHaveLength(4);
    const perRound = new Map<number, number>();
    for (const { event } of starts)
      if (event.type === "handoffStarted") perRound.set(event.round, (perRound.get(event.round) ?? 0) + 1);
    expect(Math.max(...perRound.values())).toBe(LEASE_DEFAULTS.maxMovesPerRound);
    // b started each lease from the position a released it with.
    for (const { event } of f.of("acquired", "b")) {
      if (event.type === "acquired") expect(event.lease.checkpoint).toBe(`a-final-${event.lease.leaseKey}`);
    }
    expect(f.of("lost")).toEqual([]);
    await a.stop();
    await b.stop();
  });

  test("a holder that ignores a handoff request loses the lease to the target after the handoff timeout", async () => {
    const f = fleet();
    for (let i = 0; i < 4; i++) await f.store.createLease({ leaseKey: `s${i}` });
    const a = f.add("a", { handoffTimeoutMs: 20_000 });
    await a.start();
    await f.run(10_000);
    const b = f.add("b", { handoffTimeoutMs: 20_000 });
    await b.start();
    await f.run(80_000);
    const timedOut = f
      .of("assigned")
      .filter((l) => l.event.type === "assigned" && l.event.reason === "handoff-timeout");
    expect(timedOut).toHaveLength(2);
    const started = f.of("handoffStarted")[0]!;
    expect(timedOut[0]!.at - started.at).toBeGreaterThanOrEqual(20_000);
    expect(timedOut[0]!.at - started.at).toBeLessThanOrEqual(20_000 + 2 * LEASE_DEFAULTS.pollIntervalMs);
    expect(f.of("lost", "a").length).toBe(2);
    expect(keysOf(b)).toHaveLength(2);
  });

  test("a child lease is assigned only after its parent was released with SHARD_END", async () => {
    const f = fleet();
    await f.store.createLease({ leaseKey: "parent", keyGroups: [0, 1] });
    await f.store.createLease({ leaseKey: "child-a", parentShardIds: ["parent"], keyGroups: [0] });
    await f.store.createLease({ leaseKey: "child-b", parentShardIds: ["parent"], keyGroups: [1] });
    const a = f.add("a");
    await a.start();
    await f.run(30_000);
    expect(keysOf(a)).toEqual(["parent"]);
    expect(await a.release("parent", { checkpoint: SHARD_END })).toBe(true);
    const releasedAt = f.clock.now();
    await f.run(40_000);
    expect(keysOf(a)).toEqual(["child-a", "child-b"]);
    const children = f
      .of("acquired")
      .filter((l) => l.event.type === "acquired" && l.event.lease.leaseKey.startsWith("child"));
    expect(Math.min(...children.map((l) => l.at))).toBeGreaterThan(releasedAt);
    expect((await f.store.readLease("parent"))?.checkpoint).toBe(SHARD_END);
  });

  test("stop({ leave: true }) releases the leases and marks the worker as left: the others take over at once", async () => {
    const f = fleet();
    for (let i = 0; i < 4; i++) await f.store.createLease({ leaseKey: `s${i}` });
    const a = f.add("a");
    const b = f.add("b");
    await a.start();
    await b.start();
    await f.run(20_000);
    expect(keysOf(a)).toHaveLength(2);
    const leftAt = f.clock.now();
    await a.stop({ leave: true });
    await f.run(25_000);
    expect(keysOf(b)).toHaveLength(4);
    const taken = f.of("acquired", "b").filter((l) => l.at > leftAt);
    expect(Math.max(...taken.map((l) => l.at)) - leftAt).toBeLessThanOrEqual(
      2 * LEASE_DEFAULTS.pollIntervalMs,
    );
    expect((await f.store.snapshot()).workers.find((w) => w.workerId === "a")?.left).toBe(true);
    await b.stop();
  });

  test("stop() without leaving keeps the leases under the worker's id: a restart takes them back", async () => {
    const f = fleet();
    for (let i = 0; i < 2; i++) await f.store.createLease({ leaseKey: `s${i}` });
    const a = f.add("a");
    await a.start();
    await f.run(10_000);
    await a.stop();
    expect((await f.store.snapshot()).leases.map(holderOf)).toEqual(["a", "a"]);
    const again = f.add("a");
    await again.start();
    expect(keysOf(again)).toEqual(["s0", "s1"]);
    await again.stop();
  });

  test("a holder that cannot reach the store gives its leases up after the lease duration, before anyone may take them", async () => {
    const inner = new MemoryLeaseStore();
    let broken = false;
    const failing = new Proxy(inner, {
      get: (target, name) => {
        const value: unknown = Reflect.get(target, name, target);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          if (broken) return Promise.reject(new Error("connection refused"));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const f = fleet(failing);
    await inner.createLease({ leaseKey: "s0" });
    const a = f.add("a");
    await a.start();
    await f.run(10_000);
    expect(keysOf(a)).toEqual(["s0"]);
    broken = true;
    const brokeAt = f.clock.now();
    await f.run(30_000);
    const lost = f.of("lost", "a")[0];
    expect(lost).toBeDefined();
    expect(lost!.at - brokeAt).toBeLessThanOrEqual(LEASE_DEFAULTS.leaseDurationMs);
    expect((lost!.event as { reason: string }).reason).toMatch(/not renewed for \d+ ms/);
    expect(a.isLeader).toBe(false);
  });

  test("a heartbeat whose answer was lost does not make the worker think it is superseded", async () => {
    const inner = new MemoryLeaseStore();
    let loseNextAnswer = false;
    const lossy = new Proxy(inner, {
      get: (target, name) => {
        const value: unknown = Reflect.get(target, name, target);
        if (typeof value !== "function") return value;
        if (name !== "heartbeat") return value.bind(target);
        return async (...args: Parameters<LeaseStore["heartbeat"]>) => {
          const answer = await target.heartbeat(...args);
          if (!loseNextAnswer) return answer;
          loseNextAnswer = false;
          throw new Error("connection reset");
        };
      },
    });
    const f = fleet(lossy);
    await inner.createLease({ leaseKey: "s0" });
    const a = f.add("a");
    await a.start();
    await f.run(10_000);
    loseNextAnswer = true;
    await f.run(30_000);
    expect(loseNextAnswer).toBe(false);
    expect(f.of("superseded")).toEqual([]);
    expect(keysOf(a)).toEqual(["s0"]);
  });

  test("a publish waits for a renewal in flight, so the renewal never makes it stale", async () => {
    const inner = new MemoryLeaseStore();
    let holdRenewal: Promise<void> | undefined;
    const slow = new Proxy(inner, {
      get: (target, name) => {
        const value: unknown = Reflect.get(target, name, target);
        if (typeof value !== "function") return value;
        if (name !== "renewLease") return value.bind(target);
        return async (...args: Parameters<LeaseStore["renewLease"]>) => {
          await holdRenewal;
          return target.renewLease(...args);
        };
      },
    });
    const f = fleet(slow);
    await inner.createLease({ leaseKey: "s0", keyGroups: [3] });
    const a = f.add("a");
    await a.start();
    await f.run(10_000);
    let release!: () => void;
    holdRenewal = new Promise((resolve) => {
      release = resolve;
    });
    // The next renewal starts and hangs; the publish is asked for meanwhile.
    f.clock.advanceTo(14_000);
    const published = a.publish({
      leases: [{ leaseKey: "s0", checkpoint: "p1" }],
      keyGroups: [{ keyGroup: 3, state: "kg" }],
    });
    await new Promise((resolve) => setImmediate(resolve));
    release();
    expect(await published).toEqual({ ok: true });
    expect((await inner.readLease("s0"))?.checkpoint).toBe("p1");
  });

  test("reportThroughput reaches the lease with the next renewal; a bad value is refused", async () => {
    const f = fleet();
    await f.store.createLease({ leaseKey: "s0" });
    const a = f.add("a");
    await a.start();
    await f.run(10_000);
    a.reportThroughput("s0", 1_250);
    await f.run(14_000);
    expect((await f.store.readLease("s0"))?.throughput).toBe(1_250);
    expect(() => a.reportThroughput("s0", -1)).toThrow(/throughput of "s0" must be a non-negative number/);
  });

  test("bad options and a second start are refused with the reason", async () => {
    const store = new MemoryLeaseStore();
    expect(() => new LeaseCoordinator({ store, workerId: "" })).toThrow(/non-empty workerId/);
    expect(
      () => new LeaseCoordinator({ store, workerId: "a", leaseDurationMs: 20_000, failoverTimeMs: 10_000 }),
    ).toThrow(/leaseDurationMs \(20000\) must not exceed failoverTimeMs \(10000\)/);
    expect(() => new LeaseCoordinator({ store, workerId: "a", maxMovesPerRound: 1.5 })).toThrow(
      /maxMovesPerRound must be a non-negative integer/,
    );
    const a = new LeaseCoordinator({
      store,
      workerId: "a",
      clock: new VirtualClock(0),
      logger: silentLogger,
    });
    await a.start();
    await expect(a.start()).rejects.toThrow(/already started/);
    await a.stop();
  });
});
