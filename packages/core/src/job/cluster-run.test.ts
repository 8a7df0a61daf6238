import { describe, expect, test } from "vitest";
import { count } from "../aggregates/count.ts";
import { MemoryCheckpointStore } from "../checkpoint/memory-store.ts";
import { isFinished, type Lease } from "../cluster/lease.ts";
import type { LeaseStore } from "../cluster/lease-store.ts";
import { MemoryLeaseStore } from "../cluster/memory-lease-store.ts";
import { fromIterable } from "../io/from-iterable.ts";
import { generatorSource } from "../io/generator-source.ts";
import { silentLogger } from "../logging/logger.ts";
import { pipeline } from "../pipeline.ts";
import type { Sink } from "../runtime/sink.ts";
import { eventually } from "../testing/eventually.ts";
import { boundedOutOfOrderness } from "../watermarks/watermark-strategy.ts";
import { tumbling } from "../windows/assigners.ts";
import type { TimeWindow, WindowResult } from "../windows/window.ts";
import type { ClusterOptions } from "./cluster-options.ts";
import { checkpointToPosition } from "./published-state.ts";
import { bySymbol, FAST, type Tick, tickAt, tickCounts } from "./test-support/tick-counts.ts";

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
  options: { cluster?: ClusterOptions; store: MemoryCheckpointStore; ratePerSecond?: number },
) {
  const { job, counts } = tickCounts("counts", options);
  counts.sink(resultsSink(results));
  return job;
}

/** What a one-process run writes, and empty shared stores and result maps for two workers. */
async function twoWorkerSetting() {
  const expected = new Map<string, number>();
  await countsJob(expected, { store: new MemoryCheckpointStore() }).run();
  return {
    expected,
    leases: new MemoryLeaseStore(),
    store: new MemoryCheckpointStore(),
    written: [new Map<string, number>(), new Map<string, number>()] as const,
  };
}

