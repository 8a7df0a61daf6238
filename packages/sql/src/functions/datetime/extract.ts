import { type DatetimeUnit, isDatetimeType } from "../../types/sql-type.ts";
import type { SqlInterval } from "../../types/sql-value.ts";
import { type ScalarSqlFunction, SqlFunctionError } from "../function-contract.ts";
import { anyNullable, expectArity, requireLiteralString, wrongTypes } from "../support/arguments.ts";
import { strictScalar } from "../support/define-scalar.ts";
import { decimal, isIntervalType, isUntyped, sqlType } from "../support/sql-types.ts";
import { civilFromDays, dayNumber, MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, timeOfDay } from "./calendar.ts";

const FIELDS = new Set(["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"]);

function extractFromDatetime(field: DatetimeUnit, ms: number): number {
  const time = timeOfDay(ms);
  switch (field) {
    case "YEAR":
      return civilFromDays(dayNumber(ms)).year;
    case "MONTH":
      return civilFromDays(dayNumber(ms)).month;
    case "DAY":
      return civilFromDays(dayNumber(ms)).day;
    case "HOUR":
      return Math.floor(time / MS_PER_HOUR);
    case "MINUTE":
      return Math.floor(time / MS_PER_MINUTE) % 60;
    case "SECOND":
      return (time % MS_PER_MINUTE) / 1000;
  }
}

/** A field of an interval, carrying the interval's sign (`EXTRACT(HOUR FROM INTERVAL '-2 3' DAY TO HOUR)` = -3). */
function extractFromInterval(field: DatetimeUnit, interval: SqlInterval): number {
  if (interval.kind === "year-month") {
    const sign = Math.sign(interval.months);
    const months = Math.abs(interval.months);
    if (field === "YEAR") return sign * Math.floor(months / 12) || 0;
    if (field === "MONTH") return sign * (months % 12) || 0;
    throw new SqlFunctionError(`EXTRACT(${field} FROM <year-month interval>) is not defined`);
  }
  const sign = Math.sign(interval.ms);
  const ms = Math.abs(interval.ms);
  switch (field) {
    case "DAY":
      return sign * Math.floor(ms / MS_PER_DAY) || 0;
    case "HOUR":
      return sign * (Math.floor(ms / MS_PER_HOUR) % 24) || 0;
    case "MINUTE":
      return sign * (Math.floor(ms / MS_PER_MINUTE) % 60) || 0;
    case "SECOND":
      return (sign * (ms % MS_PER_MINUTE)) / 1000 || 0;
    default:
      throw new SqlFunctionError(`EXTRACT(${field} FROM <day-time interval>) is not defined`);
  }
}

/**
 * EXTRACT(field FROM x) (https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-extract.html),
 * lowered to `EXTRACT('HOUR', x)`: YEAR, MONTH, DAY, HOUR, MINUTE or SECOND of a DATE, TIME,
 * TIMESTAMP or interval. BIGINT, except SECOND: DECIMAL(5, 3) with the milliseconds.
 */
export const extractFunction: ScalarSqlFunction = strictScalar({
  name: "EXTRACT",
  returnType: (args) => {
    expectArity("EXTRACT", args, 2);
    const field = requireLiteralString(
      "EXTRACT",
      args[0],
      "a field (YEAR, MONTH, DAY, HOUR, MINUTE or SECOND)",
    ).toUpperCase();
    if (!FIELDS.has(field)) {
      throw new SqlFunctionError(`EXTRACT expects YEAR, MONTH, DAY, HOUR, MINUTE or SECOND, got '${field}'`);
    }
    const source = args[1]!.type;
    if (!(isDatetimeType(source) || isIntervalType(source) || isUntyped(source))) {
      wrongTypes("EXTRACT", "a field FROM a datetime or an interval", args);
    }
    if (source.name === "TIME" && (field === "YEAR" || field === "MONTH" || field === "DAY")) {
      throw new SqlFunctionError(`EXTRACT(${field} FROM <TIME>) is not defined`);
    }
    return field === "SECOND" ? decimal(5, 3, anyNullable(args)) : sqlType("BIGINT", anyNullable(args));
  },
  compile: (args) => {
    const field = requireLiteralString("EXTRACT", args[0], "a field").toUpperCase() as DatetimeUnit;
    return (values) => {
      const source = values[1]!;
      return typeof source === "number"
        ? extractFromDatetime(field, source)
        : extractFromInterval(field, source as SqlInterval);
    };
  },
});
