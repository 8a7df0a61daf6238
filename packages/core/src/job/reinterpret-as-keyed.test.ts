import { describe, expect, test } from "vitest";
import { count } from "../aggregates/count.ts";
import { MemoryCheckpointStore } from "../checkpoint/memory-store.ts";
import type { LeaseStore } from "../cluster/lease-store.ts";
import { MemoryLeaseStore } from "../cluster/memory-lease-store.ts";
import { generatorSource } from "../io/generator-source.ts";
import { silentLogger } from "../logging/logger.ts";
import { pipeline } from "../pipeline.ts";
import type { DeadLetter } from "../runtime/dead-letters.ts";
import type { Sink } from "../runtime/sink.ts";
import { boundedOutOfOrderness } from "../watermarks/watermark-strategy.ts";
import { tumbling } from "../windows/assigners.ts";
import type { ClusterOptions } from "./cluster-options.ts";
import { bySymbol, FAST, type Tick, tickAt } from "./test-support/tick-counts.ts";

/**
 * Per symbol and second, the count of ticks; then, keyed again by the result's key without a
 * shuffle, the running total of those counts per symbol (`symbol|windowStart` → total so far).
 */
function runningTotals(options: {
  store: MemoryCheckpointStore;
  cluster?: ClusterOptions;
  reinterpretBy?: (r: { key: string }) => string;
  deadLetters?: DeadLetter[];
}) {
  const results = new Map<string, number>();
  const job = pipeline("running-totals", {
    checkpoints: { every: 40, store: options.store },
    cluster: options.cluster,
    logger: silentLogger,
    stopOnSignals: false,
    ...(options.deadLetters ? { deadLetters: collect(options.deadLetters) } : {}),
  });
  job
    .source(
      generatorSource({
        count: 12_000,
        partitions: 4,
        partitionKey: bySymbol,
        batchSize: 200,
        ratePerSecond: 20_000,
        generate: tickAt,
      }),
    )
    .withWatermarks(boundedOutOfOrderness(10_000), (t: Tick) => t.at)
    .keyBy(bySymbol)
    .window(tumbling(1_000))
    .aggregate(count())
    .reinterpretAsKeyed(options.reinterpretBy ?? ((r) => r.key))
    .reduce((total, next) => ({ ...next, value: total.value + next.value }))
    .sink({
      name: "totals",
      write(values) {
        for (const r of values) results.set(`${r.key}|${r.window.start}`, r.value);
      },
    });
  return { job, results };
}

function collect(letters: DeadLetter[]): Sink<DeadLetter> {
  return { name: "letters", write: (values) => void letters.push(...values) };
}

describe("DataStream.reinterpretAsKeyed", () => {
  test("in one process it keys the stream again without a check: the running totals of every symbol", async () => {
    const { job, results } = runningTotals({ store: new MemoryCheckpointStore() });
    await job.run();
    // 40 symbols, 36 s of event time: each symbol's last total is its number of ticks.
    const last = new Map<string, number>();
    for (const [key, total] of [...results].sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true })))
      last.set(key.split("|")[0]!, total);
    const ticks = new Map<string, number>();
    for (let i = 0; i < 12_000; i++) ticks.set(tickAt(i).symbol, (ticks.get(tickAt(i).symbol) ?? 0) + 1);
    expect(new Map([...last].sort())).toEqual(new Map([...ticks].sort()));
  });

  test("on two workers the re-keyed operator is co-partitioned: together they write the results of one process", async () => {
    const expected = runningTotals({ store: new MemoryCheckpointStore() });
    await expected.job.run();
    const leases = new MemoryLeaseStore();
    const store = new MemoryCheckpointStore();
    const letters: DeadLetter[] = [];
    const workers = ["a", "b"].map((workerId) =>
      runningTotals({ store, deadLetters: letters, cluster: { leases, workerId, ...FAST } }),
    );
    expect((await Promise.all(workers.map(({ job }) => job.run()))).map((r) => r.outcome)).toEqual([
      "finished",
      "finished",
    ]);
    expect(letters).toEqual([]);
    const together = new Map([...workers[0]!.results, ...workers[1]!.results]);
    expect(new Map([...together].sort())).toEqual(new Map([...expected.results].sort()));
  });

  test("on several workers, a record whose key another worker owns goes to the dead letters as not-co-partitioned", async () => {
    const letters: DeadLetter[] = [];
    const leases: LeaseStore = new MemoryLeaseStore();
    const store = new MemoryCheckpointStore();
    // A key the stream is not partitioned by: many of its values fall in the other worker's key groups.
    const workers = ["a", "b"].map((workerId) =>
      runningTotals({
        store,
        deadLetters: letters,
        reinterpretBy: (r) => `${r.key}!`,
        cluster: { leases, workerId, ...FAST },
      }),
    );
    await Promise.all(workers.map(({ job }) => job.run()));
    expect(letters.length).toBeGreaterThan(0);
    expect(new Set(letters.map((l) => l.reason))).toEqual(new Set(["not-co-partitioned"]));
    expect(letters[0]!.error).toMatch(/^key "SYM\d+!" is in key group \d+ of 128, which no split/);
    expect(letters[0]!.origin).toMatch(/^reinterpretAsKeyed#/);
  });

  test("keying a keyed operator's results again with keyBy is refused on several workers, naming reinterpretAsKeyed", async () => {
    const job = pipeline("refused", {
      checkpoints: { every: 100, store: new MemoryCheckpointStore() },
      cluster: { leases: new MemoryLeaseStore(), workerId: "w", ...FAST },
      logger: silentLogger,
      stopOnSignals: false,
    });
    job
      .source(generatorSource({ count: 10, partitions: 2, partitionKey: bySymbol, generate: tickAt }))
      .keyBy(bySymbol)
      .reduce((a) => a)
      .keyBy(bySymbol)
      .reduce((a) => a)
      .sink({ name: "none", write() {} });
    await expect(job.run()).rejects.toThrow(
      /keyed operator "reduce#3" is not co-partitioned .* key a keyed operator's results by the same key with reinterpretAsKeyed; or give the cluster a repartition channel \(cluster\.repartition, see docs\/repartition\.md\)$/,
    );
  });
});
