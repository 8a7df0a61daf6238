import { isDatetimeType, type SqlType } from "../../types/sql-type.ts";
import type { SqlInterval } from "../../types/sql-value.ts";
import { addMonths, MS_PER_DAY, monthsBetween, msPerUnit, timeOfDay } from "../datetime/calendar.ts";
import { parseQualifier, qualifierFields } from "../datetime/interval-literals.ts";
import { type ScalarSqlFunction, SqlFunctionError } from "../function-contract.ts";
import { expectArity, requireLiteralString, wrongTypes } from "../support/arguments.ts";
import { type ScalarBody, strictScalar } from "../support/define-scalar.ts";
import { describeType, intervalType, isIntervalType, isUntyped } from "../support/sql-types.ts";
import { type ArithmeticOperator, arithmeticType } from "./arithmetic-types.ts";
import { fitNumber, isIntegerName, numberFitter } from "./numeric-values.ts";

/** Adds a day-time or year-month interval to a datetime of a kind (DATE keeps whole days, TIME wraps). */
export function addInterval(datetime: number, type: SqlType, interval: SqlInterval, sign: 1 | -1): number {
  if (interval.kind === "year-month") return addMonths(datetime, sign * interval.months);
  switch (type.name) {
    case "DATE":
      return datetime + sign * Math.trunc(interval.ms / MS_PER_DAY) * MS_PER_DAY;
    case "TIME":
      return timeOfDay(datetime + sign * interval.ms);
    default:
      return datetime + sign * interval.ms;
  }
}

function numericBody(op: ArithmeticOperator, type: SqlType): ScalarBody {
  const integer = isIntegerName(type.name);
  const exact = integer || type.name === "DECIMAL";
  const toType = numberFitter(type);
  switch (op) {
    case "+":
      return (v) => toType((v[0] as number) + (v[1] as number));
    case "-":
      return (v) => toType((v[0] as number) - (v[1] as number));
    case "*":
      return (v) => toType((v[0] as number) * (v[1] as number));
    case "/":
      return (v) => {
        const divisor = v[1] as number;
        if (divisor === 0 && exact) throw new SqlFunctionError("Division by zero");
        const quotient = (v[0] as number) / divisor;
        // Two integers divide to an integer, truncated toward zero (5 / 2 = 2, -5 / 2 = -2).
        return toType(integer ? Math.trunc(quotient) || 0 : quotient);
      };
  }
}

function intervalOf(value: unknown): SqlInterval {
  return value as SqlInterval;
}

function scaleInterval(interval: SqlInterval, factor: number): SqlInterval {
  if (!Number.isFinite(factor)) throw new SqlFunctionError("Interval arithmetic by a non-finite number");
  return interval.kind === "day-time"
    ? { kind: "day-time", ms: Math.round(interval.ms * factor) || 0 }
    : { kind: "year-month", months: Math.trunc(interval.months * factor) || 0 };
}

function combine(a: SqlInterval, b: SqlInterval, sign: 1 | -1): SqlInterval {
  if (a.kind === "day-time" && b.kind === "day-time") return { kind: "day-time", ms: a.ms + sign * b.ms };
  if (a.kind === "year-month" && b.kind === "year-month")
    return { kind: "year-month", months: a.months + sign * b.months };
  throw new SqlFunctionError("Cannot combine a day-time interval with a year-month interval");
}

function arithmeticOperator(op: ArithmeticOperator): ScalarSqlFunction {
  return strictScalar({
    name: op,
    returnType: (args) => {
      if (op === "-" && args.length === 3)
        return datetimeDifferenceType(
          args.map((a) => a.type),
          requireLiteralString("-", args[2], "an interval qualifier"),
        );
      expectArity(op, args, 2);
      return arithmeticType(op, args[0]!.type, args[1]!.type).type;
    },
    compile: (args) => {
      if (op === "-" && args.length === 3) {
        return datetimeDifference(requireLiteralString("-", args[2], "an interval qualifier"));
      }
      const { type, kind } = arithmeticType(op, args[0]!.type, args[1]!.type);
      switch (kind) {
        case "numeric":
          return numericBody(op, type);
        case "datetime+interval":
          return (v) => addInterval(v[0] as number, type, intervalOf(v[1]), 1);
        case "datetime-interval":
          return (v) => addInterval(v[0] as number, type, intervalOf(v[1]), -1);
        case "interval+datetime":
          return (v) => addInterval(v[1] as number, type, intervalOf(v[0]), 1);
        case "interval+interval":
          return (v) => combine(intervalOf(v[0]), intervalOf(v[1]), op === "+" ? 1 : -1);
        case "interval*number":
          return (v) => scaleInterval(intervalOf(v[0]), v[1] as number);
        case "number*interval":
          return (v) => scaleInterval(intervalOf(v[1]), v[0] as number);
        case "interval/number":
          return (v) => {
            if (v[1] === 0) throw new SqlFunctionError("Division by zero");
            return scaleInterval(intervalOf(v[0]), 1 / (v[1] as number));
          };
      }
    },
  });
}

