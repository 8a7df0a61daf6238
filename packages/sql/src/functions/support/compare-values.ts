import type { SqlInterval, SqlValue } from "../../types/sql-value.ts";

/**
 * Orders two non-NULL values of one comparable type (ORDER BY, MIN/MAX, comparisons): numbers (and
 * datetimes, which are epoch milliseconds), strings by UTF-16 code units (Java's
 * `String.compareTo`), booleans (FALSE before TRUE), intervals of one kind by length, binary
 * strings byte by byte. Negative, zero or positive.
 *
 * @example
 * compareValues("apple", "pear"); // -1
 */
export function compareValues(a: SqlValue, b: SqlValue): number {
  if (typeof a === "number") return a < (b as number) ? -1 : a > (b as number) ? 1 : 0;
  if (typeof a === "string") return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
  if (typeof a === "boolean") return Number(a) - Number(b as boolean);
  if (a instanceof Uint8Array) {
    const y = b as Uint8Array;
    for (let i = 0; i < Math.min(a.length, y.length); i++) if (a[i] !== y[i]) return a[i]! - y[i]!;
    return a.length - y.length;
  }
  const x = a as SqlInterval;
  const y = b as SqlInterval;
  const lx = x.kind === "day-time" ? x.ms : x.months;
  const ly = y.kind === "day-time" ? y.ms : y.months;
  return lx < ly ? -1 : lx > ly ? 1 : 0;
}

/** SQL equality of two non-NULL values (CHAR padding ignored, as SQL compares CHAR values). */
export function valuesEqual(a: SqlValue, b: SqlValue, padded = false): boolean {
  if (padded && typeof a === "string" && typeof b === "string") return a.trimEnd() === b.trimEnd();
  return compareValues(a, b) === 0;
}
