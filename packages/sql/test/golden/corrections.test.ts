import { describe, expect, it } from "vitest";
import { expectedAsDecided } from "./corrections.ts";
import type { GoldenApplicationCase } from "./golden-case.ts";

const base: GoldenApplicationCase = {
  kind: "application",
  id: "page/example",
  title: "t",
  source: { url: "u", mirror: "m" },
  sql: "",
  inputColumns: {},
  inputs: {},
  expected: {
    OUT: [
      { a: 1, b: 2, c: 3 },
      { a: 4, b: 5, c: 6 },
      { a: 7, b: 8, c: 9 },
    ],
  },
};

describe("expectedAsDecided", () => {
  it("returns the printed rows when no ambiguity corrects them", () => {
    expect(expectedAsDecided(base)).toEqual(base.expected);
  });

  it("swaps, nulls and drops the named rows, indexed as printed, and leaves the case as printed", () => {
    const golden: GoldenApplicationCase = {
      ...base,
      ambiguities: [
        { ref: "A4", text: "x", corrections: [{ kind: "drop", stream: "OUT", row: 0 }] },
        {
          ref: "A4",
          text: "y",
          corrections: [
            { kind: "swap", stream: "OUT", row: 1, columns: ["a", "c"] },
            { kind: "null", stream: "OUT", row: 2, column: "b" },
          ],
        },
      ],
    };
    expect(expectedAsDecided(golden)).toEqual({
      OUT: [
        { a: 6, b: 5, c: 4 },
        { a: 7, b: null, c: 9 },
      ],
    });
    expect(golden.expected.OUT?.[1]).toEqual({ a: 4, b: 5, c: 6 });
  });

  it("rejects a correction naming a row or a column the page does not print", () => {
    const row = {
      ...base,
      ambiguities: [{ text: "x", corrections: [{ kind: "drop", stream: "OUT", row: 3 }] }],
    };
    expect(() => expectedAsDecided(row as GoldenApplicationCase)).toThrow(/row 3 of "OUT", which prints 3/);
    const column = {
      ...base,
      ambiguities: [{ text: "x", corrections: [{ kind: "null", stream: "OUT", row: 0, column: "z" }] }],
    };
    expect(() => expectedAsDecided(column as GoldenApplicationCase)).toThrow(
      /column "z", not printed in "OUT"/,
    );
  });
});
