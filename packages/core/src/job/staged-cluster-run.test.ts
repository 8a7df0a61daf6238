import { describe, expect, test } from "vitest";
import { MemoryCheckpointStore } from "../checkpoint/memory-store.ts";
import { MemoryLeaseStore } from "../cluster/memory-lease-store.ts";
import { decodeEnvelope } from "../repartition/envelope.ts";
import { clicksPerPage, expectedCounts } from "../repartition/test-support/clicks-per-page.ts";
import { MemoryRepartitionChannel } from "../repartition/test-support/memory-channel.ts";
import { v8Serde } from "../state/serde.ts";
import { eventually } from "../testing/eventually.ts";
import { FAST } from "./test-support/tick-counts.ts";

const expected = new Map([...expectedCounts()].filter(([field]) => !field.startsWith("/p22|")));

/** Two workers of the clicks job over `channel`; resolves once they wrote `expected`, then stops them. */
async function twoWorkers(channel: MemoryRepartitionChannel, options: { twice?: boolean } = {}) {
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
    const { results, outcomes, written, stage1 } = await twoWorkers(channel);
    expect(new Map([...results].sort())).toEqual(new Map([...expected].sort()));
    expect(outcomes.map((o) => o.outcome)).toEqual(["stopped", "stopped"]);
    // Both workers held shards of the repartition stream, and both wrote windows.
    for (const w of written) expect(w.size).toBeGreaterThan(0);
    expect((await stage1.snapshot()).leases.map((l) => l.leaseKey).sort()).toEqual(["shard-0", "shard-1"]);
    // Markers went into every shard: committed ones after published checkpoints, watermarks, ends.
    for (const shard of [...channel.streams.values()].flat()) {
      const kinds = new Set(shard.map((m) => decodeEnvelope(m, v8Serde).kind));
      expect(kinds).toEqual(new Set(["record", "watermark", "committed", "end"]));
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
    expect(stages?.map((s) => [s.stage, s.name, s.stream, s.nodes.map((n) => n.id)])).toEqual([
      [
        0,
        "clicks-per-page",
        "clicks-per-page-per-page-repartition",
        ["clicks", "timestamps", "no-p22", "repartition-writer(per-page)", "repartition-out(per-page)"],
      ],
      [
        1,
        "clicks-per-page/stage-1",
        "clicks-per-page-per-page-repartition",
        ["repartition-in(per-page)", "repartition-reader(per-page)", "per-page", "out"],
      ],
    ]);
    // On one process there is nothing to cut.
    expect(
      clicksPerPage(new Map(), { store: new MemoryCheckpointStore() }).job.describe().stages,
    ).toBeUndefined();
  });
});
