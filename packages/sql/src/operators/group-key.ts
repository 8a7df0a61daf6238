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
