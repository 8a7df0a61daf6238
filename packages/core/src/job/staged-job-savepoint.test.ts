import { describe, expect, test } from "vitest";
import { MemoryCheckpointStore } from "../checkpoint/memory-store.ts";
import { holderOf, SHARD_END } from "../cluster/lease.ts";
import { MemoryLeaseStore } from "../cluster/memory-lease-store.ts";
import { takeJobSavepoint } from "../cluster/take-job-savepoint.ts";
import { takeStagedJobSavepoint } from "../cluster/take-staged-job-savepoint.ts";
import { clicksPerPage, expectedCounts } from "../repartition/test-support/clicks-per-page.ts";
import { MemoryRepartitionChannel } from "../repartition/test-support/memory-channel.ts";
import { eventually } from "../testing/eventually.ts";
import type { ClusterOptions } from "./cluster-options.ts";
import type { StartFrom } from "./job-restore.ts";
import { FAST } from "./test-support/tick-counts.ts";

const expected = new Map([...expectedCounts()].filter(([field]) => !field.startsWith("/p22|")).sort());

/** The windows every worker wrote; a window two wrote (before and after the savepoint) has one count. */
function merged(written: readonly Map<string, number>[]): Map<string, number> {
  const results = new Map<string, number>();
  for (const [key, value] of written.flatMap((w) => [...w])) {
    expect([key, results.get(key) ?? value]).toEqual([key, value]);
    results.set(key, value);
  }
  return new Map([...results].sort());
}

