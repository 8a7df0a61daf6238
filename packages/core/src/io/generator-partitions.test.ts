import { describe, expect, test } from "vitest";
import { count } from "../aggregates/count.ts";
import { silentLogger } from "../logging/logger.ts";
import { pipeline } from "../pipeline.ts";
import { PipelineDefinitionError } from "../runtime/errors.ts";
import type { SourceContext, SourceEvent, SourceReader } from "../runtime/source.ts";
import { keyGroupOf } from "../state/key-group.ts";
import { sourceContext } from "../testing/connector-contexts.ts";
import { VirtualClock } from "../time/clock.ts";
import { boundedOutOfOrderness } from "../watermarks/watermark-strategy.ts";
import { tumbling } from "../windows/assigners.ts";
import type { TimeWindow, WindowResult } from "../windows/window.ts";
import { collectSink } from "./collect-sink.ts";
import { generatorSource } from "./generator-source.ts";

const SYMBOLS = ["EURUSD", "GBPUSD", "USDJPY", "AUDUSD", "USDCHF", "NZDUSD", "USDCAD"];
const tick = (i: number) => ({ symbol: SYMBOLS[(i * 7 + (i >> 3)) % SYMBOLS.length]!, i });
const bySymbol = (t: { symbol: string }) => t.symbol;
const signal = new AbortController().signal;

/** Every event a reader returns until it ends. */
async function drain<T>(reader: SourceReader<T>): Promise<SourceEvent<T>[]> {
  const events: SourceEvent<T>[] = [];
  for (let event = await reader.next(); event !== undefined; event = await reader.next()) events.push(event);
  return events;
}

function recordsBySplit<T>(events: SourceEvent<T>[]): Map<string, T[]> {
  const bySplit = new Map<string, T[]>();
  for (const event of events) {
    if (event.kind !== "data") continue;
    bySplit.set(event.split, [...(bySplit.get(event.split) ?? []), ...event.values]);
  }
  return bySplit;
}

function context(overrides: Partial<Pick<SourceContext, "restoredPositions" | "assignedSplits">> = {}) {
  return sourceContext({
    restoredPositions: overrides.restoredPositions,
    assignedSplits: overrides.assignedSplits,
  });
}

