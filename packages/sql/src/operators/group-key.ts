import { isCharacterType, isDatetimeType, isNumericType, type SqlType } from "../types/sql-type.ts";
import type { SqlValue } from "../types/sql-value.ts";

/**
 * A string that is equal for two lists of values exactly when SQL's GROUP BY / PARTITION BY puts
 * them in one group: NULLs together, `-0` with `0`, each value tagged by its kind so that the
 * string `'1'` and the number `1` stay apart. Core's keyed state wants string or number keys.
 */
export function groupKeyOf(values: readonly SqlValue[]): string {
  let key = "";
  for (const value of values) key += keyToken(value);
  return key;
}

/** One value's part of a {@link groupKeyOf} key (a group key is the concatenation of its values'). */
export function keyToken(value: SqlValue): string {
  return `${tokenOf(value)}\u0000`;
}

function tokenOf(value: SqlValue): string {
  if (value === null) return "n";
  switch (typeof value) {
    case "number":
      return `d${value === 0 ? 0 : value}`;
    case "string":
      return `s${value}`;
    case "boolean":
      return value ? "t" : "f";
    default:
      return value instanceof Uint8Array
        ? `x${Buffer.from(value).toString("hex")}`
        : `o${JSON.stringify(value)}`;
  }
}

/**
 * Core's state key for rows whose partition values sit at `positions` of each row, equal for two
 * rows exactly when {@link groupKeyOf} is. One value of a character or number-valued type is its
 * own key (NULL as a key of the other JavaScript type, `-0` as `0`): no string is built per row,
 * which matters where a frame keeps every row of an hour.
 *
 * @example
 * const bySymbol = partitionKey([0], [{ name: "VARCHAR", length: 8, nullable: true }]);
 * bySymbol(["EURUSD", 1.08]); // "EURUSD"
 */
export function partitionKey(
  positions: readonly number[],
  types: readonly SqlType[],
): (row: readonly SqlValue[]) => string | number {
  if (positions.length === 0) return () => "";
  if (positions.length === 1) {
    const at = positions[0]!;
    const type = types[0]!;
    if (isCharacterType(type)) return (row) => (row[at] ?? NULL_NUMBER_KEY) as string | number;
    if (isNumericType(type) || isDatetimeType(type)) {
      return (row) => {
        const value = row[at] ?? null;
        return value === null ? NULL_STRING_KEY : value === 0 ? 0 : (value as number);
      };
    }
  }
  const values = new Array<SqlValue>(positions.length);
  return (row) => {
    for (let i = 0; i < positions.length; i++) values[i] = row[positions[i]!] ?? null;
    return groupKeyOf(values);
  };
}

/** NULL's key among strings: a number cannot equal any of them. */
const NULL_NUMBER_KEY = 0;
/** NULL's key among numbers. */
const NULL_STRING_KEY = "null";
