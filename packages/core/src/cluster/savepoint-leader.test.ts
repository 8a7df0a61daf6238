import { describe, expect, test } from "vitest";
import { silentLogger } from "../logging/logger.ts";
import { VirtualClock } from "../time/clock.ts";
import type { SavepointRequest } from "./job-savepoint.ts";
import { LeaseCoordinator } from "./lease-coordinator.ts";
import { LEASE_DEFAULTS } from "./lease-defaults.ts";
import type { LeaseEvent } from "./lease-events.ts";
import { MemoryLeaseStore } from "./memory-lease-store.ts";
import { advance } from "./testing/advance.ts";

/** Workers on one virtual clock sharing 6 leases (s0..s5), each lease carrying one key group. */
async function fleet(workers: readonly string[]) {
  const store = new MemoryLeaseStore();
  const clock = new VirtualClock(0);
  for (let i = 0; i < 6; i++) await store.createLease({ leaseKey: `s${i}`, keyGroups: [i] });
  const events: { worker: string; event: LeaseEvent }[] = [];
  const coordinators = new Map<string, LeaseCoordinator>();
  const add = async (workerId: string) => {
    const coordinator = new LeaseCoordinator({ store, workerId, clock, logger: silentLogger });
    coordinator.events.subscribe((event) => events.push({ worker: workerId, event }));
    coordinators.set(workerId, coordinator);
    await coordinator.start();
    return coordinator;
  };
  for (const worker of workers) await add(worker);
  const live = () => [...coordinators.values()];
  const run = (ms: number, afterStep?: () => Promise<void>) =>
    advance({ clock, coordinators: live, to: clock.now() + ms, step: 250, afterStep });
  /** What a worker's pipeline does on a pending request: publishes its held leases tagged with it. */
  const savepointHeld = async (worker: string, request: SavepointRequest) => {
    const coordinator = coordinators.get(worker)!;
    const held = coordinator.held().map((h) => h.lease);
    if (held.length === 0) return;
    const published = await coordinator.publish({
      leases: held.map((lease) => ({ leaseKey: lease.leaseKey, checkpoint: `${lease.leaseKey}@${worker}` })),
      keyGroups: held.flatMap((lease) =>
        lease.keyGroups.map((keyGroup) => ({ keyGroup, state: { by: worker } })),
      ),
      savepoint: request.id,
    });
    expect(published.ok).toBe(true);
  };
  return { store, clock, events, coordinators, add, run, savepointHeld };
}

const heldBy = (coordinator: LeaseCoordinator) => coordinator.held().map((h) => h.lease.leaseKey);

