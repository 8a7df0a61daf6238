import { describe, expect, it } from "vitest";
import type { SqlType } from "../../types/sql-type.ts";
import { parseDatetimeLiteral } from "../datetime/datetime-literals.ts";
import { parseIntervalLiteral, parseQualifier } from "../datetime/interval-literals.ts";
import { SqlFunctionError } from "../function-contract.ts";
import { decimal, intervalType } from "../support/sql-types.ts";
import { CONTEXT, callTyped, t, typeFor } from "../support/test-support.ts";
import { compileCast } from "./cast.ts";
import { coerceJsonValue } from "./coerce-json.ts";
import { conversionFamily } from "./index.ts";
import { javaDoubleText, javaRealText } from "./java-number-text.ts";
import { parseSqlTypeText } from "./sql-type-text.ts";

const cast = (value: unknown, from: SqlType, to: string) =>
  compileCast(from, parseSqlTypeText(to))(value as never, CONTEXT);
const VARCHAR = t("VARCHAR", { length: 64 });
const ts = (text: string) => parseDatetimeLiteral("TIMESTAMP", text);
const date = (text: string) => parseDatetimeLiteral("DATE", text);

describe("CAST (sql-reference-cast.html)", () => {
  it("converts datetimes to text, failing when the text does not fit", () => {
    expect(cast(date("2008-08-23"), t("DATE"), "VARCHAR(10)")).toBe("2008-08-23");
    expect(() => cast(date("2008-08-23"), t("DATE"), "VARCHAR(9)")).toThrow(SqlFunctionError);
    expect(cast(date("2008-08-23"), t("DATE"), "CHAR(26)")).toBe("2008-08-23                ");
    expect(cast(ts("2007-02-19 21:25:35"), t("TIMESTAMP"), "VARCHAR(25)")).toBe("2007-02-19 21:25:35");
    expect(() => cast(ts("2007-02-19 21:25:35"), t("TIMESTAMP"), "VARCHAR(18)")).toThrow(
      /needs 19 characters/,
    );
  });

  it("reads text as datetimes only in their exact forms", () => {
    expect(cast("2007-02-19 21:23:45", VARCHAR, "TIMESTAMP")).toBe(ts("2007-02-19 21:23:45"));
    expect(cast(" 21:23:45.0", VARCHAR, "TIME")).toBe(parseDatetimeLiteral("TIME", "21:23:45"));
    expect(cast("2007-02-19", VARCHAR, "DATE")).toBe(date("2007-02-19"));
    expect(cast("2009-02-28", VARCHAR, "DATE")).toBe(date("2009-02-28"));
    expect(cast("21:23:34.11", VARCHAR, "TIME")).toBe(parseDatetimeLiteral("TIME", "21:23:34.11"));
    expect(cast("21:23:34", VARCHAR, "TIME")).toBe(parseDatetimeLiteral("TIME", "21:23:34"));
    for (const [text, to] of [
      ["2007-02-19 21:23:45.0", "TIME"],
      ["2007-02-19 21:23:45.0", "DATE"],
      ["2007-02-19 21", "DATE"],
      ["21:23", "TIME"],
      ["21:23:34:11", "TIME"],
    ] as const) {
      expect(() => cast(text, VARCHAR, to)).toThrow(SqlFunctionError);
    }
    expect(cast(cast("2007-02-19 21:23:45.0", VARCHAR, "TIMESTAMP"), t("TIMESTAMP"), "DATE")).toBe(
      date("2007-02-19"),
    );
  });

  it("rounds numbers and checks their range", () => {
    expect(cast(-1.5, t("REAL"), "INTEGER")).toBe(-2);
    expect(cast(2.5, t("DOUBLE"), "INTEGER")).toBe(3);
    expect(cast(1.005, t("DOUBLE"), "DECIMAL(5,2)")).toBe(1);
    expect(cast(1.235, t("DOUBLE"), "DECIMAL(5,2)")).toBe(1.24);
    expect(() => cast(300, t("INTEGER"), "TINYINT")).toThrow("Numeric value 300 is out of range for TINYINT");
    expect(cast(0.1, t("DOUBLE"), "REAL")).toBe(Math.fround(0.1));
    expect(cast(" 42 ", VARCHAR, "INTEGER")).toBe(42);
    expect(cast("1.5e1", VARCHAR, "DOUBLE")).toBe(15);
    expect(() => cast("abc", VARCHAR, "INTEGER")).toThrow(
      "Cannot cast 'abc' to INTEGER: not a valid INTEGER value",
    );
  });

  it("writes numbers as Java does", () => {
    expect(cast(42, t("INTEGER"), "VARCHAR(10)")).toBe("42");
    expect(cast(2.5, decimal(13, 12), "VARCHAR(20)")).toBe("2.500000000000");
    expect(cast(100, t("DOUBLE"), "VARCHAR(10)")).toBe("100.0");
    expect(javaDoubleText(1e7)).toBe("1.0E7");
    expect(javaDoubleText(1.234e-5)).toBe("1.234E-5");
    expect(javaDoubleText(0.001)).toBe("0.001");
    expect(javaDoubleText(-0)).toBe("-0.0");
    expect(javaDoubleText(324.19285157140644)).toBe("324.19285157140644");
    expect(javaRealText(Math.fround(0.1))).toBe("0.1");
    expect(javaRealText(Math.fround(1.1))).toBe("1.1");
    expect(javaRealText(Math.fround(3.4e38))).toBe("3.4E38");
  });

  it("converts intervals to text (truncated) and single-field intervals to exact numbers", () => {
    const dts = intervalType(parseQualifier("DAY TO SECOND"));
    const value = parseIntervalLiteral("2 00:06:11", parseQualifier("DAY TO SECOND"));
    expect(cast(value, dts, "VARCHAR(11)")).toBe("+2 00:06:11");
    expect(cast(value, dts, "VARCHAR(8)")).toBe("+2 00:06");
    const minutes = intervalType(parseQualifier("MINUTE(3)"));
    const m120 = parseIntervalLiteral("120", parseQualifier("MINUTE(3)"));
    expect(cast(m120, minutes, "DECIMAL(4)")).toBe(120);
    expect(cast(m120, minutes, "DECIMAL(3)")).toBe(120);
    expect(() => cast(m120, minutes, "DECIMAL(2)")).toThrow(SqlFunctionError);
    expect(() => cast(m120, minutes, "DECIMAL(4,2)")).toThrow(SqlFunctionError);
    const seconds = intervalType(parseQualifier("SECOND(1, 1)"));
    expect(cast(parseIntervalLiteral("1.1", parseQualifier("SECOND(1, 1)")), seconds, "DECIMAL(2,1)")).toBe(
      1.1,
    );
    expect(() =>
      cast(parseIntervalLiteral("1.1", parseQualifier("SECOND(1, 1)")), seconds, "DECIMAL(1,1)"),
    ).toThrow(SqlFunctionError);
    expect(
      cast(
        parseIntervalLiteral("1", parseQualifier("YEAR(1)")),
        intervalType(parseQualifier("YEAR(1)")),
        "DECIMAL(2,1)",
      ),
    ).toBe(1);
    expect(() => cast(value, dts, "INTEGER")).toThrow(/single-field/);
  });

  it("converts booleans and text, and refuses what KDA's table does not list", () => {
    expect(cast(true, t("BOOLEAN"), "VARCHAR(5)")).toBe("TRUE");
    expect(cast(" false ", VARCHAR, "BOOLEAN")).toBe(false);
    expect(cast("unknown", VARCHAR, "BOOLEAN")).toBeNull();
    expect(cast("abcdef", VARCHAR, "VARCHAR(3)")).toBe("abc");
    expect(cast("ab", VARCHAR, "CHAR(4)")).toBe("ab  ");
    expect(cast(null, VARCHAR, "INTEGER")).toBeNull();
    expect(() => compileCast(t("DATE"), t("TIME"))).toThrow("Cannot cast DATE to TIME");
    expect(() => compileCast(t("BOOLEAN"), t("INTEGER"))).toThrow("Cannot cast BOOLEAN to INTEGER");
    expect(() => compileCast(t("INTEGER"), intervalType({ start: "DAY" }))).toThrow(SqlFunctionError);
  });

  it("is the CAST function with the target type as text", () => {
    const f = conversionFamily[0];
    expect(typeFor(f, t("INTEGER"), { type: VARCHAR, literal: "VARCHAR(8)" })).toEqual(
      t("VARCHAR", { length: 8 }),
    );
    expect(callTyped(f, [t("INTEGER"), { type: VARCHAR, literal: "DOUBLE" }], 3, "DOUBLE")).toBe(3);
    expect(() => typeFor(f, t("INTEGER"), { type: VARCHAR, literal: "VARCHAR(0)" })).toThrow(
      SqlFunctionError,
    );
    expect(() => typeFor(f, t("INTEGER"), { type: VARCHAR, literal: "STRING" })).toThrow(
      "Unknown SQL type 'STRING'",
    );
  });
});

