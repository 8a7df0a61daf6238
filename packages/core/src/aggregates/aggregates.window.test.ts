import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { DataStream } from "../dsl/data-stream.ts";
import { createTestHarness } from "../testing/index.ts";
import { session, tumbling } from "../windows/assigners.ts";
import { first } from "./first.ts";
import { last } from "./last.ts";
import { stats } from "./stats.ts";
import { topN } from "./top-n.ts";

/**
 * The built-ins inside the real window and over operators: accumulators survive checkpoints
 * (structured clone) and the operators' merges, and results equal a batch computation.
 */

interface Tick {
  readonly symbol: string;
  readonly price: number;
  readonly at: number;
}

function batchStats(prices: readonly number[]) {
  const sum = prices.reduce((a, b) => a + b, 0);
  return {
    count: prices.length,
    sum,
    min: Math.min(...prices),
    max: Math.max(...prices),
    avg: sum / prices.length,
  };
}

describe("built-in aggregates in windows", () => {
  test("stats per tumbling window, across a snapshot and restore mid-window", async () => {
    const h = createTestHarness((input: DataStream<Tick>) =>
      input
        .keyBy((t) => t.symbol)
        .window(tumbling(10))
        .aggregate(stats((t) => t.price)),
    );
    await h.processElement({ symbol: "A", price: 3, at: 1 }, 1);
    await h.processElement({ symbol: "A", price: 5, at: 4 }, 4);
    await h.snapshotAndRestore();
    await h.processElement({ symbol: "A", price: 1, at: 7 }, 7);
    await h.processElement({ symbol: "A", price: 9, at: 12 }, 12);
    await h.processWatermark(9);
    expect(h.output()).toEqual([
      { value: { key: "A", window: { start: 0, end: 10 }, value: batchStats([3, 5, 1]) }, timestamp: 9 },
    ]);
  });

  test("when sessions merge, first and last still follow arrival order", async () => {
    const h = createTestHarness((input: DataStream<Tick>) => {
      const sessions = input.keyBy((t) => t.symbol).window(session(5));
      return sessions
        .aggregate(first((t) => t.price))
        .map((r) => ({ what: "first", window: r.window, value: [r.value] }))
        .union(
          sessions
            .aggregate(last((t) => t.price))
            .map((r) => ({ what: "last", window: r.window, value: [r.value] })),
        )
        .union(
          sessions
            .aggregate(topN(2, (t) => t.price))
            .map((r) => ({ what: "top2", window: r.window, value: r.value.map((t) => t.price) })),
        );
    });
    // Two sessions, [0, 5) and [8, 13), that a record at 4 arriving last bridges into [0, 13): the
    // earlier session's accumulator is merged first, then the bridging record is added.
    await h.processElement({ symbol: "A", price: 10, at: 0 }, 0);
    await h.processElement({ symbol: "A", price: 30, at: 8 }, 8);
    await h.processElement({ symbol: "A", price: 20, at: 4 }, 4);
    await h.processWatermark(20);
    const byKind = Object.fromEntries(h.values().map((r) => [r.what, r]));
    expect(byKind.first).toEqual({ what: "first", window: { start: 0, end: 13 }, value: [10] });
    expect(byKind.last).toEqual({ what: "last", window: { start: 0, end: 13 }, value: [20] });
    expect(byKind.top2).toEqual({ what: "top2", window: { start: 0, end: 13 }, value: [30, 20] });
  });

  test("over a range frame, each record's stats equal a batch computation over its frame", async () => {
    const range = 25;
    const record = fc.record({ symbol: fc.constantFrom("A", "B"), price: fc.integer({ min: -50, max: 50 }) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 8 }),
        async (records, step) => {
          // Distinct, increasing timestamps: a frame's contents do not depend on tie rules.
          const ticks = records.map((r, i) => ({ ...r, at: i * step }));
          const h = createTestHarness((input: DataStream<Tick>) =>
            input
              .keyBy((t) => t.symbol)
              .over({ range })
              .aggregate(stats((t) => t.price)),
          );
          for (const [i, t] of ticks.entries()) {
            await h.processElement(t, t.at);
            if (i === Math.floor(ticks.length / 2)) await h.snapshotAndRestore();
          }
          await h.endInput();
          const expected = ticks.map((t) => ({
            key: t.symbol,
            record: t,
            value: batchStats(
              ticks
                .filter((o) => o.symbol === t.symbol && o.at >= t.at - range && o.at <= t.at)
                .map((o) => o.price),
            ),
          }));
          const sortKey = (r: { record: Tick }) => r.record.at;
          expect([...h.values()].sort((a, b) => sortKey(a) - sortKey(b))).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });
});
