import { describe, expect, test } from "vitest";
import { MemoryCheckpointStore } from "../checkpoint/memory-store.ts";
import { holderOf } from "../cluster/lease.ts";
import { MemoryLeaseStore } from "../cluster/memory-lease-store.ts";
import { silentLogger } from "../logging/logger.ts";
import { pipeline } from "../pipeline.ts";
import { decodeEnvelope } from "../repartition/envelope.ts";
import {
  byIpPrefix,
  byPage,
  clicksPerPage,
  expectedCounts,
  inIpPrefixBranch,
} from "../repartition/test-support/clicks-per-page.ts";
import { MemoryRepartitionChannel } from "../repartition/test-support/memory-channel.ts";
import {
  countPausedClicks,
  expectedPausedCounts,
  PER_SPLIT,
  pausableClicks,
} from "../repartition/test-support/pausable-clicks.ts";
import { v8Serde } from "../state/serde.ts";
import { eventually } from "../testing/eventually.ts";
import { FAST } from "./test-support/tick-counts.ts";

const expected = new Map([...expectedCounts()].filter(([field]) => !field.startsWith("/p22|")));

/** Two workers of the clicks job over `channel`; resolves once they wrote `expected`, then stops them. */
async function twoWorkers(
  channel: MemoryRepartitionChannel,
  options: { twice?: boolean; reduceByIp?: boolean } = {},
) {
  const wanted = options.twice ? new Map([...expected].map(([k, v]) => [k, 2 * v])) : expected;
  const store = new MemoryCheckpointStore();
  const leases = new MemoryLeaseStore();
  const stage1 = new MemoryLeaseStore();
  const written = [new Map<string, number>(), new Map<string, number>()] as const;
  const jobs = ["worker-a", "worker-b"].map(
    (workerId, i) =>
      clicksPerPage(written[i]!, {
        store,
        ratePerSecond: 6_000,
        twice: options.twice,
        reduceByIp: options.reduceByIp,
        cluster: { leases, workerId, ...FAST, repartition: { channel, stageLeases: () => stage1 } },
      }).job,
  );
  const runs = jobs.map((job) => job.run());
  const merged = () => {
    const results = new Map<string, number>();
    for (const [key, value] of written.flatMap((w) => [...w])) {
      // A window both wrote (replayed after a handoff) must have the same count from each.
      expect([key, results.get(key) ?? value]).toEqual([key, value]);
      results.set(key, value);
    }
    return results;
  };
  try {
    await eventually(() => merged().size >= wanted.size, { what: "every window", timeoutMs: 20_000 });
  } finally {
    await Promise.all(jobs.map((job) => job.stop()));
  }
  const outcomes = await Promise.all(runs);
  return { results: merged(), outcomes, written, stage1, leases };
}

describe("a job with a repartition on several workers", () => {
  test("two workers, each reading some clicks by ip and counting some pages, write exactly the counts of a plain computation, though every message is stored twice", async () => {
    // Every message stored twice: a put retried after it had in fact succeeded.
    const channel = new MemoryRepartitionChannel(2, () => true);
    const { results, outcomes, written, stage1, leases } = await twoWorkers(channel);
    expect(new Map([...results].sort())).toEqual(new Map([...expected].sort()));
    // Stopped once every window is written, or finished just before: the input is bounded, so the
    // job also ends by itself (repartition-source.test.ts waits for that).
    for (const { outcome } of outcomes) expect(["stopped", "finished"]).toContain(outcome);
    // Both workers held shards of the repartition stream, and both wrote windows.
    for (const w of written) expect(w.size).toBeGreaterThan(0);
    expect((await stage1.snapshot()).leases.map((l) => l.leaseKey).sort()).toEqual(["shard-0", "shard-1"]);
    // Markers went into every shard: each run announcing its splits, committed ones after
    // published checkpoints, watermarks, ends.
    for (const shard of [...channel.streams.values()].flat()) {
      const kinds = new Set(shard.map((m) => decodeEnvelope(m, v8Serde).kind));
      expect(kinds).toEqual(new Set(["active", "record", "watermark", "committed", "end"]));
    }
    // Each watermark marker names the run of each split: the counter of the split's lease when the
    // run started (a real one: above 0, at most the counter now), then the pipeline's generation.
    const counters = new Map((await leases.snapshot()).leases.map((l) => [l.leaseKey, l.leaseCounter]));
    const runs = [...channel.streams.values()]
      .flat(2)
      .map((m) => decodeEnvelope(m, v8Serde))
      .flatMap((e) =>
        e.kind === "watermark" ? e.splits.map((split, i) => [split, e.runs[i]!] as const) : [],
      );
    expect(runs.length).toBeGreaterThan(0);
    for (const [split, [counter, generation]] of runs) {
      expect(counter).toBeGreaterThan(0);
      expect(counter).toBeLessThanOrEqual(counters.get(split)!);
      expect(generation).toBeGreaterThan(0);
    }
  });

  test("with map and flatMap before the cut (each click handed on twice), every count is exactly doubled, though every message is stored twice", async () => {
    // The two records a click becomes are numbered apart (their ids differ), so the reader's
    // dedupe keeps both; the duplicates of each are dropped.
    const channel = new MemoryRepartitionChannel(2, () => true);
    const { results } = await twoWorkers(channel, { twice: true });
    expect(new Map([...results].sort())).toEqual(
      new Map([...expected].map(([k, v]) => [k, 2 * v] as const).sort()),
    );
  });
});

