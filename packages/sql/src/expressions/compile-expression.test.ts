import { describe, expect, it } from "vitest";
import { ExpressionChecker, type Scope } from "../check/check-expression.ts";
import { SqlFunctionError } from "../functions/function-contract.ts";
import { builtinFunctions } from "../functions/registry.ts";
import { parseSqlExpression } from "../syntax/parse.ts";
import type { SqlType } from "../types/sql-type.ts";
import type { SqlValue } from "../types/sql-value.ts";
import { compileExpression, NotCompilableError } from "./compile-expression.ts";

const varchar: SqlType = { name: "VARCHAR", length: 8, nullable: true };
const integer: SqlType = { name: "INTEGER", nullable: true };
const boolean: SqlType = { name: "BOOLEAN", nullable: true };

// A stream s(TICKER VARCHAR(8), QTY INTEGER, OK BOOLEAN).
const scope: Scope = {
  columns: [
    { qualifier: "S", name: "TICKER", type: varchar, index: 0 },
    { qualifier: "S", name: "QTY", type: integer, index: 1 },
    { qualifier: "S", name: "OK", type: boolean, index: 2 },
  ],
  qualifiers: ["S"],
  aggregates: false,
  windows: [],
};

function compiled(text: string) {
  const checker = new ExpressionChecker(text, builtinFunctions());
  return compileExpression(checker.check(parseSqlExpression(text), scope), text);
}

function evaluate(text: string, row: readonly SqlValue[], rowtime = 0): SqlValue {
  return compiled(text).evaluate(row, rowtime, { rowtime, queryStart: 0 });
}

describe("compileExpression", () => {
  it("reads columns by position and ROWTIME beside the row", () => {
    expect(evaluate("s.qty * 2 + 1", ["A", 20, true])).toBe(41);
    expect(evaluate("ticker || '!'", ["AMZN", 1, true])).toBe("AMZN!");
    expect(evaluate("FLOOR(ROWTIME TO MINUTE)", ["A", 1, true], 90_500)).toBe(60_000);
    expect(evaluate("s.ROWTIME", ["A", 1, true], 7)).toBe(7);
  });

  it("keeps KDA's integer division and its types", () => {
    const half = compiled("qty / 2");
    expect(half.type).toMatchObject({ name: "INTEGER" });
    expect(half.evaluate(["A", 5, true], 0, { rowtime: 0, queryStart: 0 })).toBe(2);
    expect(compiled("qty / 2.0").type.name).toBe("DECIMAL");
  });

  it("propagates NULL through operators and functions", () => {
    expect(evaluate("qty + 1", ["A", null, true])).toBeNull();
    expect(evaluate("UPPER(ticker)", [null, 1, true])).toBeNull();
    expect(evaluate("qty > 1", ["A", null, true])).toBeNull();
  });

  it("has three-valued AND, OR and NOT", () => {
    const row = (ok: boolean | null) => ["A", 1, ok] as const;
    expect(evaluate("ok AND FALSE", row(null))).toBe(false);
    expect(evaluate("ok AND TRUE", row(null))).toBeNull();
    expect(evaluate("ok OR TRUE", row(null))).toBe(true);
    expect(evaluate("ok OR FALSE", row(null))).toBeNull();
    expect(evaluate("NOT ok", row(null))).toBeNull();
    expect(evaluate("NOT ok", row(true))).toBe(false);
    expect(evaluate("ok IS UNKNOWN", row(null))).toBe(true);
    expect(evaluate("ok IS NOT TRUE", row(null))).toBe(true);
  });

  it("evaluates BETWEEN, IN and both forms of CASE", () => {
    expect(evaluate("qty BETWEEN 1 AND 5", ["A", 5, true])).toBe(true);
    expect(evaluate("qty NOT BETWEEN SYMMETRIC 5 AND 1", ["A", 3, true])).toBe(false);
    expect(evaluate("ticker IN ('A', 'B')", ["B", 1, true])).toBe(true);
    expect(evaluate("ticker IN ('A', 'B')", [null, 1, true])).toBeNull();
    const simple = "CASE ticker WHEN 'A' THEN 1 WHEN 'B' THEN 2 ELSE 0 END";
    expect([["A"], ["B"], ["C"], [null]].map(([t]) => evaluate(simple, [t ?? null, 1, true]))).toEqual([
      1, 2, 0, 0,
    ]);
    expect(evaluate("CASE WHEN qty > 10 THEN 'big' END", ["A", 3, true])).toBeNull();
  });

  it("treats NULLs as equal in IS [NOT] DISTINCT FROM", () => {
    expect(evaluate("qty IS DISTINCT FROM NULL", ["A", null, true])).toBe(false);
    expect(evaluate("qty IS NOT DISTINCT FROM 1", ["A", 1, true])).toBe(true);
    expect(evaluate("qty IS DISTINCT FROM 1", ["A", null, true])).toBe(true);
  });

  it("reads fields of a row-valued function's result", () => {
    const text = "W3C_LOG_PARSE(ticker, 'COMMON').COLUMN1";
    expect(() => compiled(text)).not.toThrow();
    expect(evaluate("(REGEX_LOG_PARSE(ticker, '(\\w)(\\w)')).COLUMN2", ["ab", 1, true])).toBe("b");
  });

  it("raises runtime errors as SqlFunctionError, for the row to go to error_stream", () => {
    expect(() => evaluate("qty / 0", ["A", 1, true])).toThrow(SqlFunctionError);
    expect(() => evaluate("CAST(ticker AS INTEGER)", ["AMZN", 1, true])).toThrow(SqlFunctionError);
  });

  it("leaves aggregates to the plan", () => {
    const text = "SUM(qty)";
    const checker = new ExpressionChecker(text, builtinFunctions());
    const typed = checker.check(parseSqlExpression(text), { ...scope, aggregates: true });
    expect(() => compileExpression(typed)).toThrow(NotCompilableError);
  });
});