describe("savepoints of the whole job, led by the leader", () => {
  test("the leader completes a request once every unfinished lease is staged; every worker is told", async () => {
    const f = await fleet(["a", "b", "c"]);
    await f.run(10_000);
    expect([...f.coordinators.values()].map((c) => heldBy(c).length)).toEqual([2, 2, 2]);
    const asked = await f.store.requestSavepoint({ name: "sp", stop: false });
    if (!asked.ok) throw new Error(asked.message);
    await f.run(1_000);
    // Every worker heard of it; nothing is complete while nobody staged.
    expect(
      f.events
        .filter((e) => e.event.type === "savepoint")
        .map((e) => e.worker)
        .sort(),
    ).toEqual(["a", "b", "c"]);
    expect((await f.store.readSavepointRequest())?.state).toBe("pending");
    await f.savepointHeld("a", asked.request);
    await f.savepointHeld("b", asked.request);
    await f.run(2_000);
    expect((await f.store.readSavepointRequest())?.state).toBe("pending");
    await f.savepointHeld("c", asked.request);
    await f.run(2 * LEASE_DEFAULTS.pollIntervalMs);
    expect((await f.store.readSavepointRequest())?.state).toBe("completed");
    const savepoint = await f.store.readJobSavepoint("sp");
    const holderOf = new Map(
      [...f.coordinators].flatMap(([worker, c]) => heldBy(c).map((key) => [key, worker])),
    );
    expect(savepoint?.leases.map((l) => [l.leaseKey, l.checkpoint])).toEqual(
      ["s0", "s1", "s2", "s3", "s4", "s5"].map((key) => [key, `${key}@${holderOf.get(key)}`]),
    );
    expect([...(savepoint?.keyGroups ?? [])].map(([group, p]) => [group, p.state])).toEqual(
      [0, 1, 2, 3, 4, 5].map((group) => [group, { by: holderOf.get(`s${group}`) }]),
    );
    const told = f.events.filter(
      (e) => e.event.type === "savepoint" && e.event.request.state === "completed",
    );
    expect(told.map((e) => e.worker).sort()).toEqual(["a", "b", "c"]);
  });

  test("no lease moves by handoff while a request is pending; a worker that dies mid-savepoint has its leases failed over and savepointed by their new holder", async () => {
    const f = await fleet(["a"]);
    await f.run(10_000);
    expect(heldBy(f.coordinators.get("a")!)).toHaveLength(6);
    const asked = await f.store.requestSavepoint({ name: "sp", stop: false });
    if (!asked.ok) throw new Error(asked.message);
    await f.run(1_000);
    // b joins during the savepoint: the leader would hand it half of a's leases, but holds that.
    const b = await f.add("b");
    await f.run(3 * LEASE_DEFAULTS.assignmentIntervalMs);
    expect(f.events.filter((e) => e.event.type === "handoffStarted")).toEqual([]);
    expect(heldBy(b)).toEqual([]);
    await f.savepointHeld("a", asked.request);
    await f.run(2 * LEASE_DEFAULTS.pollIntervalMs);
    expect((await f.store.readSavepointRequest())?.state).toBe("completed");
    // A second savepoint; a crashes before it savepoints (stops without leaving). Its leases fail
    // over to b during the request, and b savepoints them as their new holder.
    const second = await f.store.requestSavepoint({ name: "sp2", stop: false });
    if (!second.ok) throw new Error(second.message);
    await f.run(500);
    await f.coordinators.get("a")!.stop();
    f.coordinators.delete("a");
    expect(heldBy(b)).toEqual([]);
    await f.run(LEASE_DEFAULTS.failoverTimeMs + 5_000, async () => {
      const request = await f.store.readSavepointRequest();
      if (request?.state === "pending" && heldBy(b).length === 6) await f.savepointHeld("b", second.request);
    });
    expect(b.isLeader).toBe(true);
    expect(heldBy(b)).toHaveLength(6);
    expect((await f.store.readSavepointRequest())?.state).toBe("completed");
    expect((await f.store.readJobSavepoint("sp2"))?.leases.map((l) => l.checkpoint)).toEqual(
      ["s0", "s1", "s2", "s3", "s4", "s5"].map((key) => `${key}@b`),
    );
    await b.stop();
  });

  test("a request not complete within the savepoint timeout fails with the leases nobody staged", async () => {
    const f = await fleet(["a", "b"]);
    await f.run(10_000);
    const asked = await f.store.requestSavepoint({ name: "sp", stop: true });
    if (!asked.ok) throw new Error(asked.message);
    const second = await f.store.requestSavepoint({ name: "other", stop: false });
    expect(second.ok).toBe(false);
    await f.run(1_000);
    await f.savepointHeld("a", asked.request);
    await f.run(LEASE_DEFAULTS.savepointTimeoutMs - 3_000);
    expect((await f.store.readSavepointRequest())?.state).toBe("pending");
    await f.run(3_000 + 2 * LEASE_DEFAULTS.pollIntervalMs);
    const failed = await f.store.readSavepointRequest();
    expect(failed?.state).toBe("failed");
    for (const key of heldBy(f.coordinators.get("b")!)) expect(failed?.message).toContain(key);
    expect(failed?.message).toContain("timed out after 60 s");
    expect(await f.store.readJobSavepoint("sp")).toBeUndefined();
    // The job may ask again.
    expect((await f.store.requestSavepoint({ name: "sp", stop: false })).ok).toBe(true);
  });
});
