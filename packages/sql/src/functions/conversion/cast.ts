import {
  formatSqlType,
  isCharacterType,
  isDatetimeType,
  isIntegerType,
  isNumericType,
  type SqlType,
} from "../../types/sql-type.ts";
import type { SqlInterval, SqlValue } from "../../types/sql-value.ts";
import { dayNumber, MS_PER_DAY, msPerUnit, timeOfDay } from "../datetime/calendar.ts";
import {
  type DatetimeKind,
  formatDatetime,
  parseDatetimeText,
  toKind,
} from "../datetime/datetime-literals.ts";
import {
  defaultQualifier,
  formatInterval,
  parseIntervalLiteral,
  qualifierFields,
} from "../datetime/interval-literals.ts";
import { type EvaluationContext, type ScalarSqlFunction, SqlFunctionError } from "../function-contract.ts";
import { fitNumber, roundHalfAwayFromZero } from "../numeric/numeric-values.ts";
import { expectArity, requireLiteralString } from "../support/arguments.ts";
import { isIntervalType, isUntyped } from "../support/sql-types.ts";
import { decimalText, javaDoubleText, javaRealText } from "./java-number-text.ts";
import { parseSqlTypeText } from "./sql-type-text.ts";

/**
 * One compiled conversion: a value of the source type (NULL passes through) to the target's.
 *
 * @example
 * const toText: Cast = compileCast({ name: "INTEGER", nullable: true }, { name: "VARCHAR", length: 8, nullable: true });
 */
export type Cast = (value: SqlValue, context: EvaluationContext) => SqlValue;

const NUMERIC_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function cannotCast(from: SqlType, to: SqlType): SqlFunctionError {
  return new SqlFunctionError(`Cannot cast ${formatSqlType(from)} to ${formatSqlType(to)}`);
}

function invalidText(text: string, to: SqlType): SqlFunctionError {
  return new SqlFunctionError(`Cannot cast '${text}' to ${formatSqlType(to)}: not a valid ${to.name} value`);
}

/** Brings a string to CHAR(n) (padded with spaces) or VARCHAR(n) (truncated), as assignment does. */
export function fitCharacters(text: string, to: SqlType): string {
  if (to.length === undefined) return text;
  if (text.length > to.length) return text.slice(0, to.length);
  return to.name === "CHAR" ? text.padEnd(to.length, " ") : text;
}

/** Text that must fit whole (numbers, datetimes): too long is an error, as KDA's "No rows selected". */
function fitWhole(text: string, from: SqlType, to: SqlType): string {
  if (to.length !== undefined && text.length > to.length) {
    throw new SqlFunctionError(
      `Cannot cast ${formatSqlType(from)} value '${text}' to ${formatSqlType(to)}: it needs ${text.length} characters`,
    );
  }
  return fitCharacters(text, to);
}

/** A number's text as KDA writes it for a type. */
export function numberText(value: number, type: SqlType): string {
  if (isIntegerType(type)) return String(value);
  if (type.name === "DECIMAL") return decimalText(value, type.scale ?? 0);
  if (type.name === "REAL") return javaRealText(value);
  return javaDoubleText(value);
}

/** A number brought to a numeric type: integers are rounded (KDA: "the real is rounded by the cast"). */
export function toNumericType(value: number, to: SqlType): number {
  return fitNumber(isIntegerType(to) ? roundHalfAwayFromZero(value) : value, to);
}

function parseNumber(text: string, to: SqlType): number {
  const trimmed = text.trim();
  if (!NUMERIC_TEXT.test(trimmed)) throw invalidText(text, to);
  return toNumericType(Number(trimmed), to);
}

function parseBoolean(text: string, to: SqlType): boolean | null {
  switch (text.trim().toUpperCase()) {
    case "TRUE":
      return true;
    case "FALSE":
      return false;
    case "UNKNOWN":
      return null;
    default:
      throw invalidText(text, to);
  }
}

/** A single-field interval in its unit (CAST(INTERVAL '120' MINUTE(3) AS DECIMAL(4))); more fields are an error. */
function intervalNumber(value: SqlInterval, from: SqlType, to: SqlType): number {
  const fields = qualifierFields(from.qualifier ?? defaultQualifier(value));
  if (fields.length !== 1) {
    throw new SqlFunctionError(
      `Cannot cast ${formatSqlType(from)} to ${formatSqlType(to)}: only single-field intervals convert to numbers`,
    );
  }
  const field = fields[0]!;
  const amount =
    value.kind === "year-month"
      ? field === "YEAR"
        ? value.months / 12
        : value.months
      : value.ms / msPerUnit(field);
  return fitNumber(to.name === "DECIMAL" ? amount : Math.trunc(amount), to);
}

/**
 * Compiles `CAST(x AS to)` for a value of type `from`, the conversions KDA's CAST page lists:
 * numbers to numbers (integers rounded, DECIMAL rounded to its scale, REAL to 32 bits, out of
 * range an error) and to text (Java's number text); text to every type it names (trimmed,
 * datetimes in their literal forms, BOOLEAN TRUE/FALSE/UNKNOWN); datetimes to each other and to
 * text; day-time intervals to intervals, exact numbers (single-field only) and text (KDA's `+2
 * 00:06:11`); BOOLEAN to text; binary to binary. Text into VARCHAR(n) is truncated and into
 * CHAR(n) padded; a number or datetime too long for its CHAR/VARCHAR is an error. Throws
 * {@link SqlFunctionError} at compile time for a conversion KDA does not have.
 *
 * @example
 * compileCast({ name: "DATE", nullable: true }, { name: "VARCHAR", length: 10, nullable: true });
 */
