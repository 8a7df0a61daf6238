/**
 * The SQL types of Kinesis Data Analytics SQL (its data-types page), as the checker tracks them.
 * `INTERVAL_*` types occur only in expressions (never as a column type in KDA); `ROW` is the
 * row-valued result of the log-parsing functions (`W3C_LOG_PARSE(...)` → `l.r.COLUMN1`); `NULL` is
 * the type of the literal `NULL` until context gives it one; `ANY` is for function arguments that
 * accept every type.
 *
 * @example
 * const price: SqlType = { name: "REAL", nullable: true };
 * const symbol: SqlType = { name: "VARCHAR", length: 4, nullable: true };
 */
export type SqlTypeName =
  | "TINYINT"
  | "SMALLINT"
  | "INTEGER"
  | "BIGINT"
  | "DECIMAL"
  | "REAL"
  | "DOUBLE"
  | "CHAR"
  | "VARCHAR"
  | "BINARY"
  | "VARBINARY"
  | "BOOLEAN"
  | "DATE"
  | "TIME"
  | "TIMESTAMP"
  | "INTERVAL_DAY_TIME"
  | "INTERVAL_YEAR_MONTH"
  | "ROW"
  | "NULL"
  | "ANY";

/**
 * A SQL type with its parameters: `VARCHAR(n)`'s length, `DECIMAL(p, s)`'s precision and scale,
 * a `ROW`'s fields.
 *
 * @example
 * const parsed: SqlType = {
 *   name: "ROW",
 *   nullable: true,
 *   fields: [{ name: "COLUMN1", type: { name: "VARCHAR", length: 1024, nullable: true } }],
 * };
 */
export interface SqlType {
  /** The type's name. */
  readonly name: SqlTypeName;
  /** `CHAR(n)`, `VARCHAR(n)`, `BINARY(n)`, `VARBINARY(n)`; absent when the SQL gave none. */
  readonly length?: number;
  /** `DECIMAL(p, s)`: significant digits (at most 19 in KDA). */
  readonly precision?: number;
  /** `DECIMAL(p, s)`: digits after the point. */
  readonly scale?: number;
  /** False for `NOT NULL` columns. */
  readonly nullable: boolean;
  /** A `ROW`'s fields, in order. */
  readonly fields?: readonly SqlField[];
  /**
   * An interval type's qualifier (`DAY TO SECOND`, `MINUTE(3)`, `YEAR TO MONTH`): how its values
   * are written and which fields `EXTRACT` and `CAST` see. Absent on other types, and on intervals
   * whose qualifier is unknown (treated as `DAY TO SECOND` / `YEAR TO MONTH`).
   */
  readonly qualifier?: IntervalQualifier;
}

/**
 * A datetime field, as interval qualifiers, `EXTRACT`, `FLOOR(... TO unit)` name it.
 *
 * @example
 * const unit: DatetimeUnit = "MINUTE";
 */
export type DatetimeUnit = "YEAR" | "MONTH" | "DAY" | "HOUR" | "MINUTE" | "SECOND";

/**
 * An interval qualifier: its leading field (with its precision, default 2) and optional trailing
 * field (`SECOND` with its fractional precision, default 3).
 *
 * @example
 * const dayToSecond: IntervalQualifier = { start: "DAY", end: "SECOND" };
 * const threeDigitMinutes: IntervalQualifier = { start: "MINUTE", startPrecision: 3 };
 */
export interface IntervalQualifier {
  /** The leading field. */
  readonly start: DatetimeUnit;
  /** The trailing field, when it differs from the leading one (`DAY TO SECOND`). */
  readonly end?: DatetimeUnit;
  /** Digits of the leading field (`DAY(3)`); 2 when absent, as in SQL:2008. */
  readonly startPrecision?: number;
  /** Digits after the point of a `SECOND` field; 3 when absent (KDA keeps milliseconds). */
  readonly fractionalPrecision?: number;
}

/**
 * One named field of a `ROW` type, or one column of a stream.
 *
 * @example
 * const column: SqlField = { name: "TICKER_SYMBOL", type: { name: "VARCHAR", length: 4, nullable: true } };
 */
export interface SqlField {
  /** As stored: unquoted identifiers upper-cased, quoted ones exact. */
  readonly name: string;
  /** The field's type. */
  readonly type: SqlType;
}

const INTEGERS = new Set<SqlTypeName>(["TINYINT", "SMALLINT", "INTEGER", "BIGINT"]);
const NUMERICS = new Set<SqlTypeName>([...INTEGERS, "DECIMAL", "REAL", "DOUBLE"]);
const CHARACTERS = new Set<SqlTypeName>(["CHAR", "VARCHAR"]);
const DATETIMES = new Set<SqlTypeName>(["DATE", "TIME", "TIMESTAMP"]);

/**
 * Whether a type is an exact integer type (arithmetic on two of them stays integer: `5/2 = 2`).
 *
 * @example
 * isIntegerType({ name: "BIGINT", nullable: true }); // true
 */
export function isIntegerType(type: SqlType): boolean {
  return INTEGERS.has(type.name);
}

/**
 * Whether a type is numeric (integers, DECIMAL, REAL, DOUBLE).
 *
 * @example
 * isNumericType({ name: "REAL", nullable: true }); // true
 */
export function isNumericType(type: SqlType): boolean {
  return NUMERICS.has(type.name);
}

/**
 * Whether a type is CHAR or VARCHAR.
 *
 * @example
 * isCharacterType({ name: "VARCHAR", length: 4, nullable: true }); // true
 */
export function isCharacterType(type: SqlType): boolean {
  return CHARACTERS.has(type.name);
}

/**
 * Whether a type is DATE, TIME or TIMESTAMP.
 *
 * @example
 * isDatetimeType({ name: "TIMESTAMP", nullable: false }); // true
 */
export function isDatetimeType(type: SqlType): boolean {
  return DATETIMES.has(type.name);
}

/**
 * Renders a type as SQL, e.g. `VARCHAR(4)`, `DECIMAL(10, 2)`, `INTERVAL DAY TO SECOND`.
 *
 * @example
 * formatSqlType({ name: "VARCHAR", length: 4, nullable: true }); // "VARCHAR(4)"
 */
export function formatSqlType(type: SqlType): string {
  switch (type.name) {
    case "INTERVAL_DAY_TIME":
      return "INTERVAL DAY TO SECOND";
    case "INTERVAL_YEAR_MONTH":
      return "INTERVAL YEAR TO MONTH";
    case "ROW":
      return `ROW(${(type.fields ?? []).map((f) => `${f.name} ${formatSqlType(f.type)}`).join(", ")})`;
    case "DECIMAL":
      return type.precision === undefined
        ? "DECIMAL"
        : `DECIMAL(${type.precision}${type.scale === undefined ? "" : `, ${type.scale}`})`;
    default:
      return type.length === undefined ? type.name : `${type.name}(${type.length})`;
  }
}
