import { describe, expect, it } from "vitest";
import type { SqlValue } from "../../types/sql-value.ts";
import type { AggregateCallOptions, ArgumentInfo } from "../function-contract.ts";
import { SqlFunctionError } from "../function-contract.ts";
import { t } from "../support/test-support.ts";
import { lagFunction, nthValueFunction } from "./analytic-functions.ts";

const RESPECT: AggregateCallOptions = { distinct: false, star: false, nulls: "respect" };
const IGNORE: AggregateCallOptions = { ...RESPECT, nulls: "ignore" };
const D = t("DOUBLE");
const lit = (v: number): ArgumentInfo => ({ type: t("INTEGER"), literal: v });

describe("LAG (sql-reference-lag.html)", () => {
  // The page's example: LAG(price, 1, 0) and LAG(price, 2, 0) IGNORE NULLS over one ticker's rows.
  const prices: SqlValue[] = [10, null, 12, 13];
  const frames = prices.map((_, i) => prices.slice(0, i + 1));
  const lag = (n: number, options: AggregateCallOptions, frame: SqlValue[]) => {
    const args = [{ type: D }, lit(n), { type: D, literal: 0 }];
    lagFunction.returnType(args, options);
    return lagFunction.create(args, options).evaluate(frame.map((p) => [p, n, 0]));
  };
  it("skips NULLs with IGNORE NULLS, falling back to the default outside the window", () => {
    expect(frames.map((f) => lag(1, IGNORE, f))).toEqual([0, 10, 10, 12]);
    expect(frames.map((f) => lag(2, IGNORE, f))).toEqual([0, 0, 0, 10]);
  });
  it("counts NULLs with RESPECT NULLS (the default), the default never replacing a NULL", () => {
    expect(frames.map((f) => lag(1, RESPECT, f))).toEqual([0, 10, null, 12]);
    expect(frames.map((f) => lag(0, RESPECT, f))).toEqual([10, null, 12, 13]);
    const plain = lagFunction.create([{ type: D }], RESPECT);
    expect(plain.history).toBe(2);
    expect(plain.evaluate([[5]])).toBeNull();
    expect(plain.evaluate([[5], [6]])).toBe(5);
  });
  it("checks its arguments", () => {
    expect(() => lagFunction.returnType([{ type: D }, lit(-1)], RESPECT)).toThrow(
      new SqlFunctionError("LAG's offset must be an integer of at least 0, got -1"),
    );
    expect(() => lagFunction.returnType([{ type: D }, { type: t("VARCHAR") }], RESPECT)).toThrow(/integer/);
    expect(() => lagFunction.returnType([{ type: D }, lit(1), { type: t("DATE") }], RESPECT)).toThrow(
      /default/,
    );
  });
});

describe("NTH_VALUE (sql-reference-nth-value.html)", () => {
  const rows = [1, null, 3, 4].map((x) => [x, 2]);
  const nth = (options: AggregateCallOptions) =>
    nthValueFunction.create([{ type: D }, lit(2)], options).evaluate(rows);
  it("counts from the first or the last row, skipping NULLs when told, NULL past the end", () => {
    expect(nth(RESPECT)).toBeNull();
    expect(nth(IGNORE)).toBe(3);
    expect(nth({ ...RESPECT, from: "last" })).toBe(3);
    expect(nth({ ...IGNORE, from: "last" })).toBe(3);
    expect(nthValueFunction.create([{ type: D }, lit(9)], RESPECT).evaluate([[1, 9]])).toBeNull();
    expect(() => nthValueFunction.returnType([{ type: D }, lit(0)], RESPECT)).toThrow(SqlFunctionError);
  });
});
