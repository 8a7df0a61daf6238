import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SqlType } from "../../types/sql-type.ts";
import type { SqlValue } from "../../types/sql-value.ts";
import type { AggregateCallOptions, ArgumentInfo } from "../function-contract.ts";
import { t } from "../support/test-support.ts";
import { callSite, fold, foldColumnar, type Rows } from "./aggregate-test-support.ts";
import { aggregateFamily } from "./index.ts";

type Op = { readonly push: SqlValue } | { readonly evict: true };

const HALF_LIFE = { kind: "day-time", ms: 5_000 } as const;

interface Case {
  readonly name: string;
  readonly args: readonly (SqlType | ArgumentInfo)[];
  readonly options?: Partial<AggregateCallOptions>;
  readonly values: fc.Arbitrary<SqlValue>;
  /** The result computed plainly from the rows held. */
  naive(rows: Rows): SqlValue;
  /** Variances scale with the square of the values; everything else linearly. */
  readonly squared?: boolean;
}

const numbers = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
);
const withNulls = <T extends SqlValue>(a: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: a });
const nonNull = (rows: Rows) => rows.map((r) => r[0]!).filter((v) => v !== null);
const sumOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

function variance(xs: number[], sample: boolean): number | null {
  if (xs.length === 0 || (sample && xs.length === 1)) return null;
  const mean = sumOf(xs) / xs.length;
  return sumOf(xs.map((x) => (x - mean) ** 2)) / (sample ? xs.length - 1 : xs.length);
}

const DOUBLE = t("DOUBLE");
const CASES: Case[] = [
  {
    name: "COUNT",
    args: [],
    options: { star: true },
    values: withNulls(numbers),
    naive: (rows) => rows.length,
  },
  { name: "COUNT", args: [DOUBLE], values: withNulls(numbers), naive: (rows) => nonNull(rows).length },
  {
    name: "SUM",
    args: [DOUBLE],
    values: withNulls(numbers),
    naive: (rows) => (nonNull(rows).length === 0 ? null : sumOf(nonNull(rows) as number[])),
  },
  {
    name: "SUM",
    args: [t("BIGINT")],
    values: withNulls(fc.integer({ min: -1e6, max: 1e6 })),
    naive: (rows) => (nonNull(rows).length === 0 ? null : sumOf(nonNull(rows) as number[])),
  },
  {
    name: "AVG",
    args: [t("INTEGER")],
    values: withNulls(fc.integer({ min: -1000, max: 1000 })),
    naive: (rows) => {
      const xs = nonNull(rows) as number[];
      return xs.length === 0 ? null : Math.trunc(sumOf(xs) / xs.length) || 0;
    },
  },
  {
    name: "AVG",
    args: [DOUBLE],
    values: withNulls(numbers),
    naive: (rows) => {
      const xs = nonNull(rows) as number[];
      return xs.length === 0 ? null : sumOf(xs) / xs.length;
    },
  },
  ...(["MIN", "MAX"] as const).flatMap((name): Case[] => [
    {
      name,
      args: [DOUBLE],
      values: withNulls(numbers),
      naive: (rows) => {
        const xs = nonNull(rows) as number[];
        return xs.length === 0 ? null : name === "MIN" ? Math.min(...xs) : Math.max(...xs);
      },
    },
    {
      name,
      args: [t("VARCHAR")],
      values: withNulls(fc.string({ maxLength: 3 })),
      naive: (rows) => {
        const xs = (nonNull(rows) as string[]).sort();
        return xs.length === 0 ? null : name === "MIN" ? xs[0]! : xs[xs.length - 1]!;
      },
    },
  ]),
  ...(["FIRST_VALUE", "LAST_VALUE"] as const).flatMap((name): Case[] =>
    (["respect", "ignore"] as const).map((nulls) => ({
      name,
      args: [DOUBLE],
      options: { nulls },
      values: withNulls(numbers),
      naive: (rows: Rows) => {
        const xs = nulls === "ignore" ? nonNull(rows) : rows.map((r) => r[0]!);
        return xs.length === 0 ? null : name === "FIRST_VALUE" ? xs[0]! : xs[xs.length - 1]!;
      },
    })),
  ),
  ...(["VAR_POP", "VAR_SAMP", "STDDEV_POP", "STDDEV_SAMP"] as const).map(
    (name): Case => ({
      name,
      args: [DOUBLE],
      values: withNulls(numbers),
      squared: name.startsWith("VAR"),
      naive: (rows) => {
        const v = variance(nonNull(rows) as number[], name.endsWith("SAMP"));
        return v === null ? null : name.startsWith("STDDEV") ? Math.sqrt(v) : v;
      },
    }),
  ),
  ...(["ANY", "EVERY"] as const).map(
    (name): Case => ({
      name,
      args: [t("BOOLEAN")],
      values: withNulls(fc.boolean()),
      naive: (rows) => {
        const xs = nonNull(rows);
        return xs.length === 0 ? null : name === "ANY" ? xs.includes(true) : !xs.includes(false);
      },
    }),
  ),
];

