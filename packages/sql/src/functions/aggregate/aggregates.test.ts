import { describe, expect, it } from "vitest";
import type { SqlValue } from "../../types/sql-value.ts";
import { SqlFunctionError } from "../function-contract.ts";
import { decimal } from "../support/sql-types.ts";
import { t } from "../support/test-support.ts";
import { aggregateOf, callSite, fold, foldColumnar, PLAIN } from "./aggregate-test-support.ts";
import { aggregateFamily } from "./index.ts";

const fn = (name: string) => aggregateFamily.find((f) => f.name === name);
const INT = t("INTEGER");
const rows = (...values: SqlValue[]) => values.map((v) => [v]);

// https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-aggregate-functions.html:
// WEATHERSTREAM's temperatures of 2018-11-01 and 2018-11-02, per day and per city.
const DAY1 = { Denver: [29, 32, 50, 43], Anchorage: [2, 9, 10], Miami: [65, 71] };
const DAY2 = { Anchorage: [4, 3, 2], Denver: [39, 46, 56, 50] };

describe("aggregates on the documented examples", () => {
  it("MIN, MAX per day and SUM / COUNT per city (integer division) — aggregate functions page", () => {
    const all1 = Object.values(DAY1).flat();
    const all2 = Object.values(DAY2).flat();
    expect([
      fold(callSite(fn("MIN"), [INT]), rows(...all1)),
      fold(callSite(fn("MAX"), [INT]), rows(...all1)),
    ]).toEqual([2, 71]);
    expect([
      fold(callSite(fn("MIN"), [INT]), rows(...all2)),
      fold(callSite(fn("MAX"), [INT]), rows(...all2)),
    ]).toEqual([2, 56]);
    const avgTemp = (temps: number[]) =>
      Math.trunc(
        (fold(callSite(fn("SUM"), [INT]), rows(...temps)) as number) /
          (fold(callSite(fn("COUNT"), [INT]), rows(...temps)) as number),
      );
    expect([avgTemp(DAY1.Anchorage), avgTemp(DAY1.Denver), avgTemp(DAY1.Miami)]).toEqual([7, 38, 68]);
    expect([avgTemp(DAY2.Anchorage), avgTemp(DAY2.Denver)]).toEqual([3, 47]);
  });

  it("AVG ignores NULLs and keeps the argument's type (sql-reference-avg.html)", () => {
    expect(fold(callSite(fn("AVG"), [INT]), rows(1, 2, 3))).toBe(2);
    expect(fold(callSite(fn("AVG"), [INT]), rows(1, null, 2, null, 3, null))).toBe(2);
    expect(fold(callSite(fn("AVG"), [INT]), rows(1, 2))).toBe(1);
    expect(fold(callSite(fn("AVG"), [t("DOUBLE")]), rows(1, 2))).toBe(1.5);
    expect(fold(callSite(fn("AVG"), [decimal(5, 2)]), rows(1, 2, 2))).toBe(1.67);
    expect(fold(callSite(fn("AVG"), [INT]), rows(null, null))).toBeNull();
    expect(fold(callSite(fn("AVG"), [INT]), [])).toBeNull();
  });

  it("SUM widens integers to BIGINT and DECIMAL(p, s) to DECIMAL(18, s)", () => {
    const sum = aggregateOf(fn("SUM"));
    expect(sum.returnType([{ type: t("TINYINT") }], PLAIN)).toEqual(t("BIGINT"));
    expect(sum.returnType([{ type: decimal(5, 2) }], PLAIN)).toEqual(decimal(18, 2));
    expect(sum.returnType([{ type: t("REAL") }], PLAIN)).toEqual(t("REAL"));
    expect(fold(callSite(fn("SUM"), [t("TINYINT")]), rows(100, 100, 100))).toBe(300);
    expect(fold(callSite(fn("SUM"), [decimal(5, 2)]), rows(999.99, 0.02))).toBe(1000.01);
    expect(fold(callSite(fn("SUM"), [t("REAL")]), rows(0.1, 0.2))).toBe(Math.fround(0.1 + 0.2));
  });

  it("COUNT counts rows or non-NULL values; 0 when empty", () => {
    expect(fold(callSite(fn("COUNT"), [], { star: true }), rows(1, null, 3))).toBe(3);
    expect(fold(callSite(fn("COUNT"), [INT]), rows(1, null, 3))).toBe(2);
    expect(fold(callSite(fn("COUNT"), [INT]), [])).toBe(0);
    expect(() => callSite(fn("COUNT"), [INT], { distinct: true })).toThrow(
      new SqlFunctionError("COUNT(DISTINCT ...) is not allowed in streaming or windowed aggregation"),
    );
  });

  it("FIRST_VALUE and LAST_VALUE respect or ignore NULLs (sql-reference-first-value.html)", () => {
    const values = rows(null, 1, 2, null);
    expect(fold(callSite(fn("FIRST_VALUE"), [INT]), values)).toBeNull();
    expect(fold(callSite(fn("FIRST_VALUE"), [INT], { nulls: "ignore" }), values)).toBe(1);
    expect(fold(callSite(fn("LAST_VALUE"), [INT]), values)).toBeNull();
    expect(fold(callSite(fn("LAST_VALUE"), [INT], { nulls: "ignore" }), values)).toBe(2);
  });

  it("STDDEV and VARIANCE, population and sample", () => {
    const D = t("DOUBLE");
    const data = rows(2, 4, 4, 4, 5, 5, 7, 9);
    expect(fold(callSite(fn("VAR_POP"), [D]), data)).toBe(4);
    expect(fold(callSite(fn("STDDEV_POP"), [D]), data)).toBe(2);
    expect(fold(callSite(fn("VAR_SAMP"), [D]), data)).toBeCloseTo(32 / 7, 12);
    expect(fold(callSite(fn("STDDEV_SAMP"), [D]), rows(1))).toBeNull();
    expect(fold(callSite(fn("STDDEV_POP"), [D]), rows(1))).toBe(0);
    expect(fold(callSite(fn("STDDEV_POP"), [INT]), rows(1, 2))).toBe(0);
    expect(fold(callSite(fn("STDDEV_POP"), [D]), rows(null))).toBeNull();
  });

  it("MIN and MAX of strings, ANY and EVERY", () => {
    expect(fold(callSite(fn("MIN"), [t("VARCHAR")]), rows("pear", null, "apple"))).toBe("apple");
    expect(fold(callSite(fn("MAX"), [t("VARCHAR")]), rows("pear", null, "apple"))).toBe("pear");
    // sql-reference-any.html / sql-reference-every.html: ANY(price < 1), EVERY(price < 1).
    const below1 = rows(false, true, null);
    expect(fold(callSite(fn("ANY"), [t("BOOLEAN")]), below1)).toBe(true);
    expect(fold(callSite(fn("EVERY"), [t("BOOLEAN")]), below1)).toBe(false);
    expect(fold(callSite(fn("EVERY"), [t("BOOLEAN")]), rows(true, null))).toBe(true);
    expect(fold(callSite(fn("ANY"), [t("BOOLEAN")]), rows(null))).toBeNull();
    expect(() => callSite(fn("ANY"), [INT])).toThrow("ANY expects one boolean; got INTEGER");
  });

  it("EXP_AVG weighs prices of the last half-life twice as much as those one half-life older (sql-reference-exp-avg.html)", () => {
    const halfLife = { type: t("INTERVAL_DAY_TIME"), literal: { kind: "day-time", ms: 10_000 } as const };
    const agg = callSite(fn("EXP_AVG"), [t("DOUBLE"), halfLife]);
    // Two prices: 10 at t = 0 s and 40 at t = 10 s: weights 1 and 2, so (10 + 80) / 3 = 30.
    expect(
      fold(agg, [
        [10, halfLife.literal, 0],
        [40, halfLife.literal, 10_000],
      ]),
    ).toBe(30);
    expect(fold(agg, [[null, halfLife.literal, 0]])).toBeNull();
    expect(aggregateOf(fn("EXP_AVG")).rowtimeArgument).toBe(true);
    expect(() => callSite(fn("EXP_AVG"), [t("DOUBLE"), { type: t("INTERVAL_DAY_TIME") }])).toThrow(
      /half-life/,
    );
  });

  it("offers columnar forms for the numeric aggregates", () => {
    for (const name of ["COUNT", "SUM", "AVG", "MIN", "MAX", "VAR_POP", "ANY"]) {
      const type = name === "ANY" ? t("BOOLEAN") : INT;
      const agg = callSite(fn(name), [type]);
      const data = name === "ANY" ? rows(true, null, false) : rows(3, null, 5, 1);
      expect(foldColumnar(agg, data)).toEqual(fold(agg, data));
    }
    expect(callSite(fn("MIN"), [t("VARCHAR")]).columnar).toBeUndefined();
    expect(PLAIN.nulls).toBe("respect");
  });
});
