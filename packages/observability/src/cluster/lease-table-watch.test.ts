import { type LeaseStore, MemoryLeaseStore, pipeline, SHARD_END } from "@eddy/core";
import { Registry } from "prom-client";
import { describe, expect, test } from "vitest";
import { prometheusRegistry } from "../prometheus.ts";
import type { TableState } from "../views/view.ts";
import { watchLeaseTable } from "./lease-table-watch.ts";
import { workersViews } from "./workers-views.ts";

/** A table of four splits: a (the leader) holds p-0 and p-1, b holds p-2, p-3 is finished. */
async function tableOfTwoWorkers(): Promise<{ store: LeaseStore; incarnations: Record<string, number> }> {
  const store = new MemoryLeaseStore();
  for (const [leaseKey, keyGroups] of [
    ["p-0", [0, 4]],
    ["p-1", [1, 5]],
    ["p-2", [2, 6]],
    ["p-3", [3, 7]],
  ] as const) {
    await store.createLease({ leaseKey, keyGroups: [...keyGroups] });
  }
  const incarnations: Record<string, number> = {};
  for (const worker of ["a", "b"]) {
    const claim = await store.claimWorker({ worker, expectedCounter: 0 });
    if (!claim.ok) throw new Error(claim.message);
    incarnations[worker] = claim.worker.incarnation;
  }
  await store.acquireLeadership({ worker: "a", expectedCounter: 0 });
  const take = async (leaseKey: string, worker: string) => {
    const lease = (await store.readLease(leaseKey))!;
    const taken = await store.takeLease(leaseKey, {
      worker,
      incarnation: incarnations[worker]!,
      expectedCounter: lease.leaseCounter,
    });
    if (!taken.ok) throw new Error(taken.message);
    return taken.lease;
  };
  await take("p-0", "a");
  await take("p-1", "a");
  await take("p-2", "b");
  const p3 = await take("p-3", "b");
  await store.releaseLease("p-3", { worker: "b", expectedCounter: p3.leaseCounter, checkpoint: SHARD_END });
  return { store, incarnations };
}

describe("watchLeaseTable", () => {
  test("shows every worker's leases and key groups, and the leader", async () => {
    const { store } = await tableOfTwoWorkers();
    const watch = watchLeaseTable(store);
    await watch.refresh();
    watch.stop();
    expect(watch.reading().workers).toEqual([
      { workerId: "a", leader: true, leases: ["p-0", "p-1"], keyGroups: 4, throughput: 0 },
      { workerId: "b", leader: false, leases: ["p-2"], keyGroups: 2, throughput: 0 },
    ]);
  });

  test("counts a graceful handoff as a handoff and a leader's assignment away from a holder as a failover", async () => {
    const { store, incarnations } = await tableOfTwoWorkers();
    const watch = watchLeaseTable(store);
    await watch.refresh();
    const leader = { worker: "a", token: (await store.readLeader()).token };
    // p-1 moves from a to b gracefully: the handoff is seen pending, then done.
    const p1 = (await store.readLease("p-1"))!;
    await store.startHandoff("p-1", { leader, expectedCounter: p1.leaseCounter, to: "b" });
    await watch.refresh();
    const pending = (await store.readLease("p-1"))!;
    await store.releaseLease("p-1", { worker: "a", expectedCounter: pending.leaseCounter });
    const released = (await store.readLease("p-1"))!;
    await store.takeLease("p-1", {
      worker: "b",
      incarnation: incarnations.b!,
      expectedCounter: released.leaseCounter,
    });
    await watch.refresh();
    expect(watch.reading()).toMatchObject({ handoffs: 1, failovers: 0 });
    // p-2's holder b is taken for dead: the leader gives it to a.
    const p2 = (await store.readLease("p-2"))!;
    await store.assignLease("p-2", { leader, expectedCounter: p2.leaseCounter, to: "a" });
    await watch.refresh();
    watch.stop();
    expect(watch.reading()).toMatchObject({ handoffs: 1, failovers: 1 });
  });

  test("exports the whole job's workers and leases as eddy_cluster_* metrics", async () => {
    const { store } = await tableOfTwoWorkers();
    const watch = watchLeaseTable(store);
    await watch.refresh();
    watch.stop();
    const job = pipeline("fx");
    const text = await prometheusRegistry(job, { leases: watch, registry: new Registry() }).metrics();
    for (const line of [
      'eddy_cluster_workers{job_name="fx"} 2',
      'eddy_cluster_leader{job_name="fx",worker="a"} 1',
      'eddy_cluster_worker_leases{job_name="fx",worker="a"} 2',
      'eddy_cluster_worker_leases{job_name="fx",worker="b"} 1',
      'eddy_cluster_worker_key_groups{job_name="fx",worker="a"} 4',
      'eddy_cluster_lease_holder{job_name="fx",lease="p-2",worker="b"} 1',
      'eddy_cluster_leases{job_name="fx",state="held"} 3',
      'eddy_cluster_leases{job_name="fx",state="finished"} 1',
      'eddy_cluster_handoffs_total{job_name="fx"} 0',
      'eddy_cluster_failovers_total{job_name="fx"} 0',
    ]) {
      expect(text).toContain(line);
    }
  });

  test("the dashboard's workers and leases views", async () => {
    const { store } = await tableOfTwoWorkers();
    const watch = watchLeaseTable(store);
    await watch.refresh();
    watch.stop();
    const [workers, leases] = workersViews(watch);
    expect(workers!.state()).toEqual({
      kind: "table",
      rows: [
        expect.objectContaining({
          worker: "a",
          role: "leader",
          leases: 2,
          splits: "p-0 p-1",
          "key groups": 4,
        }),
        expect.objectContaining({ worker: "b", role: "worker", leases: 1, splits: "p-2", "key groups": 2 }),
      ],
    });
    const { rows } = leases!.state() as TableState;
    const states = rows.map((r) => [r.split, r.holder, r.state]);
    expect(states).toEqual([
      ["p-0", "a", "held"],
      ["p-1", "a", "held"],
      ["p-2", "b", "held"],
      ["p-3", "—", "finished"],
    ]);
    // Nothing changed since: nothing to send.
    expect(workers!.changesSince(workers!.version)).toBeUndefined();
  });
});
