import type { DatetimeUnit, IntervalQualifier } from "../../types/sql-type.ts";
import type { SqlInterval } from "../../types/sql-value.ts";
import { SqlFunctionError } from "../function-contract.ts";
import { isYearMonthUnit } from "../support/sql-types.ts";
import { msPerUnit } from "./calendar.ts";

const UNITS: readonly DatetimeUnit[] = ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"];
/** Upper bound (exclusive) of a trailing field. */
const TRAILING_LIMIT: Partial<Record<DatetimeUnit, number>> = { MONTH: 12, HOUR: 24, MINUTE: 60, SECOND: 60 };
/** Separator written before a trailing field. */
const SEPARATOR: Partial<Record<DatetimeUnit, string>> = { MONTH: "-", HOUR: " ", MINUTE: ":", SECOND: ":" };

/** The fields a qualifier covers, leading first (`DAY TO MINUTE` → DAY, HOUR, MINUTE). */
export function qualifierFields(qualifier: IntervalQualifier): readonly DatetimeUnit[] {
  const start = UNITS.indexOf(qualifier.start);
  const end = UNITS.indexOf(qualifier.end ?? qualifier.start);
  return UNITS.slice(start, end + 1);
}

/** Renders a qualifier as SQL: `DAY(3) TO SECOND`, `SECOND(2, 3)`. */
export function formatQualifier(qualifier: IntervalQualifier): string {
  const lead =
    qualifier.startPrecision === undefined
      ? qualifier.start
      : `${qualifier.start}(${qualifier.startPrecision})`;
  return qualifier.end === undefined || qualifier.end === qualifier.start
    ? lead
    : `${lead} TO ${qualifier.end}`;
}

/**
 * Checks a qualifier as KDA's interval rules have it: the leading field more significant than the
 * trailing one, never across year-month and day-time, precisions 1–10.
 */
export function checkQualifier(qualifier: IntervalQualifier): void {
  const start = UNITS.indexOf(qualifier.start);
  const end = UNITS.indexOf(qualifier.end ?? qualifier.start);
  if (end < start || isYearMonthUnit(qualifier.start) !== isYearMonthUnit(qualifier.end ?? qualifier.start)) {
    throw new SqlFunctionError(`Illegal interval qualifier ${qualifier.start} TO ${qualifier.end}`);
  }
  const precision = qualifier.startPrecision ?? 2;
  if (precision < 1 || precision > 10) {
    throw new SqlFunctionError(`Interval leading field precision must be 1 to 10, got ${precision}`);
  }
}

/**
 * The value of an interval literal, `INTERVAL '<text>' <qualifier>` (`negative` for a sign before
 * the quotes): `'3 4'` DAY TO HOUR, `'59:59.999'` MINUTE TO SECOND, `'1-2'` YEAR TO MONTH. Throws
 * KDA's messages: `Illegal interval literal format '3:45' for INTERVAL DAY TO HOUR`,
 * `Interval field value 120 exceeds precision of MINUTE(2) field`.
 *
 * @example
 * parseIntervalLiteral("3 4", { start: "DAY", end: "HOUR" }); // { kind: "day-time", ms: 273600000 }
 */
export function parseIntervalLiteral(
  text: string,
  qualifier: IntervalQualifier,
  negative = false,
): SqlInterval {
  checkQualifier(qualifier);
  const fields = qualifierFields(qualifier);
  const illegal = () =>
    new SqlFunctionError(
      `Illegal interval literal format '${text}' for INTERVAL ${formatQualifier(qualifier)}`,
    );
  let rest = text.trim();
  let sign = negative ? -1 : 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    if (rest[0] === "-") sign = -sign;
    rest = rest.slice(1);
  }
  const values: number[] = [];
  let fraction = "";
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (i > 0) {
      const separator = SEPARATOR[field]!;
      if (!rest.startsWith(separator)) throw illegal();
      rest = rest.slice(separator.length);
    }
    const m = /^\d+/.exec(rest);
    if (m === null) throw illegal();
    const digits = m[0];
    rest = rest.slice(digits.length);
    const value = Number(digits);
    if (i === 0) {
      const precision = qualifier.startPrecision ?? 2;
      if (digits.replace(/^0+(?=\d)/, "").length > precision) {
        throw new SqlFunctionError(
          `Interval field value ${value} exceeds precision of ${field}(${precision}) field`,
        );
      }
    } else if (value >= TRAILING_LIMIT[field]!) {
      throw new SqlFunctionError(
        `Illegal interval literal format '${text}' for INTERVAL ${formatQualifier(qualifier)}: ${field} field ${value} out of range`,
      );
    }
    values.push(value);
    if (field === "SECOND" && rest.startsWith(".")) {
      const f = /^\.(\d+)/.exec(rest);
      if (f === null) throw illegal();
      fraction = f[1]!;
      rest = rest.slice(f[0].length);
      if (fraction.length > (qualifier.fractionalPrecision ?? 3)) throw illegal();
    }
  }
  if (rest.length > 0) throw illegal();
  if (isYearMonthUnit(qualifier.start)) {
    let months = 0;
    fields.forEach((field, i) => {
      months += field === "YEAR" ? values[i]! * 12 : values[i]!;
    });
    return { kind: "year-month", months: sign * months };
  }
  let ms = 0;
  fields.forEach((field, i) => {
    ms += values[i]! * msPerUnit(field);
  });
  if (fraction !== "") ms += Math.round(Number(`0.${fraction}`) * 1000);
  return { kind: "day-time", ms: sign * ms || 0 };
}

