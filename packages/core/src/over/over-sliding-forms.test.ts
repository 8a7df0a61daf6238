import { describe, expect, test } from "vitest";
import type { AggregateFunction } from "../aggregates/aggregate-function.ts";
import { avg } from "../aggregates/avg.ts";
import { count } from "../aggregates/count.ts";
import { max } from "../aggregates/max.ts";
import { min } from "../aggregates/min.ts";
import { stats } from "../aggregates/stats.ts";
import { sum } from "../aggregates/sum.ts";
import type { DataStream } from "../dsl/data-stream.ts";
import { type FailedRecord, OutputTag } from "../runtime/output-tag.ts";
import { createTestHarness } from "../testing/index.ts";
import { byKey, expectNaiveScanResults, overHarness, type Tick, tick } from "./test-support/over-scan.ts";

/**
 * The over operator with the built-in aggregates, which run on their sliding forms (running sums
 * and monotonic deques) rather than the generic two-stacks aggregation that over-operator.test.ts
 * covers with user-defined aggregates. Values are integers, so sums are exact and results must
 * equal a naive scan of each record's frame exactly.
 */

const price = (t: Tick) => t.v;

const builtIns: [string, AggregateFunction<Tick, unknown, unknown>][] = [
  ["count", count()],
  ["sum", sum(price)],
  ["avg", avg(price)],
  ["min", min(price)],
  ["max", max(price)],
  ["stats", stats(price)],
];

describe("over with the built-in aggregates' sliding forms", () => {
  test("the built-ins have a sliding form, so these tests exercise it", () => {
    for (const [, fn] of builtIns) expect(fn.sliding).toBeTypeOf("function");
  });

  test("range frame: lower bound inclusive, ties in arrival order, records processed later not in the frame", async () => {
    const h = overHarness({ range: 10 }, stats(price));
    await h.processElements([
      { value: tick("a", 5), timestamp: 0 },
      { value: tick("a", 7), timestamp: 10 },
      { value: tick("a", -2), timestamp: 10 },
      { value: tick("a", 4), timestamp: 21 },
    ]);
    await h.endInput();
    expect(byKey(h.output()).a).toEqual([
      [5, { count: 1, sum: 5, min: 5, max: 5, avg: 5 }, 0],
      [7, { count: 2, sum: 12, min: 5, max: 7, avg: 6 }, 10],
      [-2, { count: 3, sum: 10, min: -2, max: 7, avg: 10 / 3 }, 10],
      [4, { count: 1, sum: 4, min: 4, max: 4, avg: 4 }, 21],
    ]);
  });

  test("late records go to the side output; a throwing projection fails only its record", async () => {
    const late = new OutputTag<Tick>("late");
    const errors = new OutputTag<FailedRecord<Tick>>("errors");
    const poisoned = {
      k: "a",
      get v(): number {
        throw new Error("no price");
      },
    };
    const h = createTestHarness((input: DataStream<Tick>) =>
      input
        .keyBy((t) => t.k)
        .over({ rows: 2 })
        .sideOutputLateData(late)
        .aggregate(max(price), { errors }),
    );
    await h.processElements([
      { value: tick("a", 3), timestamp: 1 },
      { value: poisoned, timestamp: 2 },
      { value: tick("a", 1), timestamp: 3 },
    ]);
    await h.processWatermark(5);
    await h.processElement(tick("a", 9), 4);
    await h.processElement(tick("a", 2), 6);
    await h.endInput();
    expect(h.values().map((r) => [r.record.v, r.value])).toEqual([
      [3, 3],
      [1, 3],
      [2, 3],
    ]);
    expect(h.sideOutput(late)).toEqual([{ value: tick("a", 9), timestamp: 4 }]);
    expect(h.sideOutput(errors).map((e) => [e.value.error, e.timestamp])).toEqual([["no price", 2]]);
  });

  test("results equal a naive scan of each record's frame, with watermarks and restores anywhere", async () => {
    await expectNaiveScanResults(
      builtIns.map(([, fn]) => fn),
      300,
    );
  });
});
