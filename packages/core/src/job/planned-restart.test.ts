import { describe, expect, test } from "vitest";
import { MemoryCheckpointStore } from "../checkpoint/memory-store.ts";
import { holderOf, type Lease } from "../cluster/lease.ts";
import { MemoryLeaseStore } from "../cluster/memory-lease-store.ts";
import { generatorSource } from "../io/generator-source.ts";
import { silentLogger } from "../logging/logger.ts";
import { pipeline } from "../pipeline.ts";
import { eventually } from "../testing/eventually.ts";
import { leaseChange } from "./planned-restart.ts";
import { checkpointToPosition } from "./published-state.ts";
import { countingSink, FAST, tickCounts } from "./test-support/tick-counts.ts";

const lease = (leaseKey: string): Lease => ({
  leaseKey,
  leaseOwner: "w",
  leaseCounter: 1,
  checkpoint: undefined,
  checkpointSubSequenceNumber: undefined,
  parentShardIds: [],
  ownerSwitchesSinceCheckpoint: 0,
  checkpointOwner: undefined,
  keyGroups: [],
  throughput: undefined,
});
const none = new Set<string>();

describe("leaseChange", () => {
  const p = (...keys: string[]) => keys.map(lease);

  test("the same leases, nothing to hand off or end: no change", () => {
    expect(leaseChange({ reading: p("a", "b"), held: p("a", "b"), handoffs: none, ends: none })).toBe(
      undefined,
    );
  });

  test("acquiring, handing off and ending are planned", () => {
    expect(leaseChange({ reading: p("a"), held: p("a", "b"), handoffs: none, ends: none })).toEqual({
      planned: true,
      reason: "acquired b",
    });
    expect(
      leaseChange({
        reading: p("a", "b"),
        held: p("a", "b"),
        handoffs: new Set(["b"]),
        ends: new Set(["a"]),
      }),
    ).toEqual({ planned: true, reason: "handing off b; read to its end a" });
  });

  test("a lost lease is not planned, whatever else changed", () => {
    expect(
      leaseChange({ reading: p("a", "b"), held: p("b", "c"), handoffs: new Set(["b"]), ends: none }),
    ).toEqual({ planned: false, reason: "lost a" });
  });
});

test("workers that acquire leases, hand them off and leave gracefully write every window result exactly once", async () => {
  const expected = new Map<string, number>();
  const reference = tickCounts("planned", { store: new MemoryCheckpointStore() });
  reference.counts.sink(countingSink(new Map(), expected));
  await reference.job.run();

  const leases = new MemoryLeaseStore();
  const store = new MemoryCheckpointStore();
  const writes = new Map<string, number>();
  const results = new Map<string, number>();
  const worker = (workerId: string) => {
    const { job, counts } = tickCounts("planned", {
      store,
      ratePerSecond: 10_000,
      cluster: { leases, workerId, ...FAST },
    });
    counts.sink(countingSink(writes, results));
    return { job, running: job.run() };
  };
  const holders = async () => (await leases.snapshot()).leases.map(holderOf);

  const a = worker("a");
  const b = worker("b");
  await eventually(
    async () => {
      const table = (await leases.snapshot()).leases;
      const held = await holders();
      return (
        table.length === 4 &&
        table.every((l) => l.checkpoint !== undefined) &&
        writes.size > 0 &&
        held.includes("a") &&
        held.includes("b")
      );
    },
    { what: "a and b to share the splits, publish each and write results", timeoutMs: 10_000 },
  );
  // a leaves: its pipeline stops at a published checkpoint and b acquires its leases, restarting
  // the splits it keeps at a checkpoint too.
  await a.job.stop({ savepoint: true });
  expect((await a.running).outcome).toBe("stopped");
  await eventually(async () => (await holders()).every((h) => h === "b" || h === undefined), {
    what: "b to take over a's splits",
  });
  // c joins: the leader (b) hands splits over to it.
  const c = worker("c");
  expect((await Promise.all([b.running, c.running])).map((o) => o.outcome)).toEqual(["finished", "finished"]);

  const twice = [...writes].filter(([, n]) => n !== 1);
  expect(twice).toEqual([]);
  expect(new Map([...results].sort())).toEqual(new Map([...expected].sort()));
  // The restarts left no named savepoint behind: they are plain checkpoints, dropped in time.
  for (const stream of await store.jobs()) expect(await store.savepoints(stream)).toEqual([]);
});

test("a graceful stop stops the pipeline exactly at the checkpoint it publishes: the sink saw exactly the records before the published position", async () => {
  const leases = new MemoryLeaseStore();
  let written = 0;
  const job = pipeline("exact-stop", {
    // No periodic checkpoint before the stop: the one published is the stop's own.
    checkpoints: { every: 3_600_000, store: new MemoryCheckpointStore() },
    cluster: { leases, workerId: "a", ...FAST },
    logger: silentLogger,
    stopOnSignals: false,
  });
  job
    .source(generatorSource({ partitions: 1, batchSize: 50, ratePerSecond: 20_000, generate: (i) => i }))
    .sink({
      name: "counting",
      write(values) {
        written += values.length;
      },
    });
  const running = job.run();
  await eventually(() => written > 1_000, { what: "the worker to read a thousand records" });
  await job.stop({ savepoint: true });
  expect((await running).outcome).toBe("stopped");
  const lease = (await leases.readLease("partition-0"))!;
  // Released (the worker left) with the position of the last record its sink wrote: not one
  // more was read or written after the checkpoint, so a new owner writes nothing twice.
  expect(lease.leaseOwner).toBe(undefined);
  expect(checkpointToPosition(lease.leaseKey, lease.checkpoint!).position).toBe(written);
});