describe("a savepoint of the whole job with a repartition", () => {
  test("taken with stop on two workers mid-run, on every stage's table; two new workers started from it write exactly the counts of a plain computation", async () => {
    // Every message stored twice: the restored readers' dedupe must also drop the retried puts.
    const channel = new MemoryRepartitionChannel(2, () => true);
    const store = new MemoryCheckpointStore();
    const leases = new MemoryLeaseStore();
    const stage1 = new MemoryLeaseStore();
    const cluster = (workerId: string): ClusterOptions => ({
      leases,
      workerId,
      ...FAST,
      repartition: { channel, stageLeases: () => stage1 },
    });
    const worker = (workerId: string, written: Map<string, number>, startFrom?: StartFrom) =>
      clicksPerPage(written, { store, ratePerSecond: 1_000, cluster: cluster(workerId), startFrom }).job;

    const before = [new Map<string, number>(), new Map<string, number>()];
    const first = [worker("worker-a", before[0]!), worker("worker-b", before[1]!)];
    const firstRuns = first.map((job) => job.run());
    try {
      await eventually(
        async () => {
          const [upstream, downstream] = await Promise.all([leases.snapshot(), stage1.snapshot()]);
          const published = [...upstream.leases, ...downstream.leases];
          return (
            upstream.leases.length === 4 &&
            downstream.leases.length === 2 &&
            published.every((l) => l.checkpoint !== undefined) &&
            new Set(upstream.leases.map(holderOf)).size === 2
          );
        },
        { what: "both workers to read and publish in both stages", timeoutMs: 10_000 },
      );
    } catch (error) {
      await Promise.all(first.map((job) => job.stop()));
      throw error;
    }
    // One worker's savepoint is refused, pointing to the whole job's.
    await expect(first[0]!.savepoint("one-worker")).rejects.toThrow(
      'job "clicks-per-page" repartitions, so one worker cannot take its savepoint: take a savepoint of the whole job on every stage\'s lease table (eddy savepoint clicks-per-page --store redis://…, or takeStagedJobSavepoint) and start it again with startFrom: { savepoint }',
    );
    const savepoints = await takeStagedJobSavepoint([leases, stage1], {
      name: "mid-run",
      stop: true,
      pollIntervalMs: 20,
    });
    expect((await Promise.all(firstRuns)).map((r) => r.outcome)).toEqual(["stopped", "stopped"]);
    expect(savepoints.map((s) => s.name)).toEqual(["mid-run", "mid-run"]);
    expect(savepoints[0]!.leases.map((l) => l.leaseKey)).toEqual([
      "partition-0",
      "partition-1",
      "partition-2",
      "partition-3",
    ]);
    expect(savepoints[1]!.leases.map((l) => l.leaseKey)).toEqual(["shard-0", "shard-1"]);
    // Stopped mid-run: no upstream split was read to its end, and every window is still to come
    // (the watermark allows 10 s of disorder, more than the clicks span): the counts after the
    // restore start from the window state and dedupe state in stage 1's savepoint.
    expect(savepoints[0]!.leases.every((l) => l.checkpoint !== SHARD_END)).toBe(true);
    expect(merged(before).size).toBeLessThan(expected.size);

    const after = [new Map<string, number>(), new Map<string, number>()];
    const restored = [
      worker("worker-c", after[0]!, { savepoint: "mid-run" }),
      worker("worker-d", after[1]!, { savepoint: "mid-run" }),
    ];
    // The input is bounded: the restored job ends by itself.
    const outcomes = await Promise.all(restored.map((job) => job.run()));
    expect(outcomes.map((r) => r.outcome)).toEqual(["finished", "finished"]);
    expect(merged([...before, ...after])).toEqual(expected);
    // The restored workers wrote what was left, no window twice with another count (merged checks).
    expect(merged(after).size).toBeGreaterThan(0);
  }, 30_000);

  test("taken without stop, restored after the job ran on to its end: the later stage waits for the restored upstream, not the finished table of the run before", async () => {
    const channel = new MemoryRepartitionChannel(2);
    const store = new MemoryCheckpointStore();
    const leases = new MemoryLeaseStore();
    const stage1 = new MemoryLeaseStore();
    const worker = (
      workerId: string,
      written: Map<string, number>,
      ratePerSecond: number,
      startFrom?: StartFrom,
    ) =>
      clicksPerPage(written, {
        store,
        ratePerSecond,
        startFrom,
        cluster: { leases, workerId, ...FAST, repartition: { channel, stageLeases: () => stage1 } },
      }).job;
    const everyLeaseFinished = async (table: MemoryLeaseStore) =>
      (await table.snapshot()).leases.every((l) => l.checkpoint === SHARD_END);

    const first = worker("worker-a", new Map(), 3_000);
    const running = first.run();
    await eventually(
      async () =>
        (await leases.snapshot()).leases.some((l) => l.checkpoint !== undefined) &&
        (await stage1.snapshot()).leases.some((l) => l.checkpoint !== undefined),
      { what: "both stages to publish" },
    );
    await takeStagedJobSavepoint([leases, stage1], { name: "mid", pollIntervalMs: 20 });
    expect((await running).outcome).toBe("finished");
    expect(await everyLeaseFinished(leases)).toBe(true);

    // Restored slowly (a few seconds of input left), the upstream splits are not finished again
    // until their restored run has read them: the later stage must not end before they are.
    const again = new Map<string, number>();
    const restored = worker("worker-b", again, 500, { savepoint: "mid" });
    let endedEarly = false;
    let watching = true;
    // Stage 1's table is finished from the run before until its restore resets it.
    let stage1Restored = false;
    const watch = (async () => {
      while (watching) {
        const stage1Finished = await everyLeaseFinished(stage1);
        stage1Restored ||= !stage1Finished;
        if (stage1Restored && stage1Finished) endedEarly ||= !(await everyLeaseFinished(leases));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const outcome = await restored.run();
    watching = false;
    await watch;
    expect(outcome.outcome).toBe("finished");
    expect(endedEarly).toBe(false);
    expect(new Map([...again].sort())).toEqual(expected);
  }, 30_000);

  test("a savepoint taken on stage 0's table alone is refused at start in one line, before any table is reset", async () => {
    const channel = new MemoryRepartitionChannel(2);
    const store = new MemoryCheckpointStore();
    const leases = new MemoryLeaseStore();
    const stage1 = new MemoryLeaseStore();
    const worker = (workerId: string, startFrom?: StartFrom) =>
      clicksPerPage(new Map(), {
        store,
        ratePerSecond: 1_000,
        startFrom,
        cluster: { leases, workerId, ...FAST, repartition: { channel, stageLeases: () => stage1 } },
      }).job;
    const first = worker("worker-a");
    const running = first.run();
    await eventually(async () => (await leases.snapshot()).leases.some((l) => l.checkpoint !== undefined), {
      what: "stage 0 to publish",
    });
    await takeJobSavepoint(leases, { name: "stage-0-only", stop: true, pollIntervalMs: 20 });
    await first.stop();
    await running;
    const before = (await leases.snapshot()).revision;
    await expect(worker("worker-b", { savepoint: "stage-0-only" }).run()).rejects.toThrow(
      'job "clicks-per-page" cannot start from savepoint "stage-0-only": stage 1 (lease table memory) has no savepoint of that name — a savepoint of a job with a repartition is taken on every stage\'s table (eddy savepoint clicks-per-page --store redis://…, or takeStagedJobSavepoint), and a stage added since has none',
    );
    expect((await leases.snapshot()).revision).toBe(before);
  });
});