export function compileCast(from: SqlType, to: SqlType): Cast {
  if (isUntyped(from))
    return (value) => (value === null ? null : compileCast(typeOfRuntime(value), to)(value, CAST_CONTEXT));
  const body = castBody(from, to);
  return (value, context) => (value === null ? null : body(value, context));
}

const CAST_CONTEXT: EvaluationContext = { rowtime: 0, queryStart: 0 };

function typeOfRuntime(value: SqlValue): SqlType {
  if (typeof value === "number") return { name: "DOUBLE", nullable: true };
  if (typeof value === "string") return { name: "VARCHAR", nullable: true };
  if (typeof value === "boolean") return { name: "BOOLEAN", nullable: true };
  return { name: "ANY", nullable: true };
}

function castBody(from: SqlType, to: SqlType): (value: SqlValue, context: EvaluationContext) => SqlValue {
  const toText = isCharacterType(to);
  if (isNumericType(from)) {
    if (isNumericType(to)) return (v) => toNumericType(v as number, to);
    if (toText) return (v) => fitWhole(numberText(v as number, from), from, to);
  } else if (isCharacterType(from)) {
    if (toText) return (v) => fitCharacters(v as string, to);
    if (isNumericType(to)) return (v) => parseNumber(v as string, to);
    if (isDatetimeType(to)) {
      const kind = to.name as DatetimeKind;
      return (v) => {
        const ms = parseDatetimeText(kind, (v as string).trim());
        if (ms === undefined) throw invalidText(v as string, to);
        return ms;
      };
    }
    if (to.name === "INTERVAL_DAY_TIME" || to.name === "INTERVAL_YEAR_MONTH") {
      return (v) =>
        parseIntervalLiteral(
          v as string,
          to.qualifier ??
            (to.name === "INTERVAL_DAY_TIME"
              ? { start: "DAY", end: "SECOND", startPrecision: 10 }
              : { start: "YEAR", end: "MONTH", startPrecision: 10 }),
        );
    }
    if (to.name === "BOOLEAN") return (v) => parseBoolean(v as string, to);
  } else if (isDatetimeType(from)) {
    const kind = from.name as DatetimeKind;
    if (toText) return (v) => fitWhole(formatDatetime(kind, v as number), from, to);
    if (to.name === from.name) return (v) => v;
    if (from.name === "TIMESTAMP" && (to.name === "DATE" || to.name === "TIME"))
      return (v) => toKind(to.name as DatetimeKind, v as number);
    if (from.name === "DATE" && to.name === "TIMESTAMP") return (v) => v;
    // SQL:2008: a TIME becomes a TIMESTAMP on the current date (the query's start).
    if (from.name === "TIME" && to.name === "TIMESTAMP")
      return (v, context) => dayNumber(context.queryStart) * MS_PER_DAY + timeOfDay(v as number);
  } else if (isIntervalType(from)) {
    if (toText) return (v) => fitCharacters(formatInterval(v as SqlInterval, from.qualifier), to);
    if (to.name === from.name) return (v) => v;
    if (isIntegerType(to) || to.name === "DECIMAL") return (v) => intervalNumber(v as SqlInterval, from, to);
  } else if (from.name === "BOOLEAN") {
    if (toText) return (v) => fitWhole(v ? "TRUE" : "FALSE", from, to);
    if (to.name === "BOOLEAN") return (v) => v;
  } else if (from.name === "BINARY" || from.name === "VARBINARY") {
    if (to.name === "VARBINARY")
      return (v) => (to.length !== undefined ? (v as Uint8Array).slice(0, to.length) : v);
    if (to.name === "BINARY") {
      return (v) => {
        const bytes = new Uint8Array(to.length ?? (v as Uint8Array).length);
        bytes.set((v as Uint8Array).subarray(0, bytes.length));
        return bytes;
      };
    }
  }
  throw cannotCast(from, to);
}

/**
 * CAST as a function: `CAST(x AS type)` lowered to `CAST(x, 'VARCHAR(8)')`, the target type
 * written as SQL in a character literal.
 */
export const castFunction: ScalarSqlFunction = {
  kind: "scalar",
  name: "CAST",
  returnType: (args) => {
    expectArity("CAST", args, 2);
    const to = parseSqlTypeText(requireLiteralString("CAST", args[1], "a target type"));
    compileCast(args[0]!.type, to);
    return { ...to, nullable: args[0]!.type.nullable };
  },
  prepare: (args) => {
    const cast = compileCast(
      args[0]!.type,
      parseSqlTypeText(requireLiteralString("CAST", args[1], "a target type")),
    );
    return (values, context) => cast(values[0]!, context);
  },
  evaluate: (values, context) => {
    const value = values[0]!;
    return compileCast(typeOfRuntime(value), parseSqlTypeText(values[1] as string))(value, context);
  },
};
