import fc from "fast-check";
import { describe, expect, test } from "vitest";
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

interface Rec {
  readonly id: string;
  readonly price: number;
}

function fold<TAcc, TOut>(fn: AggregateFunction<Rec, TAcc, TOut>, values: readonly Rec[]): TAcc {
  let acc = fn.create();
  for (const value of values) acc = fn.add(acc, value);
  return acc;
}

/** A result, or the message it threw (first/last of nothing throw). */
function outcome<TAcc, TOut>(fn: AggregateFunction<Rec, TAcc, TOut>, acc: TAcc): unknown {
  try {
    return { value: fn.result(acc) };
  } catch (error) {
    return { threw: (error as Error).message };
  }
}

// Small integer prices: sums are exact, so merged and sequential results must be equal, and ties
// are frequent enough to exercise topN's ordering.
const prices = fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 12 });
const partitions = fc.array(prices, { maxLength: 5 });

/** Distinct ids in input order, so a wrong tie-break or a swapped merge shows. */
function label(parts: readonly (readonly number[])[]): Rec[][] {
  let next = 0;
  return parts.map((part) => part.map((price) => ({ id: `r${next++}`, price })));
}

const price = (r: Rec) => r.price;
const cases: [string, AggregateFunction<Rec, unknown, unknown>][] = [
  ["count", count()],
  ["sum", sum(price)],
  ["min", min(price)],
  ["max", max(price)],
  ["avg", avg(price)],
  ["first", first<Rec>()],
  ["last", last(price)],
  ["topN", topN(3, price)],
  ["topN(1)", topN(1, price)],
  ["stats", stats(price)],
];

describe.each(cases)("%s", (_name, fn) => {
  test("result(merge(fold(xs), fold(ys))) equals result(fold(xs ++ ys))", () => {
    fc.assert(
      fc.property(prices, prices, (xsPrices, ysPrices) => {
        const [xs = [], ys = []] = label([xsPrices, ysPrices]);
        const merged = fn.merge(fold(fn, xs), fold(fn, ys));
        expect(outcome(fn, merged)).toEqual(outcome(fn, fold(fn, [...xs, ...ys])));
      }),
    );
  });

  test("merging any partition left to right equals folding the whole", () => {
    fc.assert(
      fc.property(partitions, (parts) => {
        const labelled = label(parts);
        const merged = labelled.map((part) => fold(fn, part)).reduce((a, b) => fn.merge(a, b), fn.create());
        expect(outcome(fn, merged)).toEqual(outcome(fn, fold(fn, labelled.flat())));
      }),
    );
  });

  test("merge leaves its arguments unchanged, also when its result is added to", () => {
    fc.assert(
      fc.property(prices, prices, prices, (xsPrices, ysPrices, morePrices) => {
        const [xs = [], ys = [], more = []] = label([xsPrices, ysPrices, morePrices]);
        const a = fold(fn, xs);
        const b = fold(fn, ys);
        const aBefore = structuredClone(a);
        const bBefore = structuredClone(b);
        let merged = fn.merge(a, b);
        expect(a).toEqual(aBefore);
        expect(b).toEqual(bBefore);
        for (const r of more) merged = fn.add(merged, r);
        outcome(fn, merged);
        expect(a).toEqual(aBefore);
        expect(b).toEqual(bBefore);
      }),
    );
  });

  test("the accumulator survives a structured clone (what checkpoints do)", () => {
    fc.assert(
      fc.property(prices, prices, (xsPrices, ysPrices) => {
        const [xs = [], ys = []] = label([xsPrices, ysPrices]);
        let acc = structuredClone(fold(fn, xs));
        for (const r of ys) acc = fn.add(acc, r);
        expect(outcome(fn, acc)).toEqual(outcome(fn, fold(fn, [...xs, ...ys])));
      }),
    );
  });
});

describe("against a batch computation", () => {
  test("topN equals a stable sort, highest first, cut at n", () => {
    fc.assert(
      fc.property(prices, fc.integer({ min: 1, max: 6 }), (ps, n) => {
        const [records = []] = label([ps]);
        const expected = [...records].sort((x, y) => y.price - x.price).slice(0, n);
        expect(fold(topN(n, price), records).values).toEqual(expected);
      }),
    );
  });

  test("stats equals the separate aggregates", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1 }), (ps) => {
        const [records = []] = label([ps]);
        const s = stats(price);
        const result = s.result(fold(s, records));
        expect(result.min).toBe(Math.min(...ps));
        expect(result.max).toBe(Math.max(...ps));
        expect(result.count).toBe(ps.length);
        expect(result.sum).toBeCloseTo(
          ps.reduce((a, b) => a + b, 0),
          3,
        );
        expect(result.avg).toBeCloseTo(result.sum / ps.length, 9);
      }),
    );
  });

  test("with fractional values, merged sums agree with sequential ones up to rounding", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e3, max: 1e3 })), fc.nat(), (ps, cut) => {
        const [records = []] = label([ps]);
        const at = ps.length === 0 ? 0 : cut % ps.length;
        const fn = avg(price);
        const merged = fn.result(fn.merge(fold(fn, records.slice(0, at)), fold(fn, records.slice(at))));
        const sequential = fn.result(fold(fn, records));
        if (ps.length === 0) expect(merged).toBeNaN();
        else expect(merged).toBeCloseTo(sequential, 6);
      }),
    );
  });
});
