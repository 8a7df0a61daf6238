import { describe, expect, it } from "vitest";
import { SqlFunctionError, type TableSqlFunction } from "./function-contract.ts";
import { builtinFunctions, createFunctionRegistry } from "./registry.ts";

// The functions of KDA's SQL reference (sql-reference-functions.html) Eddy implements in this
// library; the table functions come from ./table.
const DOCUMENTED = [
  "AVG",
  "COUNT",
  "EXP_AVG",
  "FIRST_VALUE",
  "LAST_VALUE",
  "MAX",
  "MIN",
  "SUM",
  "LAG",
  "NTH_VALUE",
  "MONOTONIC",
  "STDDEV_POP",
  "STDDEV_SAMP",
  "VAR_POP",
  "VAR_SAMP",
  "ANY",
  "EVERY",
  "CAST",
  "CURRENT_DATE",
  "CURRENT_TIME",
  "CURRENT_TIMESTAMP",
  "LOCALTIME",
  "LOCALTIMESTAMP",
  "CURRENT_ROW_TIMESTAMP",
  "EXTRACT",
  "TSDIFF",
  "UNIX_TIMESTAMP",
  "TO_TIMESTAMP",
  "CHAR_TO_DATE",
  "CHAR_TO_TIME",
  "CHAR_TO_TIMESTAMP",
  "DATE_TO_CHAR",
  "TIME_TO_CHAR",
  "TIMESTAMP_TO_CHAR",
  "COALESCE",
  "NULLIF",
  "ABS",
  "CEIL",
  "CEILING",
  "EXP",
  "FLOOR",
  "LN",
  "LOG10",
  "MOD",
  "POWER",
  "STEP",
  "FAST_REGEX_LOG_PARSER",
  "FIXED_COLUMN_LOG_PARSE",
  "REGEX_LOG_PARSE",
  "SYS_LOG_PARSE",
  "VARIABLE_COLUMN_LOG_PARSE",
  "W3C_LOG_PARSE",
  "CHAR_LENGTH",
  "CHARACTER_LENGTH",
  "INITCAP",
  "LOWER",
  "OVERLAY",
  "POSITION",
  "REGEX_REPLACE",
  "SUBSTRING",
  "TRIM",
  "UPPER",
  "||",
  "LIKE",
  "SIMILAR TO",
  "+",
  "-",
  "*",
  "/",
  "NEGATE",
  "=",
  "<>",
  "<",
  "<=",
  ">",
  ">=",
];

describe("the function registry", () => {
  it("holds every documented function under its upper-case name, once", () => {
    const functions = builtinFunctions();
    expect(DOCUMENTED.filter((name) => !functions.has(name))).toEqual([]);
    for (const [name, fn] of functions) expect(fn.name).toBe(name);
    expect(builtinFunctions()).toBe(functions);
    expect(functions.get("SUM")?.kind).toBe("aggregate");
    expect(functions.get("LAG")?.kind).toBe("analytic");
    expect(functions.get("W3C_LOG_PARSE")?.kind).toBe("scalar");
  });

  it("adds the table functions and refuses a name given twice", () => {
    const forest: TableSqlFunction = {
      kind: "table",
      name: "RANDOM_CUT_FOREST",
      outputColumns: (input) => input,
      create: () => ({ push: () => {}, snapshot: () => null, restore: () => {} }),
    };
    expect(createFunctionRegistry({ extra: [forest] }).get("RANDOM_CUT_FOREST")).toBe(forest);
    expect(() => createFunctionRegistry({ extra: [{ ...forest, name: "SUM" }] })).toThrow(
      new SqlFunctionError("Two functions are named SUM"),
    );
  });
});
