import { describe, expect, test } from "vitest";
import { PipelineDefinitionError } from "../runtime/errors.ts";
import type { AggregateFunction } from "./aggregate-function.ts";
import { avg } from "./avg.ts";
import { count } from "./count.ts";
import { first } from "./first.ts";
import { last } from "./last.ts";
import { max } from "./max.ts";
import { min } from "./min.ts";
import { stats } from "./stats.ts";
import { sum } from "./sum.ts";
import { topN } from "./top-n.ts";

interface Tick {
  readonly id: string;
  readonly price: number;
}

function fold<T, TAcc, TOut>(fn: AggregateFunction<T, TAcc, TOut>, values: readonly T[]): TAcc {
  let acc = fn.create();
  for (const value of values) acc = fn.add(acc, value);
  return acc;
}

function aggregate<T, TAcc, TOut>(fn: AggregateFunction<T, TAcc, TOut>, values: readonly T[]): TOut {
  return fn.result(fold(fn, values));
}

const price = (t: Tick) => t.price;
const ticks: Tick[] = [
  { id: "a", price: 3 },
  { id: "b", price: 1 },
  { id: "c", price: 4 },
  { id: "d", price: 1 },
  { id: "e", price: 5 },
];

describe("numeric aggregates", () => {
  test("compute over records", () => {
    expect(aggregate(count(), ticks)).toBe(5);
    expect(aggregate(sum(price), ticks)).toBe(14);
    expect(aggregate(min(price), ticks)).toBe(1);
    expect(aggregate(max(price), ticks)).toBe(5);
    expect(aggregate(avg(price), ticks)).toBe(2.8);
    expect(aggregate(stats(price), ticks)).toEqual({ count: 5, sum: 14, min: 1, max: 5, avg: 2.8 });
  });

  test("one record", () => {
    const one = [{ id: "x", price: -2 }];
    expect(aggregate(count(), one)).toBe(1);
    expect(aggregate(sum(price), one)).toBe(-2);
    expect(aggregate(min(price), one)).toBe(-2);
    expect(aggregate(max(price), one)).toBe(-2);
    expect(aggregate(avg(price), one)).toBe(-2);
    expect(aggregate(stats(price), one)).toEqual({ count: 1, sum: -2, min: -2, max: -2, avg: -2 });
  });

  test("empty accumulators follow Math.min, Math.max and 0 / 0", () => {
    expect(aggregate(count(), [])).toBe(0);
    expect(aggregate(sum(price), [])).toBe(0);
    expect(aggregate(min(price), [])).toBe(Number.POSITIVE_INFINITY);
    expect(aggregate(max(price), [])).toBe(Number.NEGATIVE_INFINITY);
    expect(aggregate(avg(price), [])).toBeNaN();
    expect(aggregate(stats(price), [])).toEqual({
      count: 0,
      sum: 0,
      min: Number.POSITIVE_INFINITY,
      max: Number.NEGATIVE_INFINITY,
      avg: Number.NaN,
    });
  });

  test("merging with an empty accumulator changes nothing", () => {
    for (const fn of [min(price), max(price), sum(price), count()] as const) {
      const fnOf = fn as AggregateFunction<Tick, number, number>;
      const full = fold(fnOf, ticks);
      expect(fnOf.result(fnOf.merge(fnOf.create(), full))).toBe(fnOf.result(full));
      expect(fnOf.result(fnOf.merge(full, fnOf.create()))).toBe(fnOf.result(full));
    }
    const s = stats(price);
    expect(s.result(s.merge(s.create(), fold(s, ticks)))).toEqual(aggregate(s, ticks));
  });

  test("a NaN value propagates, as in plain arithmetic", () => {
    const withNaN = [...ticks, { id: "n", price: Number.NaN }, { id: "z", price: 0 }];
    expect(aggregate(sum(price), withNaN)).toBeNaN();
    expect(aggregate(min(price), withNaN)).toBeNaN();
    expect(aggregate(max(price), withNaN)).toBeNaN();
    expect(aggregate(avg(price), withNaN)).toBeNaN();
    expect(aggregate(count(), withNaN)).toBe(7);
  });

  test("the extractor runs once per record", () => {
    let calls = 0;
    const counted = (t: Tick) => {
      calls++;
      return t.price;
    };
    aggregate(stats(counted), ticks);
    expect(calls).toBe(ticks.length);
  });

  test("add may update in place, merge returns a new accumulator", () => {
    const fn = avg(price);
    const a = fold(fn, ticks.slice(0, 2));
    const b = fold(fn, ticks.slice(2));
    const merged = fn.merge(a, b);
    expect(merged).not.toBe(a);
    expect(merged).not.toBe(b);
    fn.add(merged, { id: "f", price: 100 });
    expect(a).toEqual({ sum: 4, count: 2 });
    expect(b).toEqual({ sum: 10, count: 3 });
  });
});

