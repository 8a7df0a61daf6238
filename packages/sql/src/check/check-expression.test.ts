import { describe, expect, it } from "vitest";
import { builtinFunctions } from "../functions/registry.ts";
import { parseSqlExpression } from "../syntax/parse.ts";
import { EMPTY_SCOPE, ExpressionChecker, type Scope } from "./check-expression.ts";

const scope: Scope = {
  columns: [
    { qualifier: "O", name: "orderid", type: { name: "INTEGER", nullable: true }, index: 0 },
    { qualifier: "O", name: "PRICE", type: { name: "REAL", nullable: true }, index: 1 },
    { qualifier: "S", name: "orderid", type: { name: "INTEGER", nullable: true }, index: 2 },
  ],
  qualifiers: ["O", "S"],
  aggregates: false,
  windows: ["W1"],
};

function typeOf(text: string, where: Scope = scope) {
  return new ExpressionChecker(text, builtinFunctions()).check(parseSqlExpression(text), where).type;
}

function refusal(text: string, where: Scope = scope) {
  try {
    new ExpressionChecker(text, builtinFunctions()).check(parseSqlExpression(text), where);
  } catch (error) {
    return error as Error & { line: number; column: number; reason: string };
  }
  throw new Error(`accepted: ${text}`);
}

describe("ExpressionChecker", () => {
  it("types literals as SQL does", () => {
    expect(typeOf("1", EMPTY_SCOPE)).toEqual({ name: "INTEGER", nullable: false });
    expect(typeOf("3000000000", EMPTY_SCOPE)).toMatchObject({ name: "BIGINT" });
    expect(typeOf("2.50", EMPTY_SCOPE)).toMatchObject({ name: "DECIMAL", precision: 3, scale: 2 });
    expect(typeOf("1e3", EMPTY_SCOPE)).toMatchObject({ name: "DOUBLE" });
    expect(typeOf("'abc'", EMPTY_SCOPE)).toMatchObject({ name: "CHAR", length: 3 });
    expect(typeOf("INTERVAL '1' HOUR", EMPTY_SCOPE)).toMatchObject({ name: "INTERVAL_DAY_TIME" });
    expect(typeOf("UNKNOWN", EMPTY_SCOPE)).toEqual({ name: "BOOLEAN", nullable: true });
  });

  it("resolves quoted and qualified names, and ROWTIME", () => {
    expect(typeOf('o."orderid" + 1')).toMatchObject({ name: "INTEGER" });
    expect(typeOf("PRICE * 2")).toMatchObject({ name: "REAL" });
    expect(typeOf("ROWTIME")).toEqual({ name: "TIMESTAMP", nullable: false });
    expect(typeOf("s.ROWTIME")).toEqual({ name: "TIMESTAMP", nullable: false });
  });

  it("types operators with KDA's arithmetic and the registry's functions", () => {
    expect(typeOf("5 / 2", EMPTY_SCOPE)).toMatchObject({ name: "INTEGER" });
    expect(typeOf("TIMESTAMP '2004-01-01 00:00:00' + INTERVAL '1' DAY", EMPTY_SCOPE)).toMatchObject({
      name: "TIMESTAMP",
    });
    expect(typeOf("CAST(1 AS VARCHAR(4))", EMPTY_SCOPE)).toMatchObject({ name: "VARCHAR", length: 4 });
    expect(typeOf("CASE WHEN TRUE THEN 1 ELSE 2.5 END", EMPTY_SCOPE)).toMatchObject({ name: "DECIMAL" });
  });

  it.each([
    [`"orderid" + 1`, 1, 1, "column orderid is ambiguous: it is in O and S; qualify it"],
    [
      "o.ORDERID",
      1,
      3,
      'unknown column ORDERID of O (did you mean "orderid"? unquoted names are upper-cased); the query can use the columns orderid, PRICE',
    ],
    ["NO_SUCH(1)", 1, 1, "unknown function NO_SUCH"],
    ["UPPER(1, 2)", 1, 1, "UPPER expects 1 argument, got 2"],
    ["PRICE || 'x'", 1, 1, "|| expects two character strings or two binary strings; got REAL and CHAR(1)"],
    ["o.PRICE AND TRUE", 1, 1, "AND expects BOOLEAN operands, got REAL"],
    ["SUM(PRICE)", 1, 1, "aggregate SUM needs a GROUP BY, a WINDOWED BY STAGGER or an OVER window"],
    ["AVG(PRICE) OVER W2", 1, 17, "unknown window W2; the query defines W1"],
    [
      "TIMESTAMP '2007-02-19 21:25'",
      1,
      1,
      "Illegal TIMESTAMP literal '2007-02-19 21:25': not in format 'yyyy-MM-dd HH:mm:ss'",
    ],
    ["CASE WHEN TRUE THEN 1 ELSE 'x' END", 1, 1, "CASE branches must have one type; got INTEGER, CHAR(1)"],
  ])("refuses %j at line %i, column %i", (text, line, column, reason) => {
    expect(refusal(text)).toMatchObject({ name: "SqlCheckError", line, column, reason });
  });

  it("underlines the offending part in the excerpt", () => {
    expect(refusal("1 +\n  NO_SUCH(PRICE)").message).toBe(
      ["line 2, column 3: unknown function NO_SUCH", "    NO_SUCH(PRICE)", "    ^^^^^^^"].join("\n"),
    );
  });
});