describe("a job with two repartitions, as branches off one source, on several workers", () => {
  test("two workers count the clicks per page and per ip prefix (two cuts, two streams, three stages): both outputs are exactly a plain computation, though every message is stored twice", async () => {
    const channel = new MemoryRepartitionChannel(2, () => true);
    const store = new MemoryCheckpointStore();
    const leases = new MemoryLeaseStore();
    const stageTables = new Map<number, MemoryLeaseStore>();
    const stageLeases = (stage: number) => {
      if (!stageTables.has(stage)) stageTables.set(stage, new MemoryLeaseStore());
      return stageTables.get(stage)!;
    };
    const perPage = [new Map<string, number>(), new Map<string, number>()];
    const perIpPrefix = [new Map<string, number>(), new Map<string, number>()];
    const jobs = ["worker-a", "worker-b"].map(
      (workerId, i) =>
        clicksPerPage(perPage[i]!, {
          store,
          ratePerSecond: 3_000,
          perIpPrefix: perIpPrefix[i],
          cluster: { leases, workerId, ...FAST, repartition: { channel, stageLeases } },
        }).job,
    );
    expect(jobs[0]!.describe().stages?.map((s) => s.name)).toEqual([
      "clicks-per-page",
      "clicks-per-page/stage-1",
      "clicks-per-page/stage-2",
    ]);
    const wantedPerIpPrefix = new Map([...expectedCounts(byIpPrefix, inIpPrefixBranch)].sort());
    // Worker b joins once worker a has written some of each stream: the splits it is handed
    // continue from their positions, each writer from its own count there.
    const runs = [jobs[0]!.run()];
    try {
      await eventually(() => [...channel.streams.values()].every((shards) => shards.flat().length > 200), {
        what: "records in both streams",
        timeoutMs: 10_000,
      });
      runs.push(jobs[1]!.run());
      await eventually(async () => (await leases.snapshot()).leases.some((l) => holderOf(l) === "worker-b"), {
        what: "worker b to take a split",
        timeoutMs: 10_000,
      });
      await eventually(
        () => merged(perPage).size >= expected.size && merged(perIpPrefix).size >= wantedPerIpPrefix.size,
        { what: "every window of both outputs", timeoutMs: 20_000 },
      );
    } finally {
      await Promise.all(jobs.map((job) => job.stop()));
    }
    // The input is bounded: a worker may have finished it by itself before it was stopped.
    for (const { outcome } of await Promise.all(runs)) expect(["stopped", "finished"]).toContain(outcome);
    expect(new Map([...merged(perPage)].sort())).toEqual(new Map([...expected].sort()));
    expect(new Map([...merged(perIpPrefix)].sort())).toEqual(wantedPerIpPrefix);
    // Each cut wrote its own stream, read by its own stage under its own lease table.
    expect([...channel.streams.keys()].sort()).toEqual([
      "clicks-per-page-per-ip-prefix-repartition",
      "clicks-per-page-per-page-repartition",
    ]);
    expect([...stageTables.keys()].sort()).toEqual([1, 2]);
    for (const table of stageTables.values()) {
      expect((await table.snapshot()).leases.map((l) => l.leaseKey).sort()).toEqual(["shard-0", "shard-1"]);
    }
    // Both workers wrote windows of both outputs.
    for (const w of [...perPage, ...perIpPrefix]) expect(w.size).toBeGreaterThan(0);
  });
});

/** The windows every worker wrote; a window two wrote (replayed after a handoff) has one count. */
function merged(written: readonly Map<string, number>[]): Map<string, number> {
  const results = new Map<string, number>();
  for (const [key, value] of written.flatMap((w) => [...w])) {
    expect([key, results.get(key) ?? value]).toEqual([key, value]);
    results.set(key, value);
  }
  return results;
}

describe("a keyed operator before the cut", () => {
  test("a reduce keyed by the source's partition key runs in stage 0 (its state follows the source's splits); the counts are exact", async () => {
    const channel = new MemoryRepartitionChannel(2, () => true);
    const { results } = await twoWorkers(channel, { reduceByIp: true });
    expect(new Map([...results].sort())).toEqual(new Map([...expected].sort()));
  });
});

