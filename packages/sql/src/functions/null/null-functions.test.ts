import { describe, expect, it } from "vitest";
import { comparisonOperators, monotonicFunction } from "../comparison/comparison-operators.ts";
import { SqlFunctionError } from "../function-contract.ts";
import { callDynamic, callLiteral, callTyped, t, typeFor } from "../support/test-support.ts";
import { nullFunctions } from "./null-functions.ts";

const fn = (name: string) =>
  [...nullFunctions, ...comparisonOperators, monotonicFunction].find((f) => f.name === name);

describe("null functions", () => {
  it("COALESCE (sql-reference-coalesce.html)", () => {
    expect(callLiteral(fn("COALESCE"), "chair")).toBe("chair");
    expect(callLiteral(fn("COALESCE"), "chair", null, "sofa")).toBe("chair");
    expect(callLiteral(fn("COALESCE"), null, null, "sofa")).toBe("sofa");
    expect(callLiteral(fn("COALESCE"), null, 2, 5)).toBe(2);
    expect(callDynamic(fn("COALESCE"), null, null)).toBeNull();
    expect(callTyped(fn("COALESCE"), [t("INTEGER"), t("REAL")], null, 0.1)).toBe(Math.fround(0.1));
    expect(typeFor(fn("COALESCE"), t("INTEGER"), { name: "INTEGER", nullable: false })).toEqual({
      name: "INTEGER",
      nullable: false,
    });
    expect(() => typeFor(fn("COALESCE"), t("INTEGER"), t("DATE"))).toThrow(
      "COALESCE expects arguments of one type; got INTEGER and DATE",
    );
  });

  it("NULLIF (sql-reference-nullif.html)", () => {
    expect(callLiteral(fn("NULLIF"), 4, 2)).toBe(4);
    expect(callLiteral(fn("NULLIF"), 4, 4)).toBeNull();
    expect(callLiteral(fn("NULLIF"), "amy", "fred")).toBe("amy");
    expect(
      callTyped(fn("NULLIF"), [t("VARCHAR", { length: 3 }), t("VARCHAR", { length: 3 })], "amy", null),
    ).toBe("amy");
    expect(
      callTyped(fn("NULLIF"), [t("VARCHAR", { length: 3 }), t("VARCHAR", { length: 4 })], null, "fred"),
    ).toBeNull();
    expect(() => typeFor(fn("NULLIF"), t("BOOLEAN"), t("INTEGER"))).toThrow(SqlFunctionError);
  });
});

describe("comparisons and MONOTONIC", () => {
  it("compares numbers, text, datetimes and intervals, NULL giving UNKNOWN", () => {
    expect(callLiteral(fn("<"), 1, 2.5)).toBe(true);
    expect(callLiteral(fn(">="), "b", "a")).toBe(true);
    expect(callTyped(fn("="), [t("CHAR", { length: 4 }), t("VARCHAR")], "ab  ", "ab")).toBe(true);
    expect(callLiteral(fn("<>"), { kind: "day-time", ms: 1 }, { kind: "day-time", ms: 2 })).toBe(true);
    expect(callLiteral(fn("="), 1, null)).toBeNull();
    expect(() => typeFor(fn("="), t("DATE"), t("INTEGER"))).toThrow(
      "= expects two comparable values; got DATE and INTEGER",
    );
    expect(callLiteral(fn("MONOTONIC"), 7)).toBe(7);
  });
});
