import { describe, expect, it } from "vitest";
import type { SqlType } from "../types/sql-type.ts";
import type { SqlValue } from "../types/sql-value.ts";
import { groupKeyOf, partitionKey } from "./group-key.ts";

const varchar: SqlType = { name: "VARCHAR", length: 8, nullable: true };
const double: SqlType = { name: "DOUBLE", nullable: true };
const timestamp: SqlType = { name: "TIMESTAMP", nullable: true };
const boolean: SqlType = { name: "BOOLEAN", nullable: true };

/** Whether `partitionKey` puts two rows together exactly when `groupKeyOf` does. */
function agreesWithGroupKey(types: SqlType[], rows: SqlValue[][]): void {
  const key = partitionKey(
    types.map((_, i) => i),
    types,
  );
  for (const a of rows) {
    for (const b of rows) {
      expect(Object.is(key(a), key(b)) || key(a) === key(b), `${String(a)} / ${String(b)}`).toBe(
        groupKeyOf(a) === groupKeyOf(b),
      );
    }
  }
}

describe("partitionKey", () => {
  it("keys one character column by its value, NULL apart from every string", () => {
    agreesWithGroupKey([varchar], [["EURUSD"], ["0"], ["null"], [""], [null], ["EURUSD"], [null]]);
    expect(partitionKey([0], [varchar])(["EURUSD"])).toBe("EURUSD");
  });

  it("keys one number column by its value, -0 with 0, NULL apart from every number", () => {
    agreesWithGroupKey([double], [[0], [-0], [1.5], [null], [Number.NaN], [Number.NaN], [null], [1.5]]);
    agreesWithGroupKey([timestamp], [[0], [1_700_000_000_000], [null]]);
    expect(partitionKey([0], [double])([-0])).toBe(0);
  });

  it("keys several columns, and other types, as GROUP BY does", () => {
    agreesWithGroupKey(
      [varchar, double],
      [
        ["a", 1],
        ["a", 1],
        ["a", null],
        [null, 1],
        ["1", null],
      ],
    );
    agreesWithGroupKey([boolean], [[true], [false], [null], [true]]);
    expect(partitionKey([], [])([1, "x"])).toBe(partitionKey([], [])([2, "y"]));
  });
});
