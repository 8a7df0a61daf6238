import { describe, expect, it } from "vitest";
import type { SqlType } from "../../types/sql-type.ts";
import type { SqlInterval } from "../../types/sql-value.ts";
import { parseDatetimeLiteral } from "../datetime/datetime-literals.ts";
import { formatInterval, parseIntervalLiteral, parseQualifier } from "../datetime/interval-literals.ts";
import { SqlFunctionError } from "../function-contract.ts";
import { decimal, intervalType } from "../support/sql-types.ts";
import { callTyped, t, typeFor } from "../support/test-support.ts";
import { numericResultType } from "./arithmetic-types.ts";
import { numericFamily } from "./index.ts";
import { fitNumber } from "./numeric-values.ts";

const fn = (name: string) => numericFamily.find((f) => f.name === name);
const INT = t("INTEGER");
const DOUBLE = t("DOUBLE");
const TS = t("TIMESTAMP");
const dec = (p: number, s: number) => decimal(p, s);
const ts = (text: string) => parseDatetimeLiteral("TIMESTAMP", text);
const interval = (text: string, qualifier: string): [SqlInterval, SqlType] => [
  parseIntervalLiteral(text, parseQualifier(qualifier)),
  intervalType(parseQualifier(qualifier)),
];

describe("arithmetic (sql-reference-streaming-operators.html)", () => {
  it.each([
    ["+", INT, INT, 1, 1, 2, INT],
    ["+", dec(2, 1), dec(2, 1), 2, 2, 4, dec(3, 1)],
    ["+", dec(2, 1), INT, 3, 2, 5, dec(12, 1)],
    ["/", INT, INT, 5, 2, 2, INT],
    ["/", dec(2, 1), INT, 5, 2, 2.5, dec(13, 12)],
    ["*", INT, INT, 5, 2, 10, INT],
    ["/", INT, INT, -5, 2, -2, INT],
    ["/", DOUBLE, INT, 5, 2, 2.5, DOUBLE],
    ["-", t("REAL"), INT, 0.1, 0, Math.fround(0.1), t("REAL")],
  ] as const)("%s on %o and %o", (op, ta, tb, a, b, expected, type) => {
    expect(typeFor(fn(op), ta, tb)).toEqual(type);
    expect(callTyped(fn(op), [ta, tb], a, b)).toBe(expected);
  });

  // https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-numeric-types-precision.html
  // The page's worked numbers contradict its own formulas (a quotient scale of "14" from
  // max(6, 1 + 10 + 1); a sum precision of "11" from max(9, 7) + 3 + 1): the formulas are applied.
  it("types DECIMAL results by the numeric-types-precision page's formulas", () => {
    expect(numericResultType("/", dec(10, 1), dec(10, 3))).toEqual(dec(18, 6));
    expect(numericResultType("*", dec(10, 1), dec(10, 3))).toEqual(dec(18, 4));
    expect(numericResultType("+", dec(10, 1), dec(10, 3))).toEqual(dec(13, 3));
    expect(callTyped(fn("/"), [dec(5, 2), INT], 1, 3)).toBe(0.3333333333333);
  });

  it("makes division by zero and overflow row errors", () => {
    expect(() => callTyped(fn("/"), [INT, INT], 1, 0)).toThrow(new SqlFunctionError("Division by zero"));
    expect(callTyped(fn("/"), [DOUBLE, INT], 1, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(() => callTyped(fn("+"), [t("TINYINT"), t("TINYINT")], 100, 100)).toThrow(
      "Numeric value 200 is out of range for TINYINT",
    );
    expect(() => callTyped(fn("NEGATE"), [t("TINYINT")], -128)).toThrow(SqlFunctionError);
    expect(callTyped(fn("+"), [INT, INT], null, 1)).toBeNull();
  });

  it("refuses DATE - DATE without a qualifier with KDA's message", () => {
    expect(() => typeFor(fn("-"), t("DATE"), t("DATE"))).toThrow(
      /^Cannot apply '-' to arguments of type '<DATE> - <DATE>'\. Supported form\(s\): '<NUMERIC> - <NUMERIC>'/,
    );
    expect(() => typeFor(fn("+"), t("VARCHAR", { length: 2 }), INT)).toThrow(SqlFunctionError);
  });
});

describe("date, timestamp and interval operators (sql-reference-date-timestamp-interval.html)", () => {
  const apply = (op: string, [a, ta]: [unknown, SqlType], [b, tb]: [unknown, SqlType]) => {
    const type = typeFor(fn(op), ta, tb);
    return formatInterval(
      callTyped(fn(op), [ta, tb], a as SqlInterval, b as SqlInterval) as SqlInterval,
      type.qualifier,
    );
  };
  it("adds, subtracts, multiplies and divides intervals", () => {
    expect(apply("+", interval("1", "DAY"), interval("3", "DAY"))).toBe("+4");
    expect(apply("+", interval("1", "DAY"), interval("3 4", "DAY TO HOUR"))).toBe("+4 04");
    expect(apply("-", interval("1", "DAY"), interval("3 4", "DAY TO HOUR"))).toBe("-2 04");
    expect(apply("+", interval("1", "YEAR"), interval("3-4", "YEAR TO MONTH"))).toBe("+4-04");
    expect(apply("*", [2, INT], interval("3 4", "DAY TO HOUR"))).toBe("+6 08");
    expect(apply("/", interval("3 4", "DAY TO HOUR"), [2, INT])).toBe("+1 14");
  });

  const diff = (a: number, b: number, type: SqlType, qualifier: string) =>
    formatInterval(
      callTyped(
        fn("-"),
        [type, type, { type: t("VARCHAR"), literal: qualifier }],
        a,
        b,
        qualifier,
      ) as SqlInterval,
      parseQualifier(qualifier),
    );
  const time = (text: string) => parseDatetimeLiteral("TIME", text);
  const date = (text: string) => parseDatetimeLiteral("DATE", text);

  it("subtracts datetimes into the interval the qualifier names", () => {
    // Examples 1, 2, 4, 5, 6 and 7 of the page.
    expect(diff(time("12:03:34"), time("11:57:23"), t("TIME"), "MINUTE TO SECOND")).toBe("+6:11");
    expect(diff(time("12:03:34"), time("11:57:23"), t("TIME"), "SECOND")).toBe("+371");
    expect(diff(time("12:03:34"), time("11:57:23"), t("TIME"), "MINUTE")).toBe("+6");
    expect(diff(time("12:03:23"), time("11:57:23"), t("TIME"), "MINUTE")).toBe("+6");
    expect(diff(ts("2004-05-01 12:03:34"), ts("2004-04-29 11:57:23"), TS, "DAY TO SECOND")).toBe(
      "+2 00:06:11",
    );
    expect(diff(ts("2004-05-01 01:03:34"), ts("2004-04-29 11:57:23"), TS, "DAY TO SECOND")).toBe(
      "+1 13:06:11",
    );
    expect(diff(ts("2004-05-01 13:03:34"), ts("2004-04-29 11:57:23"), TS, "DAY TO SECOND")).toBe(
      "+2 01:06:11",
    );
    expect(diff(ts("2004-05-01 12:03:34"), ts("2004-04-29 11:57:23"), TS, "DAY")).toBe("+2");
    expect(diff(date("2004-12-02"), date("2003-12-01"), t("DATE"), "DAY")).toBe("+367");
    expect(diff(date("2004-12-02"), date("2003-12-01"), t("DATE"), "YEAR TO MONTH")).toBe("+1-00");
    // Example 3: a TIME minus a TIMESTAMP.
    expect(() => typeFor(fn("-"), t("TIME"), TS, { type: t("VARCHAR"), literal: "DAY TO SECOND" })).toThrow(
      "Parameters must be of the same type",
    );
  });

  it("moves datetimes by intervals, clamping to the end of the month", () => {
    const add = (at: number, type: SqlType, [value, itype]: [SqlInterval, SqlType]) =>
      callTyped(fn("+"), [type, itype], at, value);
    expect(add(ts("2004-01-31 10:00:00"), TS, interval("1", "MONTH"))).toBe(ts("2004-02-29 10:00:00"));
    expect(add(ts("2004-09-30 13:48:23"), TS, interval("1 02:00:00", "DAY TO SECOND"))).toBe(
      ts("2004-10-01 15:48:23"),
    );
    expect(add(time("23:00:00"), t("TIME"), interval("2", "HOUR"))).toBe(time("01:00:00"));
    expect(add(date("2004-01-01"), t("DATE"), interval("36", "HOUR"))).toBe(date("2004-01-02"));
    expect(
      callTyped(fn("-"), [TS, interval("1", "DAY")[1]], ts("2004-03-01 00:00:00"), interval("1", "DAY")[0]),
    ).toBe(ts("2004-02-29 00:00:00"));
    expect(() => typeFor(fn("+"), t("TIME"), interval("1", "MONTH")[1])).toThrow(SqlFunctionError);
  });
});

describe("numeric functions", () => {
  it("ABS (sql-reference-abs.html)", () => {
    expect(callTyped(fn("ABS"), [dec(2, 1)], 2)).toBe(2);
    expect(callTyped(fn("ABS"), [dec(2, 1)], -1)).toBe(1);
    expect(callTyped(fn("ABS"), [INT], 0)).toBe(0);
    expect(callTyped(fn("ABS"), [INT], -9)).toBe(9);
    const [minus, type] = interval("-3 4:20", "DAY TO MINUTE");
    expect(formatInterval(callTyped(fn("ABS"), [type], minus) as SqlInterval, type.qualifier)).toBe(
      "+3 04:20",
    );
  });

  it("FLOOR and CEIL of numbers (sql-reference-floor.html, sql-reference-ceil.html)", () => {
    const D = dec(3, 1);
    expect(callTyped(fn("FLOOR"), [D], 2.0)).toBe(2);
    expect(callTyped(fn("FLOOR"), [D], -1.0)).toBe(-1);
    expect(callTyped(fn("FLOOR"), [D], 5.2)).toBe(5);
    expect(callTyped(fn("FLOOR"), [D], -3.3)).toBe(-4);
    expect(callTyped(fn("FLOOR"), [D], -3 * 3.1)).toBe(-10);
    expect(callTyped(fn("CEIL"), [D], 2.0)).toBe(2);
    expect(callTyped(fn("CEIL"), [D], -1.0)).toBe(-1);
    expect(callTyped(fn("CEIL"), [D], 5.2)).toBe(6);
    expect(callTyped(fn("CEILING"), [D], -3.3)).toBe(-3);
    expect(callTyped(fn("CEILING"), [D], -3 * 3.1)).toBe(-9);
    expect(typeFor(fn("FLOOR"), D)).toEqual(dec(3, 0));
  });

  const unit = (u: string) => ({ type: t("VARCHAR"), literal: u });
  it.each([
    ["FLOOR", "HOUR", "2004-09-30 13:00:00"],
    ["FLOOR", "MINUTE", "2004-09-30 13:48:00"],
    ["FLOOR", "DAY", "2004-09-30 00:00:00"],
    ["FLOOR", "YEAR", "2004-01-01 00:00:00"],
    ["CEILING", "HOUR", "2004-09-30 14:00:00"],
    ["CEILING", "MINUTE", "2004-09-30 13:49:00"],
    ["CEILING", "DAY", "2004-10-01 00:00:00"],
    ["CEILING", "YEAR", "2005-01-01 00:00:00"],
  ])("%s(TIMESTAMP '2004-09-30 13:48:23' TO %s) = %s", (name, u, expected) => {
    const f = fn(name)!;
    if (f.kind !== "scalar") throw new Error("scalar");
    const args = [{ type: TS }, unit(u)];
    expect(f.prepare!(args)([ts("2004-09-30 13:48:23"), u], { rowtime: 0, queryStart: 0 })).toBe(
      ts(expected),
    );
  });

  it("FLOOR of an interval TO a unit (the STDDEV_POP page's GROUP BY key)", () => {
    const [value, type] = interval("37", "SECOND");
    const f = fn("FLOOR")!;
    if (f.kind !== "scalar") throw new Error("scalar");
    const tenth = callTyped(fn("/"), [type, INT], value, 10) as SqlInterval;
    expect(f.prepare!([{ type }, unit("SECOND")])([tenth, "SECOND"], { rowtime: 0, queryStart: 0 })).toEqual({
      kind: "day-time",
      ms: 3000,
    });
    expect(() => typeFor(fn("FLOOR"), TS, unit("WEEK"))).toThrow(/YEAR, MONTH, DAY, HOUR, MINUTE or SECOND/);
  });

  it("EXP, LN, LOG10, POWER (their reference pages)", () => {
    // The page prints Java's Math.exp(1), one ulp above V8's (and above Math.E).
    // biome-ignore lint/suspicious/noApproximativeNumericConstant: the value printed on the EXP page
    expect(callTyped(fn("EXP"), [INT], 1)).toBeCloseTo(2.7182818284590455, 15);
    expect(callTyped(fn("EXP"), [INT], 0)).toBe(1.0);
    expect(callTyped(fn("EXP"), [INT], -1)).toBe(0.36787944117144233);
    expect(callTyped(fn("EXP"), [INT], 10)).toBe(22026.465794806718);
    expect(callTyped(fn("EXP"), [dec(2, 1)], 2.5)).toBe(12.182493960703473);
    expect(callTyped(fn("LN"), [INT], 1)).toBe(0.0);
    // biome-ignore lint/suspicious/noApproximativeNumericConstant: the value printed on the LN page
    expect(callTyped(fn("LN"), [INT], 10)).toBe(2.302585092994046);
    expect(callTyped(fn("LN"), [dec(2, 1)], 2.5)).toBe(0.9162907318741551);
    expect(callTyped(fn("LOG10"), [INT], 1)).toBe(0.0);
    expect(callTyped(fn("LOG10"), [INT], 100)).toBe(2.0);
    expect(callTyped(fn("LOG10"), [dec(18, 0)], 23)).toBe(1.3617278360175928);
    expect(() => callTyped(fn("LN"), [INT], 0)).toThrow("LN(0): the argument must be positive");
    expect(callTyped(fn("POWER"), [INT, INT], 3, 2)).toBe(9);
    expect(callTyped(fn("POWER"), [INT, INT], -2, 3)).toBe(-8);
    expect(callTyped(fn("POWER"), [INT, INT], 4, -2)).toBe(0.0625);
    expect(callTyped(fn("POWER"), [dec(3, 1), dec(2, 1)], 10.1, 2.5)).toBeCloseTo(324.19285157140644, 10);
    expect(() => callTyped(fn("POWER"), [INT, INT], 0, -1)).toThrow(SqlFunctionError);
    expect(() => callTyped(fn("POWER"), [INT, DOUBLE], -2, 0.5)).toThrow(SqlFunctionError);
    expect(callTyped(fn("POWER"), [INT, INT], null, 2)).toBeNull();
  });

  it("MOD (sql-reference-mod.html)", () => {
    expect(callTyped(fn("MOD"), [INT, INT], 4, 2)).toBe(0);
    expect(callTyped(fn("MOD"), [INT, INT], 5, 3)).toBe(2);
    expect(callTyped(fn("MOD"), [INT, INT], -4, 3)).toBe(-1);
    expect(callTyped(fn("MOD"), [INT, INT], 5, 12)).toBe(5);
    expect(() => callTyped(fn("MOD"), [INT, INT], 5, 0)).toThrow(SqlFunctionError);
    expect(() => typeFor(fn("MOD"), dec(3, 1), INT)).toThrow(/scale 0/);
  });

  it("STEP (sql-reference-step.html; decision A5)", () => {
    expect(callTyped(fn("STEP"), [INT, INT], 23, 5)).toBe(20);
    expect(callTyped(fn("STEP"), [INT, INT], 30, 10)).toBe(30);
    expect(callTyped(fn("STEP"), [INT, INT], -23, 5)).toBe(-25);
    const step = (at: string, i: string, q: string) => {
      const [value, type] = interval(i, q);
      return callTyped(fn("STEP"), [TS, type], ts(at), value);
    };
    expect(step("2004-09-30 13:48:23", "10", "SECOND")).toBe(ts("2004-09-30 13:48:20"));
    expect(step("2004-09-30 13:48:23", "2", "HOUR")).toBe(ts("2004-09-30 12:00:00"));
    expect(step("2004-09-30 13:48:23", "5", "MINUTE")).toBe(ts("2004-09-30 13:45:00"));
    expect(step("2004-09-30 13:48:23", "1", "YEAR")).toBe(ts("2004-01-01 00:00:00"));
    // A5: the page prints 2004-09-25 00:00:00.0; its own epoch-aligned formula gives 2004-09-24.
    expect(step("2004-09-27 13:48:23", "5", "DAY")).toBe(ts("2004-09-24 00:00:00"));
    expect(step("1969-12-31 23:59:59", "1", "MINUTE")).toBe(ts("1969-12-31 23:59:00"));
    expect(() => callTyped(fn("STEP"), [INT, INT], 3, 0)).toThrow(/positive/);
    expect(() => typeFor(fn("STEP"), t("VARCHAR"), interval("1", "DAY")[1])).toThrow(
      "STEP expects a datetime BY an interval, or an integer BY an integer; got VARCHAR and INTERVAL DAY TO SECOND",
    );
  });
});

describe("fitNumber: REAL", () => {
  it("takes what rounds to a finite float, such as Java's text of Float.MAX_VALUE, and refuses what rounds past it", () => {
    const real: SqlType = { name: "REAL", nullable: true };
    const maxFloat = 3.4028234663852886e38;
    expect(fitNumber(3.4028235e38, real)).toBe(maxFloat);
    expect(fitNumber(-3.4028235e38, real)).toBe(-maxFloat);
    expect(fitNumber(0.1, real)).toBe(Math.fround(0.1));
    expect(() => fitNumber(3.5e38, real)).toThrow("Numeric value 3.5e+38 is out of range for REAL");
  });
});
