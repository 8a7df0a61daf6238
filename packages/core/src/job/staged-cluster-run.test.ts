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
async function twoWorkers(channel: MemoryRepartitionChannel) {
  const store = new MemoryCheckpointStore();
  const leases = new MemoryLeaseStore();
  const stage1 = new MemoryLeaseStore();
  const written = [new Map<string, number>(), new Map<string, number>()] as const;
  const jobs = ["worker-a", "worker-b"].map(
    (workerId, i) =>
      clicksPerPage(written[i]!, {
        store,
        ratePerSecond: 6_000,
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
    await eventually(() => merged().size >= expected.size, { what: "every window", timeoutMs: 20_000 });
  } finally {
    await Promise.all(jobs.map((job) => job.stop()));
  }
  const outcomes = await Promise.all(runs);
  return { results: merged(), outcomes, written, stage1, leases };
}

describe("a job with a repartition on several workers", () => {
  test("two workers, each reading some clicks by ip and counting some pages, write exactly the counts of a plain computation", async () => {
    const channel = new MemoryRepartitionChannel(2);
    const { results, outcomes, written, stage1 } = await twoWorkers(channel);
    expect(new Map([...results].sort())).toEqual(new Map([...expected].sort()));
    expect(outcomes.map((o) => o.outcome)).toEqual(["stopped", "stopped"]);
    // Both workers held shards of the repartition stream, and both wrote windows.
    for (const w of written) expect(w.size).toBeGreaterThan(0);
    expect((await stage1.snapshot()).leases.map((l) => l.leaseKey).sort()).toEqual(["shard-0", "shard-1"]);
    // Markers went into every shard: committed ones after published checkpoints, and watermarks.
    const kinds = new Set(
      [...channel.streams.values()].flatMap((shards) =>
        shards.flatMap((s) => s.map((m) => decodeEnvelope(m, v8Serde).kind)),
      ),
    );
    expect(kinds).toEqual(new Set(["record", "watermark", "committed", "end"]));
  });

  test("every message stored twice (a put retried after it succeeded) changes no count", async () => {
    const channel = new MemoryRepartitionChannel(2, () => true);
    const { results } = await twoWorkers(channel);
    expect(new Map([...results].sort())).toEqual(new Map([...expected].sort()));
  });
});
