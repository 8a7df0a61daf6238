import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { AggregateFunction } from "../aggregate-function.ts";
import { avg } from "../avg.ts";
import { count } from "../count.ts";
import { max } from "../max.ts";
import { min } from "../min.ts";
import { type Stats, stats } from "../stats.ts";
import { sum } from "../sum.ts";
import type { SlidingAccumulator } from "./sliding-accumulator.ts";
import {
  compensationErrorBound,
  exactSum,
  type FifoOp,
  fifoOps,
  foldErrorBound,
  mixedNumbers,
} from "./sliding-test-support.ts";

interface Rec {
  readonly price: number;
}

const builtIns: [string, AggregateFunction<Rec, unknown, unknown>][] = [
  ["count", count()],
  ["sum", sum((r: Rec) => r.price)],
  ["avg", avg((r: Rec) => r.price)],
  ["min", min((r: Rec) => r.price)],
  ["max", max((r: Rec) => r.price)],
  ["stats", stats((r: Rec) => r.price)],
];

/** The aggregate's own answer for the records held: `create`, `add` each, `result`. */
function fold(fn: AggregateFunction<Rec, unknown, unknown>, held: readonly Rec[]): unknown {
  let acc = fn.create();
  for (const r of held) acc = fn.add(acc, r);
  return fn.result(acc);
}

/** Runs `ops` on the sliding form and a plain array, handing both answers over after every step. */
function run(
  fn: AggregateFunction<Rec, unknown, unknown>,
  ops: readonly FifoOp[],
  compare: (got: unknown, held: readonly Rec[], passed: readonly number[], updates: number) => void,
): void {
  const sliding: SlidingAccumulator<Rec, unknown> = fn.sliding!();
  const held: Rec[] = [];
  const passed: number[] = [];
  let updates = 0;
  for (const op of ops) {
    updates++;
    if ("push" in op) {
      sliding.push({ price: op.push });
      held.push({ price: op.push });
      passed.push(op.push);
    } else if (held.length > 0) {
      sliding.evictOldest();
      held.shift();
    }
    if (held.length > 0) compare(sliding.result(), held, passed, updates);
  }
}

describe("sliding forms of the built-in aggregates", () => {
  test.each(builtIns)("%s: equals the fold of the records held, exactly for integers", (_, fn) => {
    fc.assert(
      fc.property(fifoOps(fc.integer({ min: -1000, max: 1000 })), (ops) => {
        run(fn, ops, (got, held) => expect(got).toEqual(fold(fn, held)));
      }),
      { numRuns: 200 },
    );
  });

  test.each(builtIns)(
    "%s: floats of mixed magnitude agree with the exact sum within a fold's rounding",
    (name, fn) => {
      fc.assert(
        fc.property(fifoOps(mixedNumbers), (ops) => {
          run(fn, ops, (got, held, passed, updates) => {
            const prices = held.map((r) => r.price);
            const exact = exactSum(prices);
            const tolerance = foldErrorBound(prices) + compensationErrorBound(updates, passed);
            // Sums, and so means, may differ from the fold's in rounding: both are held to the exact sum.
            const closeToExact = (total: number) =>
              expect(Math.abs(total - exact)).toBeLessThanOrEqual(tolerance);
            // A mean adds the rounding of one division.
            const n = prices.length;
            const closeToExactMean = (mean: number) =>
              expect(Math.abs(mean - exact / n)).toBeLessThanOrEqual(
                tolerance / n + Number.EPSILON * Math.abs(exact / n),
              );
            if (name === "sum") closeToExact(got as number);
            else if (name === "avg") closeToExactMean(got as number);
            else if (name === "stats") {
              const { sum: total, avg: mean, ...rest } = got as Stats;
              const { sum: _, avg: __, ...expected } = fold(fn, held) as Stats;
              expect(rest).toEqual(expected);
              closeToExact(total);
              closeToExactMean(mean);
            } else expect(Object.is(got, fold(fn, held))).toBe(true);
          });
        }),
        { numRuns: 200 },
      );
    },
  );

  test.each(builtIns.slice(1))(
    "%s: a push whose projection throws leaves the accumulator as it was",
    (_, fn) => {
      const sliding = fn.sliding!();
      sliding.push({ price: 3 });
      const poisoned = {
        get price(): number {
          throw new Error("bad record");
        },
      };
      expect(() => sliding.push(poisoned)).toThrow("bad record");
      sliding.push({ price: 5 });
      sliding.evictOldest();
      expect(sliding.result()).toEqual(fold(fn, [{ price: 5 }]));
    },
  );

  test("result() is a new value each time", () => {
    const sliding = stats((r: Rec) => r.price).sliding!();
    sliding.push({ price: 1 });
    const first = sliding.result();
    sliding.push({ price: 2 });
    expect(first).toEqual({ count: 1, sum: 1, min: 1, max: 1, avg: 1 });
    expect(sliding.result()).not.toBe(first);
  });

  test("aggregates without a sliding form: first, last, topN and user-defined ones", async () => {
    const { first } = await import("../first.ts");
    const { last } = await import("../last.ts");
    const { topN } = await import("../top-n.ts");
    expect(first().sliding).toBeUndefined();
    expect(last().sliding).toBeUndefined();
    expect(topN(2, (r: Rec) => r.price).sliding).toBeUndefined();
  });
});