describe("generatorSource with partitions", () => {
  test("lists one split per partition, each with the key groups that fall in it", async () => {
    const source = generatorSource({ count: 10, partitions: 4, partitionKey: bySymbol, generate: tick });
    const splits = await source.listSplits({ keyGroups: 16, signal });
    expect(splits.map((s) => s.id)).toEqual(["partition-0", "partition-1", "partition-2", "partition-3"]);
    expect(splits[1]!.keyGroups).toEqual([1, 5, 9, 13]);
    expect(source.partitionKey).toBe(bySymbol);
  });

  test("a partition none of whose keys a batch held is reported idle once, and active again by its next record", async () => {
    // Two keys in 8 partitions: most partitions hold no key at all.
    const keys = ["a", "b"];
    const source = generatorSource({
      count: 40,
      partitions: 8,
      partitionKey: (r: { key: string }) => r.key,
      batchSize: 1,
      generate: (i) => ({ key: keys[i < 32 ? 0 : i % 2]! }),
    });
    const events = await drain(await source.open(context()));
    const statuses = (split: string) =>
      events
        .filter((e) => e.split === split && (e.kind === "split-status" || e.values.length > 0))
        .map((e) => (e.kind === "split-status" ? e.status : "data"));
    const ofKey = (key: string) => `partition-${keyGroupOf(key, 8)}`;
    const empty = [0, 1, 2, 3, 4, 5, 6, 7]
      .map((p) => `partition-${p}`)
      .find((id) => id !== ofKey("a") && id !== ofKey("b"))!;
    expect(statuses(empty)).toEqual(["active", "idle", "finished"]);
    expect(statuses(ofKey("a"))[0]).toBe("active");
    expect(statuses(ofKey("a"))).not.toContain("idle");
    // b's partition saw none of its records in the first batches (indices 0–31): idle, then its
    // records (the batch of indices 32–39) make it active again.
    expect(statuses(ofKey("b"))).toEqual(["active", "idle", "data", "finished"]);
  });

  test("a paced partition whose batches are a few indices long is not reported idle between its keys", async () => {
    // 40 keys, each every 40 indices, over 8 partitions: every partition holds keys, but a paced
    // reader's batch considers only the indices due since the last one, here one at a time. Had
    // one empty batch made a partition idle, the catch-up batch of another (below) would move the
    // watermark past the idle one's next records, and they would be late.
    const clock = new VirtualClock(0);
    const byKey = (r: { key: string }) => r.key;
    const source = generatorSource({
      ratePerSecond: 1_000,
      count: 3_000,
      partitions: 8,
      batchSize: 100,
      partitionKey: byKey,
      generate: (i) => ({ key: `k${(i * 7) % 40}` }),
    });
    const reader = await source.open(sourceContext({ clock }));
    const events: SourceEvent<{ key: string }>[] = [];
    for (let step = 0; ; step++) {
      // One millisecond (one index) per read, with a stall of a second (a catch-up) midway.
      clock.advanceTo(clock.now() + (step === 400 ? 1_000 : 1));
      const event = await reader.next();
      if (event === undefined) break;
      events.push(event);
    }
    const withKeys = new Set(Array.from({ length: 40 }, (_, k) => `partition-${keyGroupOf(`k${k}`, 8)}`));
    const idleOnes = events
      .filter((e) => e.kind === "split-status" && e.status === "idle")
      .map((e) => e.split);
    expect(idleOnes.filter((split) => withKeys.has(split))).toEqual([]);
    expect([...recordsBySplit(events).values()].reduce((n, records) => n + records.length, 0)).toBe(3_000);
  });

  test("without partitionKey, record i is in partition i % partitions and no key groups travel", async () => {
    const source = generatorSource({ count: 10, partitions: 3, batchSize: 2, generate: (i) => i });
    expect((await source.listSplits({ keyGroups: 128, signal }))[0]!.keyGroups).toEqual([]);
    const bySplit = recordsBySplit(await drain(await source.open(context())));
    expect(bySplit.get("partition-0")).toEqual([0, 3, 6, 9]);
    expect(bySplit.get("partition-1")).toEqual([1, 4, 7]);
    expect(bySplit.get("partition-2")).toEqual([2, 5, 8]);
  });

  test("all partitions together are exactly the records of one split, each key in its partition", async () => {
    const whole = recordsBySplit(
      await drain(await generatorSource({ count: 500, generate: tick }).open(context())),
    );
    const source = generatorSource({
      count: 500,
      partitions: 4,
      partitionKey: bySymbol,
      batchSize: 16,
      generate: tick,
    });
    const splits = await source.listSplits({ keyGroups: 128, signal });
    const bySplit = recordsBySplit(await drain(await source.open(context())));
    const all = [...bySplit.values()].flat().sort((a, b) => a.i - b.i);
    expect(all).toEqual(whole.get("0"));
    for (const split of splits) {
      for (const record of bySplit.get(split.id) ?? []) {
        expect(split.keyGroups).toContain(keyGroupOf(record.symbol, 128));
      }
    }
  });

  test("reads only the assigned splits, each from its restored position, and reports each finished", async () => {
    const source = generatorSource({ count: 12, partitions: 3, batchSize: 2, generate: (i) => i });
    const events = await drain(
      await source.open(
        context({
          assignedSplits: new Set(["partition-0", "partition-2"]),
          restoredPositions: new Map([["partition-2", 8]]),
        }),
      ),
    );
    const bySplit = recordsBySplit(events);
    expect([...bySplit.keys()].sort()).toEqual(["partition-0", "partition-2"]);
    expect(bySplit.get("partition-0")).toEqual([0, 3, 6, 9]);
    expect(bySplit.get("partition-2")).toEqual([8, 11]);
    const statuses = events.filter((e) => e.kind === "split-status");
    expect(statuses).toEqual([
      { kind: "split-status", split: "partition-0", status: "active" },
      { kind: "split-status", split: "partition-2", status: "active" },
      { kind: "split-status", split: "partition-0", status: "finished", position: 12 },
      { kind: "split-status", split: "partition-2", status: "finished", position: 12 },
    ]);
  });

  test("no partition's records are late for the watermark of another read before it", async () => {
    // Record i at event time i; one batch spans 800 indices, far beyond the 5 ms of disorder
    // allowed. Were a partition to set the watermark before the others had joined, their records
    // of the same indices, read next, would be late and their windows would fire short.
    const windowCounts = async (partitions: number | undefined) => {
      const out = collectSink<WindowResult<string, TimeWindow, number>>();
      const job = pipeline(`partitions-${partitions ?? 1}`, { logger: silentLogger, stopOnSignals: false });
      job
        .source(
          generatorSource({
            count: 4_000,
            batchSize: 200,
            generate: tick,
            ...(partitions === undefined ? {} : { partitions, partitionKey: bySymbol }),
          }),
        )
        .withWatermarks(boundedOutOfOrderness(5), (t) => t.i)
        .keyBy(bySymbol)
        .window(tumbling(50))
        .aggregate(count())
        .sink(out.sink);
      await job.run();
      return out
        .values()
        .map((r) => `${r.key}@${r.window.start}=${r.value}`)
        .sort();
    };
    const whole = await windowCounts(undefined);
    expect(whole.length).toBeGreaterThan(4_000 / 50);
    expect(await windowCounts(4)).toEqual(whole);
  });

  test("a batch's position is the next index its partition considers", async () => {
    const reader = await generatorSource({ count: 10, partitions: 2, batchSize: 2, generate: (i) => i }).open(
      context(),
    );
    expect(await reader.next()).toEqual({ kind: "split-status", split: "partition-0", status: "active" });
    expect(await reader.next()).toEqual({ kind: "split-status", split: "partition-1", status: "active" });
    expect(await reader.next()).toEqual({ kind: "data", split: "partition-0", values: [0, 2], position: 4 });
    expect(await reader.next()).toEqual({ kind: "data", split: "partition-1", values: [1, 3], position: 4 });
  });

  test("partitions that do not divide the key groups are refused when the splits are listed", async () => {
    const source = generatorSource({ count: 1, partitions: 3, partitionKey: bySymbol, generate: tick });
    expect(() => source.listSplits({ keyGroups: 128, signal })).toThrow(
      "generatorSource(generator): partitions (3) must divide the job's key groups (128)",
    );
  });

  test.each([
    [{ partitions: 0 }, /partitions must be a positive integer/],
    [{ partitions: 1.5 }, /partitions must be a positive integer/],
    [{ partitionKey: bySymbol }, /partitionKey needs partitions/],
  ])("%j is refused", (options, message) => {
    expect(() => generatorSource({ ...options, generate: tick })).toThrow(PipelineDefinitionError);
    expect(() => generatorSource({ ...options, generate: tick })).toThrow(message);
  });
});