describe("first and last", () => {
  test("take the first and last record in arrival order", () => {
    expect(aggregate(first<Tick>(), ticks)).toEqual({ id: "a", price: 3 });
    expect(aggregate(last<Tick>(), ticks)).toEqual({ id: "e", price: 5 });
    expect(aggregate(first(price), ticks)).toBe(3);
    expect(aggregate(last(price), ticks)).toBe(5);
  });

  test("a projected undefined is a value, not an empty accumulator", () => {
    const optional = (t: Tick) => (t.price > 2 ? t.id : undefined);
    expect(aggregate(first(optional), [{ id: "x", price: 1 }, ...ticks])).toBeUndefined();
    expect(aggregate(last(optional), [...ticks, { id: "x", price: 1 }])).toBeUndefined();
  });

  test("merge keeps the earlier side's first and the later side's last", () => {
    const f = first(price);
    const l = last(price);
    const early = ticks.slice(0, 2);
    const late = ticks.slice(2);
    expect(f.result(f.merge(fold(f, early), fold(f, late)))).toBe(3);
    expect(f.result(f.merge(f.create(), fold(f, late)))).toBe(4);
    expect(l.result(l.merge(fold(l, early), fold(l, late)))).toBe(5);
    expect(l.result(l.merge(fold(l, early), l.create()))).toBe(1);
  });

  test("an empty accumulator has no first or last value", () => {
    const f = first(price);
    const l = last(price);
    expect(() => f.result(f.create())).toThrow(RangeError);
    expect(() => l.result(l.merge(l.create(), l.create()))).toThrow(/no record was aggregated/);
  });
});

describe("topN", () => {
  const ids = (values: readonly Tick[]) => values.map((t) => t.id);

  test("keeps the n highest, highest first", () => {
    expect(ids(aggregate(topN(3, price), ticks))).toEqual(["e", "c", "a"]);
    expect(ids(aggregate(topN(10, price), ticks))).toEqual(["e", "c", "a", "b", "d"]);
    expect(aggregate(topN(2, price), [])).toEqual([]);
  });

  test("ties keep the earlier record ahead, and the earlier one when only one fits", () => {
    const tied = [
      { id: "p", price: 2 },
      { id: "q", price: 2 },
      { id: "r", price: 3 },
      { id: "s", price: 2 },
    ];
    expect(ids(aggregate(topN(2, price), tied))).toEqual(["r", "p"]);
    expect(ids(aggregate(topN(3, price), tied))).toEqual(["r", "p", "q"]);
    const fn = topN(2, price);
    expect(ids(fn.result(fn.merge(fold(fn, tied.slice(0, 1)), fold(fn, tied.slice(1)))))).toEqual(["r", "p"]);
  });

  test("a NaN ranks lowest", () => {
    const values = [
      { id: "nan", price: Number.NaN },
      { id: "low", price: -5 },
      { id: "high", price: 7 },
    ];
    expect(ids(aggregate(topN(3, price), values))).toEqual(["high", "low", "nan"]);
    expect(ids(aggregate(topN(2, price), values))).toEqual(["high", "low"]);
  });

  test("each result is a new array", () => {
    const fn = topN(2, price);
    const acc = fold(fn, ticks);
    const result = fn.result(acc);
    result.pop();
    expect(ids(fn.result(acc))).toEqual(["e", "c"]);
    fn.add(acc, { id: "z", price: 99 });
    expect(ids(result)).toEqual(["e"]);
  });

  test.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("n = %s is refused, naming n", (n) => {
    expect(() => topN(n, price)).toThrow(PipelineDefinitionError);
    expect(() => topN(n, price)).toThrow(/topN: n must be a positive integer/);
  });
});