/**
 * The text of an interval value as KDA casts it to a character string: a sign, the leading field
 * unpadded, trailing fields on two digits, seconds' milliseconds when there are any — `+6:11`
 * (MINUTE TO SECOND), `+2 00:06:11` (DAY TO SECOND), `+4-04` (YEAR TO MONTH), `-2 04` (DAY TO HOUR).
 *
 * @example
 * formatInterval({ kind: "day-time", ms: 371_000 }, { start: "MINUTE", end: "SECOND" }); // "+6:11"
 */
export function formatInterval(value: SqlInterval, qualifier: IntervalQualifier | undefined): string {
  const fields = qualifierFields(qualifier ?? defaultQualifier(value));
  const magnitude = value.kind === "year-month" ? Math.abs(value.months) : Math.abs(value.ms);
  const negative = (value.kind === "year-month" ? value.months : value.ms) < 0;
  let text = "";
  let rest = magnitude;
  fields.forEach((field, i) => {
    const size = field === "YEAR" ? 12 : field === "MONTH" ? 1 : msPerUnit(field);
    // The trailing field drops what is smaller than it (`(t1 - t2) MINUTE` shows whole minutes).
    const amount = Math.floor(rest / size);
    rest -= amount * size;
    const digits = i === 0 ? String(amount) : String(amount).padStart(2, "0");
    text += i === 0 ? digits : `${SEPARATOR[field]}${digits}`;
    if (field === "SECOND" && rest > 0) {
      text += `.${String(rest).padStart(3, "0").replace(/0+$/, "")}`;
      rest = 0;
    }
  });
  return `${negative ? "-" : "+"}${text}`;
}

/** The qualifier of an interval value whose type names none: the widest of its kind. */
export function defaultQualifier(value: SqlInterval): IntervalQualifier {
  return value.kind === "year-month" ? { start: "YEAR", end: "MONTH" } : { start: "DAY", end: "SECOND" };
}

const QUALIFIER_TEXT =
  /^\s*(YEAR|MONTH|DAY|HOUR|MINUTE|SECOND)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?(?:\s+TO\s+(YEAR|MONTH|DAY|HOUR|MINUTE|SECOND)\s*(?:\(\s*(\d+)\s*\))?)?\s*$/i;

/**
 * Parses a qualifier written as SQL (`DAY`, `DAY(3) TO SECOND`, `SECOND(2, 3)`, `MINUTE TO
 * SECOND(3)`): how the parser passes `(a - b) DAY TO SECOND` and interval types as text.
 *
 * @example
 * parseQualifier("DAY(3) TO SECOND"); // { start: "DAY", end: "SECOND", startPrecision: 3 }
 */
export function parseQualifier(text: string): IntervalQualifier {
  const m = QUALIFIER_TEXT.exec(text);
  if (m === null) throw new SqlFunctionError(`Illegal interval qualifier '${text}'`);
  const start = m[1]!.toUpperCase() as DatetimeUnit;
  const end = m[4]?.toUpperCase() as DatetimeUnit | undefined;
  const qualifier: IntervalQualifier = {
    start,
    ...(end === undefined || end === start ? {} : { end }),
    ...(m[2] === undefined ? {} : { startPrecision: Number(m[2]) }),
    ...(m[3] !== undefined
      ? { fractionalPrecision: Number(m[3]) }
      : m[5] !== undefined
        ? { fractionalPrecision: Number(m[5]) }
        : {}),
  };
  checkQualifier(qualifier);
  return qualifier;
}