describe("event time across the repartition", () => {
  test("a paused upstream split holds every downstream window until it moves on; then the counts are exact", async () => {
    // Split b is paused before its first record: the readers know of it only from stage 0's
    // lease table (its worker sends no watermark for it), and no window may fire.
    const run = pausedSplitJob();
    const jobs = [run.worker("worker-a"), run.worker("worker-b")];
    await run.resumeAndCheck(jobs, async () => {
      // Split a reaches its end record (event time 1e9) and its watermark goes through the channel.
      await eventually(
        () => run.envelopes().some((e) => e.kind === "watermark" && e.splits.includes("a") && e.at > 1e8),
        { what: "split a's watermark past its end", timeoutMs: 10_000 },
      );
      // Several heartbeats later, still nothing: b holds every window.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(run.merged()).toEqual(new Map());
    });
  });

  test("a split read to its end before a handoff restarts from its own watermark: the windows fire once the lagging split moves on", async () => {
    // Worker a reads split a to its end while b is paused (the run's watermark stays at -Infinity),
    // then worker b joins and takes a split: the split a is restarted from has nothing left to
    // read, and only its own watermark, kept in its position, lets the windows fire.
    const run = pausedSplitJob();
    const jobs = [run.worker("worker-a")];
    await run.resumeAndCheck(jobs, async () => {
      await eventually(
        () => run.envelopes().some((e) => e.kind === "record" && e.split === "a" && e.id === PER_SPLIT - 1),
        {
          what: "split a's last record in the stream",
          timeoutMs: 10_000,
        },
      );
      jobs.push(run.worker("worker-b"));
      await eventually(
        async () => (await run.leases.snapshot()).leases.some((l) => holderOf(l) === "worker-b"),
        { what: "worker b to take a split", timeoutMs: 10_000 },
      );
    });
  });
});

/** Workers of a job over {@link pausableClicks} (b paused before its first record) and a memory channel. */
function pausedSplitJob() {
  const channel = new MemoryRepartitionChannel(2);
  const store = new MemoryCheckpointStore();
  const leases = new MemoryLeaseStore();
  const stage1 = new MemoryLeaseStore();
  let resume!: () => void;
  const source = pausableClicks(
    0,
    new Promise<void>((resolve) => {
      resume = resolve;
    }),
  );
  const written: Map<string, number>[] = [];
  const expected = expectedPausedCounts(byPage);
  const merged = () => new Map(written.flatMap((w) => [...w]));
  return {
    leases,
    /** Every message in the repartition stream, decoded. */
    envelopes: () => [...channel.streams.values()].flat(2).map((m) => decodeEnvelope(m, v8Serde)),
    /** The windows written by every worker. */
    merged,
    /**
     * Runs `before` (b still paused), then lets b move on, waits for every window, stops `jobs`
     * (also when something failed) and checks the counts are exactly those of the clicks.
     */
    async resumeAndCheck(
      jobs: { stop(): Promise<void>; done: Promise<unknown> }[],
      before: () => Promise<void>,
    ) {
      try {
        await before();
        resume();
        await eventually(() => merged().size >= expected.size, { what: "every window", timeoutMs: 15_000 });
      } finally {
        await Promise.all(jobs.map((job) => job.stop()));
      }
      await Promise.all(jobs.map((job) => job.done));
      expect(new Map([...merged()].sort())).toEqual(new Map([...expected].sort()));
    },
    worker(workerId: string) {
      const results = new Map<string, number>();
      written.push(results);
      const job = pipeline("paused-split", {
        checkpoints: { every: 40, store },
        cluster: { leases, workerId, ...FAST, repartition: { channel, stageLeases: () => stage1 } },
        logger: silentLogger,
        stopOnSignals: false,
      });
      countPausedClicks(job, source, byPage, results);
      const done = job.run();
      return { stop: () => job.stop(), done };
    },
  };
}

describe("describing a job with a repartition", () => {
  test("lists its two stages, the stream between them and their nodes", () => {
    const leases = new MemoryLeaseStore();
    const repartition = { channel: new MemoryRepartitionChannel(2), stageLeases: () => leases };
    const { job } = clicksPerPage(new Map(), {
      store: new MemoryCheckpointStore(),
      cluster: { leases, workerId: "w", repartition },
    });
    const { stages, nodes } = job.describe();
    expect(nodes.map((n) => n.id)).toEqual(["clicks", "timestamps", "no-p22", "per-page", "out"]);
    expect(stages?.map((s) => [s.stage, s.name, s.streams, s.nodes.map((n) => n.id)])).toEqual([
      [
        0,
        "clicks-per-page",
        ["clicks-per-page-per-page-repartition"],
        ["clicks", "timestamps", "no-p22", "repartition-writer(per-page)", "repartition-out(per-page)"],
      ],
      [
        1,
        "clicks-per-page/stage-1",
        ["clicks-per-page-per-page-repartition"],
        ["repartition-in(per-page)", "repartition-reader(per-page)", "per-page", "out"],
      ],
    ]);
    // On one process there is nothing to cut.
    expect(
      clicksPerPage(new Map(), { store: new MemoryCheckpointStore() }).job.describe().stages,
    ).toBeUndefined();
  });
});
