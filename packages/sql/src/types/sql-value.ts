/**
 * A day-time interval (`INTERVAL '5' MINUTE`, `INTERVAL '1 02:03:04.5' DAY TO SECOND`): an exact
 * number of milliseconds, negative for negative intervals.
 *
 * @example
 * const fiveMinutes: DayTimeInterval = { kind: "day-time", ms: 300_000 };
 */
export interface DayTimeInterval {
  /** Discriminates the kinds of interval. */
  readonly kind: "day-time";
  /** Length in milliseconds (KDA intervals have millisecond precision). */
  readonly ms: number;
}

/**
 * A year-month interval (`INTERVAL '1-2' YEAR TO MONTH`): a number of months, which has no fixed
 * length in milliseconds.
 *
 * @example
 * const fourteenMonths: YearMonthInterval = { kind: "year-month", months: 14 };
 */
export interface YearMonthInterval {
  /** Discriminates the kinds of interval. */
  readonly kind: "year-month";
  /** Length in months, negative for negative intervals. */
  readonly months: number;
}

/**
 * An interval value, day-time or year-month.
 *
 * @example
 * const lengths: SqlInterval[] = [{ kind: "day-time", ms: 1_000 }, { kind: "year-month", months: 12 }];
 */
export type SqlInterval = DayTimeInterval | YearMonthInterval;

/**
 * The value of a row-valued expression (a log parser's result): its fields by name.
 *
 * @example
 * const parsed: SqlRowValue = { COLUMN1: "127.0.0.1", COLUMN2: "-" };
 */
export interface SqlRowValue {
  readonly [field: string]: SqlValue;
}

/**
 * A SQL value at run time. One representation per type, everywhere in `@eddy/sql`:
 *
 * | SQL type | value |
 * | --- | --- |
 * | TINYINT, SMALLINT, INTEGER, BIGINT | `number`, always an integer (BIGINT is exact to ±2^53) |
 * | DECIMAL, REAL, DOUBLE | `number` (REAL rounded to 32-bit with `Math.fround` on assignment) |
 * | CHAR, VARCHAR | `string` |
 * | BINARY, VARBINARY | `Uint8Array` |
 * | BOOLEAN | `boolean` (UNKNOWN is `null`) |
 * | DATE, TIME, TIMESTAMP | `number`: epoch milliseconds, UTC (TIME: ms since midnight) |
 * | INTERVAL | {@link SqlInterval} |
 * | ROW | {@link SqlRowValue} |
 * | NULL of any type | `null` |
 *
 * @example
 * const row: Record<string, SqlValue> = { TICKER_SYMBOL: "ABC", PRICE: 1.5, ROWTIME: Date.UTC(2024, 0, 1) };
 */
export type SqlValue = number | string | boolean | Uint8Array | SqlInterval | SqlRowValue | null;
