import { describe, expect, test } from "vitest";
import { MemoryCheckpointStore } from "../checkpoint/memory-store.ts";
import { isFinished, SHARD_END } from "../cluster/lease.ts";
import { MemoryLeaseStore } from "../cluster/memory-lease-store.ts";
import { takeJobSavepoint } from "../cluster/take-job-savepoint.ts";
import { PipelineDefinitionError } from "../runtime/errors.ts";
import type { Sink } from "../runtime/sink.ts";
import { eventually } from "../testing/eventually.ts";
import type { TimeWindow, WindowResult } from "../windows/window.ts";
import type { ClusterOptions } from "./cluster-options.ts";
import type { StartFrom } from "./job-restore.ts";
import { FAST, tickCounts } from "./test-support/tick-counts.ts";

/** Window counts by `symbol|windowStart`; a result written again overwrites (an idempotent sink). */
function resultsSink(results: Map<string, number>): Sink<WindowResult<string, TimeWindow, number>> {
  return {
    name: "results",
    write(values) {
      for (const r of values) results.set(`${r.key}|${r.window.start}`, r.value);
    },
  };
}

function countsJob(
  results: Map<string, number>,
  options: {
    cluster?: ClusterOptions;
    store: MemoryCheckpointStore;
    ratePerSecond?: number;
    startFrom?: StartFrom;
  },
) {
  const { job, counts } = tickCounts("counts", options);
  counts.sink(resultsSink(results));
  return job;
}

const sorted = (map: Map<string, number>) => new Map([...map].sort());

describe("a savepoint of a job on several workers", () => {
  test("taken on two workers with stop, restored on one: together they write exactly what one process writes", async () => {
    const expected = new Map<string, number>();
    await countsJob(expected, { store: new MemoryCheckpointStore() }).run();
    const leases = new MemoryLeaseStore();
    const store = new MemoryCheckpointStore();
    const written = new Map<string, number>();
    const workers = ["a", "b"].map((workerId) =>
      countsJob(written, { store, ratePerSecond: 20_000, cluster: { leases, workerId, ...FAST } }),
    );
    const runs = workers.map((job) => job.run());
    await eventually(
      async () => {
        const { leases: table } = await leases.snapshot();
        return (
          table.length === 4 &&
          new Set(table.map((l) => l.leaseOwner)).size === 2 &&
          table.every((l) => l.checkpoint)
        );
      },
      { what: "both workers to read and publish" },
    );
    const savepoint = await takeJobSavepoint(leases, { name: "sp", stop: true, pollIntervalMs: 20 });
    expect((await Promise.all(runs)).map((o) => o.outcome)).toEqual(["stopped", "stopped"]);
    expect(savepoint.leases.map((l) => l.leaseKey)).toEqual([
      "partition-0",
      "partition-1",
      "partition-2",
      "partition-3",
    ]);
    expect(savepoint.leases.some((l) => l.checkpoint !== undefined && l.checkpoint !== SHARD_END)).toBe(true);
    // Both stopped workers left, so the restore need not wait for them.
    expect((await leases.snapshot()).workers.every((w) => w.left)).toBe(true);
    expect(written.size).toBeLessThan(expected.size);

    const solo = countsJob(written, {
      store,
      startFrom: { savepoint: "sp" },
      cluster: { leases, workerId: "solo", ...FAST },
    });
    expect((await solo.run()).outcome).toBe("finished");
    expect(sorted(written)).toEqual(sorted(expected));
  });

  test("restored after the job ran on to its end, the table goes back to the savepoint: the job reads again from there", async () => {
    const expected = new Map<string, number>();
    await countsJob(expected, { store: new MemoryCheckpointStore() }).run();
    const leases = new MemoryLeaseStore();
    const store = new MemoryCheckpointStore();
    const first = countsJob(new Map(), {
      store,
      ratePerSecond: 25_000,
      cluster: { leases, workerId: "a", ...FAST },
    });
    const running = first.run();
    await eventually(async () => (await leases.snapshot()).leases.some((l) => l.checkpoint !== undefined), {
      what: "a checkpoint published",
    });
    await takeJobSavepoint(leases, { name: "mid", pollIntervalMs: 20 });
    expect((await running).outcome).toBe("finished");
    expect((await leases.snapshot()).leases.every(isFinished)).toBe(true);

    const again = new Map<string, number>();
    const restarted = ["c", "d"].map((workerId) =>
      countsJob(again, { store, startFrom: { savepoint: "mid" }, cluster: { leases, workerId, ...FAST } }),
    );
    expect((await Promise.all(restarted.map((job) => job.run()))).map((o) => o.outcome)).toEqual([
      "finished",
      "finished",
    ]);
    // What the restored job wrote is part of the one-process results (windows after the savepoint).
    expect(again.size).toBeGreaterThan(0);
    for (const [key, value] of again) expect([key, value]).toEqual([key, expected.get(key)]);
  });

  test("a job cannot start from a savepoint while one of its workers runs, nor from one that does not exist", async () => {
    const leases = new MemoryLeaseStore();
    const store = new MemoryCheckpointStore();
    const running = countsJob(new Map(), {
      store,
      ratePerSecond: 5_000,
      cluster: { leases, workerId: "a", ...FAST },
    });
    const run = running.run();
    await eventually(async () => (await leases.snapshot()).leases.some((l) => l.checkpoint !== undefined), {
      what: "a checkpoint published",
    });
    await takeJobSavepoint(leases, { name: "sp", pollIntervalMs: 20 });
    const intruder = countsJob(new Map(), {
      store,
      startFrom: { savepoint: "sp" },
      cluster: { leases, workerId: "b", ...FAST },
    });
    await expect(intruder.run()).rejects.toThrow(
      /cannot start from savepoint "sp" while it runs: worker\(s\) "a"/,
    );
    const unknown = countsJob(new Map(), {
      store,
      startFrom: { savepoint: "nope" },
      cluster: { leases, workerId: "c", ...FAST },
    });
    await expect(unknown.run()).rejects.toThrow(PipelineDefinitionError);
    await expect(unknown.run()).rejects.toThrow(/no savepoint "nope".*it has "sp"/);
    await running.stop();
    await run;
  });
});
