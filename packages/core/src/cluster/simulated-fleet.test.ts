import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { VirtualClock } from "../time/clock.ts";
import { LEASE_DEFAULTS } from "./lease-defaults.ts";
import type { LeaseStore } from "./lease-store.ts";
import { MemoryLeaseStore } from "./memory-lease-store.ts";
import { type FleetEvent, runFleet } from "./testing/simulated-fleet.ts";

// runFleet checks the invariants at every step and throws a FleetViolation naming the first that
// broke; these tests choose the fleets and what happens to them.

const FLEET = { leases: 64, splits: 3, keyGroups: 128, splitAt: 60_000 };
const BOUND = LEASE_DEFAULTS.failoverTimeMs + 2 * LEASE_DEFAULTS.assignmentIntervalMs;
const spread = (workers: number, windowMs: number) =>
  Array.from({ length: workers }, (_, i) => Math.floor((i * windowMs) / workers));

const eventArbitrary = (from: number, to: number): fc.Arbitrary<FleetEvent> =>
  fc.record({
    at: fc.integer({ min: from, max: to }),
    kind: fc.constantFrom<FleetEvent["kind"][]>("join", "crash", "leave", "pause", "restart"),
    pick: fc.nat({ max: 1_000 }),
    pauseMs: fc.integer({ min: 1_000, max: 30_000 }),
    atLeader: fc.boolean(),
  });

describe("a simulated fleet of 64 workers on 64 leases (3 of them split into 2 children) and 128 key groups", () => {
  test("survives crashes (the leader's too), pauses, graceful leaves, joins and restarts, and converges", async () => {
    const events: FleetEvent[] = [
      { at: 20_000, kind: "crash", pick: 5 },
      { at: 21_000, kind: "crash", pick: 17 },
      { at: 30_000, kind: "crash", pick: 0, atLeader: true },
      { at: 45_000, kind: "pause", pick: 9, pauseMs: 25_000 },
      { at: 50_000, kind: "pause", pick: 33, pauseMs: 4_000 },
      { at: 55_000, kind: "leave", pick: 40 },
      { at: 56_000, kind: "leave", pick: 0, atLeader: true },
      { at: 70_000, kind: "join", pick: 0 },
      { at: 71_000, kind: "join", pick: 0 },
      { at: 80_000, kind: "restart", pick: 0 },
      { at: 90_000, kind: "pause", pick: 12, pauseMs: 30_000 },
      { at: 95_000, kind: "restart", pick: 1 },
      { at: 100_000, kind: "crash", pick: 3 },
    ];
    const report = await runFleet({
      ...FLEET,
      store: new MemoryLeaseStore(),
      clock: new VirtualClock(0),
      joins: spread(64, 10_000),
      events,
      settleMs: 120_000,
    });
    expect(report.events).toEqual({ join: 66, crash: 4, leave: 2, pause: 3, restart: 2 });
    // Each crashed worker held a lease, and each came back within the bound.
    expect(report.failovers.length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...report.failovers)).toBeLessThanOrEqual(BOUND);
    // Two pauses outlasted the failover time (one of them restarted meanwhile): both zombies refused.
    expect(report.zombiesRefused).toBe(2);
    expect(report.maxMovesInRound).toBe(LEASE_DEFAULTS.maxMovesPerRound);
    expect(report.finalCounts).toHaveLength(61);
  }, 120_000);

  test("random schedules of joins, crashes, pauses, leaves and restarts (fast-check, seeded)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 15_000 }), { minLength: 64, maxLength: 64 }),
        fc.array(eventArbitrary(12_000, 150_000), { minLength: 5, maxLength: 25 }),
        async (joins, events) => {
          await runFleet({
            ...FLEET,
            store: new MemoryLeaseStore(),
            clock: new VirtualClock(0),
            joins,
            events,
            settleMs: 120_000,
          });
        },
      ),
      { seed: 150_064, numRuns: 4, endOnFailure: true },
    );
  }, 300_000);
});

describe("small simulated fleets (8 workers, 16 leases, 2 splits)", () => {
  test("random schedules, many of them (fast-check, seeded)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 8_000 }), { minLength: 8, maxLength: 8 }),
        fc.array(eventArbitrary(10_000, 90_000), { minLength: 3, maxLength: 15 }),
        async (joins, events) => {
          await runFleet({
            leases: 16,
            splits: 2,
            keyGroups: 32,
            splitAt: 40_000,
            store: new MemoryLeaseStore(),
            clock: new VirtualClock(0),
            joins,
            events,
            settleMs: 90_000,
            minRunning: 2,
          });
        },
      ),
      { seed: 8_016, numRuns: 40, endOnFailure: true },
    );
  }, 300_000);
});

describe("the fleet's checks fail a lease subsystem that breaks an invariant", () => {
  /** `store` with some of its methods replaced. */
  const flawed = (store: MemoryLeaseStore, override: Partial<LeaseStore>): LeaseStore =>
    new Proxy(store, {
      get: (target, name) => {
        const replaced = override[name as keyof LeaseStore];
        if (replaced !== undefined) return replaced;
        const value: unknown = Reflect.get(target, name, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  const small = (store: LeaseStore, events: FleetEvent[]) =>
    runFleet({
      leases: 16,
      splits: 2,
      keyGroups: 32,
      splitAt: 40_000,
      store,
      clock: new VirtualClock(0),
      joins: spread(8, 5_000),
      events,
      settleMs: 60_000,
      minRunning: 2,
    });

  test("a publish fence that ignores counters: a zombie of a restarted worker passes it too", async () => {
    const inner = new MemoryLeaseStore();
    const store = flawed(inner, {
      publish: async (request) => {
        const { leases } = await inner.snapshot();
        const current = (key: string) => leases.find((l) => l.leaseKey === key)?.leaseCounter ?? -1;
        return inner.publish({
          ...request,
          leases: request.leases.map((l) => ({ ...l, leaseCounter: current(l.leaseKey) })),
        });
      },
    });
    const events: FleetEvent[] = [
      { at: 20_000, kind: "pause", pick: 1, pauseMs: 20_000 },
      { at: 21_000, kind: "restart", pick: 0 },
    ];
    await expect(small(store, events)).rejects.toThrow(/2 valid holders|published successfully/);
  }, 60_000);

  test("a snapshot that hides parents: children start before their parents finish", async () => {
    const inner = new MemoryLeaseStore();
    const store = flawed(inner, {
      snapshot: async () => {
        const snapshot = await inner.snapshot();
        return { ...snapshot, leases: snapshot.leases.map((lease) => ({ ...lease, parentShardIds: [] })) };
      },
    });
    await expect(small(store, [])).rejects.toThrow(
      /acquired child shard-\d+ before parent shard-\d+ finished/,
    );
  }, 60_000);

  test("reassignments that never land: a crashed worker's leases stay without a holder", async () => {
    const inner = new MemoryLeaseStore();
    const store = flawed(inner, {
      assignLease: async (leaseKey, request) => {
        const lease = await inner.readLease(leaseKey);
        if (lease?.leaseOwner === undefined) return inner.assignLease(leaseKey, request);
        return { ok: false, code: "counter", message: "flawed", lease };
      },
    });
    await expect(small(store, [{ at: 30_000, kind: "crash", pick: 2 }])).rejects.toThrow(
      /had no running holder for \d+ ms \(bound 20000 ms\)/,
    );
  }, 60_000);
});
