import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { AggregateFunction } from "../aggregates/aggregate-function.ts";
import { SlidingAggregator } from "./sliding-aggregator.ts";

/** Order-sensitive: merging in the wrong order, or mutating a shared accumulator, shows. */
const concat: AggregateFunction<number, number[], string> = {
  create: () => [],
  add: (acc, value) => {
    acc.push(value);
    return acc;
  },
  merge: (a, b) => [...a, ...b],
  result: (acc) => acc.join(","),
};

/** A stats-like aggregate that mutates in `add`, as the built-ins do. */
const stats: AggregateFunction<number, { count: number; sum: number; min: number }, string> = {
  create: () => ({ count: 0, sum: 0, min: Number.POSITIVE_INFINITY }),
  add: (acc, value) => {
    acc.count++;
    acc.sum += value;
    acc.min = Math.min(acc.min, value);
    return acc;
  },
  merge: (a, b) => ({ count: a.count + b.count, sum: a.sum + b.sum, min: Math.min(a.min, b.min) }),
  result: (acc) => `${acc.count}/${acc.sum}/${acc.min}`,
};

/** Push a value (its timestamp is the next integer), keep at most `size` records, or evict timestamps below `before`. */
type Op = { push: number } | { evict: number } | { before: number };

const ops = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: -100, max: 100 }).map((push): Op => ({ push })) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }).map((evict): Op => ({ evict })) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 }).map((before): Op => ({ before })) },
  ),
  { maxLength: 300 },
);

function replay<TAcc>(fn: AggregateFunction<number, TAcc, string>, chunkSize: number, script: Op[]) {
  const frame = new SlidingAggregator(fn, chunkSize);
  const model: number[] = [];
  const times: number[] = [];
  let time = 0;
  for (const op of script) {
    if ("push" in op) {
      frame.push(op.push, time);
      model.push(op.push);
      times.push(time++);
    } else if ("evict" in op) {
      const keep = Math.max(0, model.length - op.evict);
      frame.evictToSize(keep);
      model.splice(0, model.length - keep);
      times.splice(0, times.length - keep);
    } else {
      // Relative to the newest timestamp, so that evictions reach into the frame.
      const lower = time - op.before;
      frame.evictBefore(lower);
      while (times.length > 0 && times[0]! < lower) {
        times.shift();
        model.shift();
      }
    }
    expect(frame.size).toBe(model.length);
    if (model.length > 0) {
      expect(fn.result(frame.query())).toBe(fn.result(model.reduce(fn.add, fn.create())));
    }
  }
  expect(frame.records()).toEqual({ values: model, timestamps: times });
}

describe("SlidingAggregator", () => {
  test("an empty frame has size 0 and no timestamps", () => {
    const frame = new SlidingAggregator(concat);
    expect(frame.size).toBe(0);
    expect(frame.oldestTimestamp()).toBe(Number.POSITIVE_INFINITY);
    expect(frame.newestTimestamp()).toBe(Number.NEGATIVE_INFINITY);
    expect(frame.records()).toEqual({ values: [], timestamps: [] });
  });

  test("evicts by timestamp, keeping the lower bound", () => {
    const frame = new SlidingAggregator(concat, 2);
    for (const t of [1, 2, 3, 5, 8]) frame.push(t * 10, t);
    frame.evictBefore(3);
    expect(concat.result(frame.query())).toBe("30,50,80");
    expect(frame.oldestTimestamp()).toBe(3);
    expect(frame.newestTimestamp()).toBe(8);
    frame.evictBefore(9);
    expect(frame.size).toBe(0);
  });

  test("query equals a fold over the frame, for any pushes and evictions", () => {
    fc.assert(
      fc.property(ops, fc.integer({ min: 1, max: 9 }), (script, chunkSize) => {
        replay(concat, chunkSize, script);
        replay(stats, chunkSize, script);
      }),
      { numRuns: 300 },
    );
  });

  test("a throwing merge during a flip leaves the frame usable", () => {
    let failMerges = false;
    const fragile: AggregateFunction<number, number[], string> = {
      ...concat,
      merge: (a, b) => {
        if (failMerges) throw new Error("merge failed");
        return concat.merge(a, b);
      },
    };
    const frame = new SlidingAggregator(fragile, 2);
    for (let i = 0; i < 6; i++) frame.push(i, i);
    failMerges = true;
    expect(() => frame.evictOldest()).toThrow("merge failed");
    failMerges = false;
    expect(fragile.result(frame.query())).toBe("0,1,2,3,4,5");
    frame.evictOldest();
    expect(fragile.result(frame.query())).toBe("1,2,3,4,5");
  });
});