describe("a job on several workers (cluster)", () => {
  test("two workers share the splits and together write exactly the results of one process", async () => {
    const { expected, leases, store, written } = await twoWorkerSetting();
    // Paced over about two seconds, so the second worker joins while the first reads and the
    // leader hands it half of the splits.
    const workers = ["worker-a", "worker-b"].map((workerId, i) =>
      countsJob(written[i]!, { store, ratePerSecond: 15_000, cluster: { leases, workerId, ...FAST } }),
    );
    const outcomes = await Promise.all(workers.map((job) => job.run()));

    expect(outcomes.map((o) => o.outcome)).toEqual(["finished", "finished"]);
    for (const results of written) expect(results.size).toBeGreaterThan(0);
    const results = new Map<string, number>();
    for (const [key, value] of written.flatMap((w) => [...w])) {
      // A window both wrote (replayed after a handoff) must have the same count from each.
      expect([key, results.get(key) ?? value]).toEqual([key, value]);
      results.set(key, value);
    }
    expect(new Map([...results].sort())).toEqual(new Map([...expected].sort()));
    const { leases: table } = await leases.snapshot();
    expect(table.map((l) => l.leaseKey)).toEqual([
      "partition-0",
      "partition-1",
      "partition-2",
      "partition-3",
    ]);
    expect(table.every(isFinished)).toBe(true);
  });

  test("a worker that joins mid-run is handed splits gracefully and continues them from their published state", async () => {
    const { expected, leases, store, written } = await twoWorkerSetting();
    const first = countsJob(written[0]!, {
      store,
      ratePerSecond: 6_000,
      cluster: { leases, workerId: "a", ...FAST },
    });
    const runs = [first.run()];
    await eventually(
      async () => {
        const table = (await leases.snapshot()).leases;
        return table.length === 4 && table.every((l) => l.checkpoint !== undefined);
      },
      { what: "worker a to publish a checkpoint of every split" },
    );
    const second = countsJob(written[1]!, {
      store,
      ratePerSecond: 6_000,
      cluster: { leases, workerId: "b", ...FAST },
    });
    runs.push(second.run());
    expect((await Promise.all(runs)).map((o) => o.outcome)).toEqual(["finished", "finished"]);

    expect(written[1]!.size).toBeGreaterThan(0);
    const results = new Map([...written[0]!, ...written[1]!]);
    for (const [key, value] of written[0]!)
      if (written[1]!.has(key)) expect([key, written[1]!.get(key)]).toEqual([key, value]);
    expect(new Map([...results].sort())).toEqual(new Map([...expected].sort()));
  });

  test("a worker whose lease was taken from it stops reading that split: its checkpoints no longer move the lease", async () => {
    const leases = new MemoryLeaseStore();
    const job = pipeline("zombie", {
      checkpoints: { every: 40, store: new MemoryCheckpointStore() },
      cluster: { leases, workerId: "a", ...FAST },
      logger: silentLogger,
      stopOnSignals: false,
    });
    job
      .source(
        generatorSource({ partitions: 2, partitionKey: bySymbol, ratePerSecond: 5_000, generate: tickAt }),
      )
      .withWatermarks(boundedOutOfOrderness(10_000), (t) => t.at)
      .keyBy(bySymbol)
      .window(tumbling(1_000))
      .aggregate(count())
      .sink(resultsSink(new Map()));
    const running = job.run();
    const checkpointOf = async (key: string) => (await leases.readLease(key))?.checkpoint;
    await eventually(
      async () =>
        (await checkpointOf("partition-0")) !== undefined &&
        (await checkpointOf("partition-1")) !== undefined,
      {
        what: "both splits published by worker a",
      },
    );

    // Another process takes partition-0 behind a's back (as after a's long pause).
    const thief = await leases.claimWorker({ worker: "thief", expectedCounter: 0 });
    if (!thief.ok) throw new Error(thief.message);
    const lease = (await leases.readLease("partition-0"))!;
    const taken = await leases.takeLease("partition-0", {
      worker: "thief",
      incarnation: thief.worker.incarnation,
      expectedCounter: lease.leaseCounter,
    });
    expect(taken.ok).toBe(true);
    const frozen = await checkpointOf("partition-0");
    // Two publishes of partition-1 after the theft: at least one from after a noticed it.
    for (let publishes = 0; publishes < 2; publishes++) {
      const before = await checkpointOf("partition-1");
      await eventually(async () => (await checkpointOf("partition-1")) !== before, {
        what: "worker a to go on publishing partition-1",
      });
    }
    expect(await checkpointOf("partition-0")).toBe(frozen);
    await job.stop();
    expect((await running).outcome).toBe("stopped");
    expect(await checkpointOf("partition-0")).toBe(frozen);
  });

  test("a worker restarted with its id takes its splits back and continues from their published state", async () => {
    const { expected, leases, store, written } = await twoWorkerSetting();
    const cluster = { leases, workerId: "a", ...FAST };
    const first = countsJob(written[0]!, { store, ratePerSecond: 6_000, cluster });
    const running = first.run();
    await eventually(
      async () => (await leases.snapshot()).leases.filter((l) => positionOf(l) > 9_000).length === 4,
      { what: "worker a to publish every split past a third of the input", timeoutMs: 15_000 },
    );
    await first.stop();
    expect((await running).outcome).toBe("stopped");
    const resumedAt = (await leases.snapshot()).leases.map((l) => positionOf(l));

    expect((await countsJob(written[1]!, { store, cluster }).run()).outcome).toBe("finished");
    // The restarted worker read on from where the first stopped, and its windows there count the
    // records before that point too: state, not only positions, was restored.
    for (const position of resumedAt) expect(position).toBeLessThan(30_000);
    expect(new Map([...written[0]!, ...written[1]!].sort())).toEqual(new Map([...expected].sort()));
  });

  test("a worker started after the job finished has nothing left to do", async () => {
    const leases = new MemoryLeaseStore();
    const store = new MemoryCheckpointStore();
    const results = new Map<string, number>();
    await countsJob(results, { store, cluster: { leases, workerId: "worker-a", ...FAST } }).run();
    const late = new Map<string, number>();
    const outcome = await countsJob(late, {
      store,
      cluster: { leases, workerId: "worker-b", ...FAST },
    }).run();
    expect(outcome.outcome).toBe("finished");
    expect(late.size).toBe(0);
    expect(results.size).toBeGreaterThan(0);
  });

  describe("refuses at start, in one line, what cannot run on several workers", () => {
    const cluster = (): ClusterOptions => ({ leases: new MemoryLeaseStore(), workerId: "w", ...FAST });
    const store = new MemoryCheckpointStore();
    const run = async (
      build: (job: ReturnType<typeof pipeline>) => void,
      options: { checkpoints?: boolean } = {},
    ) => {
      const leases: LeaseStore = cluster().leases;
      const job = pipeline("refused", {
        checkpoints: options.checkpoints === false ? undefined : { every: 100, store },
        cluster: { leases, workerId: "w", ...FAST },
        logger: silentLogger,
        stopOnSignals: false,
      });
      build(job);
      return job.run();
    };
    const ticks = () =>
      generatorSource({ count: 10, partitions: 2, partitionKey: bySymbol, generate: tickAt });

    test("a keyed operator keyed by another function than the source's partitionKey", async () => {
      await expect(
        run((job) =>
          job
            .source(ticks())
            .keyBy((t) => t.symbol)
            .window(tumbling(1_000))
            .aggregate(count())
            .sink(resultsSink(new Map())),
        ),
      ).rejects.toThrow(
        /^job "refused" runs on several workers, but keyed operator "window\(tumbling\(1000\)\)\.aggregate#2" is not co-partitioned with source "source\(generator\)#1": key it by the source's partitionKey itself/,
      );
    });

    test("a map between the source and the keyed operator", async () => {
      await expect(
        run((job) =>
          job
            .source(ticks())
            .map((t) => t)
            .keyBy(bySymbol)
            .reduce((a) => a)
            .sink({ name: "none", write() {} }),
        ),
      ).rejects.toThrow(/keyed operator "reduce#3" is not co-partitioned/);
    });

    test("a source that cannot be split", async () => {
      await expect(
        run((job) => job.source(fromIterable([1, 2])).sink({ name: "none", write() {} })),
      ).rejects.toThrow(
        'job "refused" runs on several workers, but source "source(iterable)#1" cannot be split between them (it has no listSplits)',
      );
    });

    test("a sink that commits on checkpoint completion", async () => {
      const committing: Sink<Tick> = { name: "staged", write() {}, notifyCheckpointComplete() {} };
      await expect(run((job) => job.source(ticks()).sink(committing))).rejects.toThrow(
        /^job "refused" runs on several workers, but sink "sink\(staged\)#2" commits its output on checkpoint completion/,
      );
    });

    test("no checkpoints", async () => {
      await expect(
        run((job) => job.source(ticks()).sink({ name: "none", write() {} }), { checkpoints: false }),
      ).rejects.toThrow('job "refused" runs on several workers, which needs checkpoints');
    });
  });
});

/** A lease's published position (a record index of the generator), or NaN before the first. */
function positionOf(lease: Lease): number {
  return lease.checkpoint === undefined
    ? Number.NaN
    : Number(checkpointToPosition(lease.leaseKey, lease.checkpoint).position);
}
