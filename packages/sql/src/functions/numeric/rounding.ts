import {
  type DatetimeUnit,
  isDatetimeType,
  isIntegerType,
  isNumericType,
  type SqlType,
} from "../../types/sql-type.ts";
import type { SqlInterval } from "../../types/sql-value.ts";
import { ceilToUnit, floorToUnit, MS_PER_DAY, msPerUnit } from "../datetime/calendar.ts";
import { type ScalarSqlFunction, SqlFunctionError } from "../function-contract.ts";
import { expectArity, requireLiteralString, wrongTypes } from "../support/arguments.ts";
import { strictScalar } from "../support/define-scalar.ts";
import { decimal, decimalDigits, isIntervalType, isUntyped } from "../support/sql-types.ts";
import { fitNumber } from "./numeric-values.ts";

const UNITS = new Set<string>(["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"]);

/** The unit of `FLOOR(x TO unit)`, checked. */
export function datetimeUnit(name: string, text: string): DatetimeUnit {
  const unit = text.trim().toUpperCase();
  if (!UNITS.has(unit))
    throw new SqlFunctionError(
      `${name} ... TO expects YEAR, MONTH, DAY, HOUR, MINUTE or SECOND, got '${text}'`,
    );
  return unit as DatetimeUnit;
}

/** Rounds an interval down (or up) to a whole number of `unit`s. */
function roundInterval(interval: SqlInterval, unit: DatetimeUnit, round: (x: number) => number): SqlInterval {
  if (interval.kind === "year-month") {
    if (unit !== "YEAR" && unit !== "MONTH")
      throw new SqlFunctionError(`A year-month interval cannot be rounded to ${unit}`);
    const size = unit === "YEAR" ? 12 : 1;
    return { kind: "year-month", months: round(interval.months / size) * size || 0 };
  }
  if (unit === "YEAR" || unit === "MONTH")
    throw new SqlFunctionError(`A day-time interval cannot be rounded to ${unit}`);
  const size = msPerUnit(unit);
  return { kind: "day-time", ms: round(interval.ms / size) * size || 0 };
}

function roundingFunction(name: string, direction: "floor" | "ceil"): ScalarSqlFunction {
  const round = direction === "floor" ? Math.floor : Math.ceil;
  const toUnit = direction === "floor" ? floorToUnit : ceilToUnit;
  return strictScalar({
    name,
    returnType: (args) => {
      expectArity(name, args, 1, 2);
      const type = args[0]!.type;
      if (args.length === 2) {
        datetimeUnit(name, requireLiteralString(name, args[1], "a time unit (TO HOUR)"));
        if (!(isDatetimeType(type) || isIntervalType(type) || isUntyped(type))) {
          wrongTypes(name, "a datetime or an interval before TO <unit>", args);
        }
        return type;
      }
      if (!(isNumericType(type) || isUntyped(type)))
        wrongTypes(name, "a number, or a datetime TO a unit", args);
      // A DECIMAL keeps its whole digits and loses its scale: FLOOR(5.2) = 5.
      return type.name === "DECIMAL"
        ? decimal(Math.min(decimalDigits(type).precision, 18), 0, type.nullable)
        : type;
    },
    compile: (args) => {
      const type: SqlType = args[0]!.type;
      if (args.length === 2) {
        const unit = datetimeUnit(name, requireLiteralString(name, args[1], "a time unit (TO HOUR)"));
        if (isIntervalType(type)) return (values) => roundInterval(values[0] as SqlInterval, unit, round);
        if (type.name === "TIME" && (unit === "YEAR" || unit === "MONTH" || unit === "DAY")) {
          return (values) => (direction === "floor" ? 0 : values[0] === 0 ? 0 : MS_PER_DAY);
        }
        return (values) => toUnit(values[0] as number, unit);
      }
      if (isIntegerType(type)) return (values) => values[0] as number;
      return (values) =>
        fitNumber(round(values[0] as number) || 0, type.name === "DECIMAL" ? { ...type, scale: 0 } : type);
    },
  });
}

/**
 * FLOOR and CEIL/CEILING of numbers, and of datetimes and intervals `TO` a unit (YEAR…SECOND),
 * lowered to `FLOOR(x, 'HOUR')` (https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-floor.html).
 */
export const roundingFunctions: readonly ScalarSqlFunction[] = [
  roundingFunction("FLOOR", "floor"),
  roundingFunction("CEIL", "ceil"),
  roundingFunction("CEILING", "ceil"),
];
