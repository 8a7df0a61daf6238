import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { AggregateFunction } from "../aggregates/aggregate-function.ts";
import { avg } from "../aggregates/avg.ts";
import { count } from "../aggregates/count.ts";
import { max } from "../aggregates/max.ts";
import { min } from "../aggregates/min.ts";
import { stats } from "../aggregates/stats.ts";
import { sum } from "../aggregates/sum.ts";
import type { DataStream } from "../dsl/data-stream.ts";
import type { OverResult } from "../dsl/keyed-stream.ts";
import { type FailedRecord, OutputTag } from "../dsl/output-tag.ts";
import { createTestHarness, type TimestampedValue } from "../testing/index.ts";
import type { OverFrame } from "./over-operator.ts";

/**
 * The over operator with the built-in aggregates, which run on their sliding forms (running sums
 * and monotonic deques) rather than the generic two-stacks aggregation that over-operator.test.ts
 * covers with user-defined aggregates. Values are integers, so sums are exact and results must
 * equal a naive scan of each record's frame exactly.
 */

interface Tick {
  readonly k: string;
  readonly v: number;
}

const tick = (k: string, v: number): Tick => ({ k, v });
const price = (t: Tick) => t.v;

const builtIns: [string, AggregateFunction<Tick, unknown, unknown>][] = [
  ["count", count()],
  ["sum", sum(price)],
  ["avg", avg(price)],
  ["min", min(price)],
  ["max", max(price)],
  ["stats", stats(price)],
];

function overHarness<R>(frame: OverFrame, fn: AggregateFunction<Tick, unknown, R>, late?: OutputTag<Tick>) {
  return createTestHarness((input: DataStream<Tick>) => {
    const over = input.keyBy((t) => t.k).over(frame);
    return (late ? over.sideOutputLateData(late) : over).aggregate(fn);
  });
}

/** Outputs grouped by key: results of one key are ordered, across keys they need not be. */
function byKey<R>(out: TimestampedValue<OverResult<Tick, string, R>>[]) {
  const groups: Record<string, [number, R, number][]> = {};
  for (const { value, timestamp } of out) append(groups, value.key, [value.record.v, value.value, timestamp]);
  return groups;
}

function append<V>(groups: Record<string, V[]>, key: string, row: V): void {
  const group = groups[key];
  if (group) group.push(row);
  else groups[key] = [row];
}

interface Rec {
  readonly key: string;
  readonly ts: number;
  readonly v: number;
}

/** The batch computation: stable sort by timestamp, then fold each record's frame with `add`. */
function naive<TAcc, R>(records: Rec[], frame: OverFrame, fn: AggregateFunction<Tick, TAcc, R>) {
  const sorted = [...records].sort((a, b) => a.ts - b.ts);
  const out: Record<string, [number, R, number][]> = {};
  sorted.forEach((r, i) => {
    const earlier = sorted.slice(0, i).filter((o) => o.key === r.key);
    const kept =
      "range" in frame
        ? earlier.filter((o) => o.ts >= r.ts - frame.range)
        : frame.rows === 0
          ? []
          : earlier.slice(-frame.rows);
    const acc = [...kept, r].reduce((a, o) => fn.add(a, tick(o.key, o.v)), fn.create());
    append(out, r.key, [r.v, fn.result(acc), r.ts]);
  });
  return out;
}

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

  const record = fc.record({
    key: fc.constantFrom("a", "b", "c"),
    ts: fc.integer({ min: 0, max: 60 }),
    v: fc.integer({ min: -50, max: 50 }),
  });
  const frames = fc.oneof(
    fc.integer({ min: 0, max: 30 }).map((range): OverFrame => ({ range })),
    fc.integer({ min: 0, max: 6 }).map((rows): OverFrame => ({ rows })),
    fc.constant<OverFrame>({ range: Number.POSITIVE_INFINITY }),
  );

  test("results equal a naive scan of each record's frame, with watermarks and restores anywhere", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { maxLength: 40 }),
        frames,
        fc.constantFrom(...builtIns.map(([, fn]) => fn)),
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        async (records, frame, fn, watermarkAfter, restoreAfter) => {
          const h = overHarness(frame, fn);
          const marks = new Set(watermarkAfter.map((n) => n % (records.length + 1)));
          const restores = new Set(restoreAfter.map((n) => n % (records.length + 1)));
          let watermark = Number.NEGATIVE_INFINITY;
          for (let i = 0; i < records.length; i++) {
            if (restores.has(i)) await h.snapshotAndRestore();
            await h.processElement(tick(records[i]!.key, records[i]!.v), records[i]!.ts);
            // The smallest timestamp still to come, minus 1: nothing is late.
            const rest = records.slice(i + 1).map((r) => r.ts);
            const next = rest.length > 0 ? Math.min(...rest) - 1 : Number.POSITIVE_INFINITY;
            if (marks.has(i) && next > watermark) {
              watermark = next;
              await h.processWatermark(next);
            }
          }
          await h.endInput();
          expect(byKey(h.output())).toEqual(naive(records, frame, fn));
        },
      ),
      { numRuns: 300 },
    );
  });
});