describe("SQL type text", () => {
  it("reads KDA's type names", () => {
    expect(parseSqlTypeText("VARCHAR(4)")).toEqual(t("VARCHAR", { length: 4 }));
    expect(parseSqlTypeText("decimal(5,2)")).toEqual(decimal(5, 2));
    expect(parseSqlTypeText("DOUBLE PRECISION")).toEqual(t("DOUBLE"));
    expect(parseSqlTypeText("CHARACTER VARYING(10) NOT NULL")).toEqual({
      name: "VARCHAR",
      length: 10,
      nullable: false,
    });
    expect(parseSqlTypeText("INT")).toEqual(t("INTEGER"));
    expect(parseSqlTypeText("INTERVAL DAY TO SECOND")).toEqual(intervalType({ start: "DAY", end: "SECOND" }));
  });
});

describe("JSON → SQL coercion (sch-mapping.html)", () => {
  const c = (value: unknown, type: string) => coerceJsonValue(value, parseSqlTypeText(type));
  it("maps null and missing values to NULL", () => {
    expect(c(null, "INTEGER")).toBeNull();
    expect(c(undefined, "VARCHAR(4)")).toBeNull();
  });
  it("maps booleans", () => {
    expect(c(true, "DECIMAL(5,2)")).toBe(1);
    expect(c(false, "INT")).toBe(0);
    expect(c(true, "VARBINARY(1)")).toEqual(Uint8Array.of(1));
    expect(c(true, "BOOLEAN")).toBe(true);
    expect(c(false, "VARCHAR(3)")).toBe("fal");
    expect(() => c(true, "TIMESTAMP")).toThrow(SqlFunctionError);
  });
  it("maps numbers", () => {
    expect(c(67321, "INTEGER")).toBe(67321);
    expect(() => c(123.4, "INT")).toThrow("Cannot coerce JSON number 123.4 to INTEGER: not a whole number");
    expect(() => c(300, "TINYINT")).toThrow(/out of range/);
    expect(c(12.25, "DECIMAL(5,2)")).toBe(12.25);
    expect(() => c(1.234, "DECIMAL(5,2)")).toThrow(SqlFunctionError);
    expect(c(0, "BOOLEAN")).toBe(false);
    expect(c(-2, "BOOLEAN")).toBe(true);
    expect(c(1.5, "VARCHAR(8)")).toBe("1.5");
    expect(() => c(1, "VARBINARY(4)")).toThrow(SqlFunctionError);
    expect(() => c(1, "DATE")).toThrow(SqlFunctionError);
  });
  it("maps strings", () => {
    expect(c("42", "BIGINT")).toBe(42);
    expect(c("4.5", "DOUBLE")).toBe(4.5);
    expect(() => c("4.5", "INTEGER")).toThrow(SqlFunctionError);
    expect(() => c("abc", "REAL")).toThrow(SqlFunctionError);
    expect(c("X'3F67A23A'", "VARBINARY(8)")).toEqual(Uint8Array.of(0x3f, 0x67, 0xa2, 0x3a));
    expect(c("P2eiOg==", "VARBINARY(8)")).toEqual(Uint8Array.of(0x3f, 0x67, 0xa2, 0x3a));
    expect(c("TRUE", "BOOLEAN")).toBe(true);
    expect(c("yes", "BOOLEAN")).toBe(false);
    expect(c("John Doe", "VARCHAR(4)")).toBe("John");
    expect(c("1992-02-14", "DATE")).toBe(date("1992-02-14"));
    expect(c("1992-02-14 18:35:44.0", "TIMESTAMP")).toBe(ts("1992-02-14 18:35:44"));
    expect(c("1992-02-14", "TIMESTAMP")).toBe(ts("1992-02-14 00:00:00"));
    expect(() => c("14/02/1992", "TIMESTAMP")).toThrow(/not a TIMESTAMP in the form/);
  });
  it("maps arrays and objects to their JSON text", () => {
    expect(c([1, { a: 2 }], "VARCHAR(64)")).toBe('[1,{"a":2}]');
    expect(() => c({ a: 1 }, "INTEGER")).toThrow(
      'Cannot coerce JSON object {"a":1} to INTEGER: a JSON object cannot become INTEGER',
    );
  });
});