/** `(a - b) <qualifier>`'s type: an interval of the qualifier; both operands the same datetime type. */
function datetimeDifferenceType(types: readonly SqlType[], qualifierText: string): SqlType {
  const [a, b] = types as [SqlType, SqlType];
  if (!(isDatetimeType(a) || isUntyped(a)) || !(isDatetimeType(b) || isUntyped(b))) {
    throw new SqlFunctionError(
      `(a - b) ${qualifierText} expects two datetimes of the same type; got ${describeType(a)} and ${describeType(b)}`,
    );
  }
  if (isDatetimeType(a) && isDatetimeType(b) && a.name !== b.name) {
    throw new SqlFunctionError("Parameters must be of the same type");
  }
  return intervalType(parseQualifier(qualifierText), a.nullable || b.nullable);
}

/**
 * `(a - b) <qualifier>`: the difference of two datetimes as an interval of the qualifier, truncated
 * to its last field (`(TIME '12:03:34' - TIME '11:57:23') MINUTE` is 6 minutes).
 */
function datetimeDifference(qualifierText: string): ScalarBody {
  const qualifier = parseQualifier(qualifierText);
  const fields = qualifierFields(qualifier);
  const last = fields[fields.length - 1]!;
  if (last === "YEAR" || last === "MONTH") {
    return (v) => {
      const months = monthsBetween(v[0] as number, v[1] as number);
      return { kind: "year-month", months: last === "YEAR" ? Math.trunc(months / 12) * 12 : months };
    };
  }
  const unit = msPerUnit(last);
  return (v) => {
    const ms = (v[0] as number) - (v[1] as number);
    return { kind: "day-time", ms: unit === 1000 ? ms : Math.trunc(ms / unit) * unit || 0 };
  };
}

/** Unary minus of a number (checked against its type's range) or an interval. */
const negate: ScalarSqlFunction = strictScalar({
  name: "NEGATE",
  returnType: (args) => {
    expectArity("NEGATE", args, 1);
    const type = args[0]!.type;
    if (
      !(
        isIntervalType(type) ||
        isUntyped(type) ||
        ["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "DECIMAL", "REAL", "DOUBLE"].includes(type.name)
      )
    ) {
      wrongTypes("-", "a number or an interval", args);
    }
    return type;
  },
  compile: (args) => {
    const type = args[0]!.type;
    return (v) => {
      const value = v[0]!;
      if (typeof value === "number") return fitNumber(-value || 0, type);
      const interval = intervalOf(value);
      return interval.kind === "day-time"
        ? { kind: "day-time", ms: -interval.ms || 0 }
        : { kind: "year-month", months: -interval.months || 0 };
    };
  },
});

/**
 * The arithmetic operators `+ - * /` on numbers (KDA's typing: integer division truncates, mixed
 * types take the greater precision, DECIMAL scales by the precision page) and on datetimes and
 * intervals (`datetime ± interval`, `interval ± interval`, `interval * n`, `n * interval`,
 * `interval / n`); `(a - b) <qualifier>` is `-(a, b, '<qualifier>')`; unary minus is `NEGATE`.
 * Integer and DECIMAL division by zero and results out of their type's range are row errors;
 * REAL and DOUBLE follow IEEE arithmetic, as Java does.
 */
export const arithmeticOperators: readonly ScalarSqlFunction[] = [
  arithmeticOperator("+"),
  arithmeticOperator("-"),
  arithmeticOperator("*"),
  arithmeticOperator("/"),
  negate,
];