/** Closeness that tolerates the rounding of different summation orders. */
function close(actual: SqlValue, expected: SqlValue, scale: number): boolean {
  if (typeof actual !== "number" || typeof expected !== "number")
    return Object.is(actual, expected) || actual === expected;
  return Math.abs(actual - expected) <= 1e-12 * Math.max(1, scale);
}

/** The magnitude rounding errors are relative to: the sum of |x| (of x² for variances). */
function scaleOf(rows: Rows, squared = false): number {
  let m = 0;
  for (const r of rows) if (typeof r[0] === "number") m += squared ? r[0] ** 2 : Math.abs(r[0]);
  return m;
}

function opsOf(values: fc.Arbitrary<SqlValue>): fc.Arbitrary<Op[]> {
  return fc.array(
    fc.oneof(
      { weight: 3, arbitrary: values.map((push): Op => ({ push })) },
      { weight: 2, arbitrary: fc.constant<Op>({ evict: true }) },
    ),
    { maxLength: 80 },
  );
}

describe("aggregate forms agree with a plain computation on random input with NULLs", () => {
  for (const c of CASES) {
    const label = `${c.name}(${c.args.length === 0 ? "*" : "x"}) ${JSON.stringify(c.options ?? {})} on ${c.args.map((a) => ("type" in a ? a.type : a).name).join()}`;
    it(`${label}: sliding form = fold = naive, after every push and eviction`, () => {
      fc.assert(
        fc.property(opsOf(c.values), (ops) => {
          const agg = callSite(
            aggregateFamily.find((f) => f.name === c.name),
            c.args,
            c.options,
          );
          const sliding = agg.sliding!();
          const held: SqlValue[][] = [];
          for (const op of ops) {
            if ("push" in op) {
              held.push([op.push]);
              sliding.push([op.push]);
            } else if (held.length > 0) {
              held.shift();
              sliding.evictOldest();
            }
            if (held.length === 0) continue;
            const expected = c.naive(held);
            const scale = scaleOf(held, c.squared);
            expect(close(fold(agg, held), expected, scale), `fold ${fold(agg, held)} vs ${expected}`).toBe(
              true,
            );
            expect(
              close(sliding.result(), expected, scale),
              `sliding ${sliding.result()} vs ${expected}`,
            ).toBe(true);
          }
        }),
        { numRuns: 60 },
      );
    });

    it(`${label}: merging partial accumulators and the columnar form equal the fold`, () => {
      fc.assert(
        fc.property(fc.array(c.values, { maxLength: 40 }), fc.nat(), (values, at) => {
          const agg = callSite(
            aggregateFamily.find((f) => f.name === c.name),
            c.args,
            c.options,
          );
          const rows = values.map((v) => [v]);
          const split = rows.length === 0 ? 0 : at % (rows.length + 1);
          let a = agg.create();
          for (const r of rows.slice(0, split)) a = agg.add(a, r);
          let b = agg.create();
          for (const r of rows.slice(split)) b = agg.add(b, r);
          const expected = fold(agg, rows);
          const scale = scaleOf(rows, c.squared);
          expect(close(agg.result(agg.merge(a, b)), expected, scale)).toBe(true);
          if (agg.columnar !== undefined) expect(close(foldColumnar(agg, rows), expected, scale)).toBe(true);
        }),
        { numRuns: 60 },
      );
    });
  }

  it("EXP_AVG's fold and merge of partial accumulators equal the plain weighted mean", () => {
    const halfLife = { type: t("INTERVAL_DAY_TIME"), literal: HALF_LIFE };
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({
              x: withNulls(fc.integer({ min: -100, max: 100 })),
              dt: fc.integer({ min: 0, max: 4_000 }),
            }),
            fc.constant(null),
          ),
          {
            maxLength: 60,
          },
        ),
        (steps) => {
          const agg = callSite(
            aggregateFamily.find((f) => f.name === "EXP_AVG"),
            [DOUBLE, halfLife],
          );
          const held: SqlValue[][] = [];
          let now = 1_700_000_000_000;
          for (const step of steps) {
            if (step === null) {
              held.shift();
            } else {
              now += step.dt;
              const row = [step.x, HALF_LIFE, now];
              held.push(row);
            }
            if (held.length === 0) continue;
            const present = held.filter((r) => r[0] !== null);
            const newest = Math.max(...present.map((r) => r[2] as number));
            const weights = present.map((r) => 2 ** (((r[2] as number) - newest) / HALF_LIFE.ms));
            const expected =
              present.length === 0
                ? null
                : sumOf(present.map((r, i) => (r[0] as number) * weights[i]!)) / sumOf(weights);
            expect(close(fold(agg, held), expected, 100)).toBe(true);
            const half = Math.floor(held.length / 2);
            let a = agg.create();
            for (const r of held.slice(0, half)) a = agg.add(a, r);
            let b = agg.create();
            for (const r of held.slice(half)) b = agg.add(b, r);
            expect(close(agg.result(agg.merge(a, b)), expected, 100)).toBe(true);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
