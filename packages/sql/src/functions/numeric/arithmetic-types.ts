import {
  type DatetimeUnit,
  type IntervalQualifier,
  isDatetimeType,
  isIntegerType,
  isNumericType,
  type SqlType,
} from "../../types/sql-type.ts";
import { SqlFunctionError } from "../function-contract.ts";
import {
  decimal,
  decimalDigits,
  describeType,
  intervalType,
  isIntervalType,
  isUntyped,
  MAX_DECIMAL_PRECISION,
  sqlType,
  widerNumericType,
} from "../support/sql-types.ts";

/**
 * The binary arithmetic operators.
 *
 * @example
 * const op: ArithmeticOperator = "/";
 */
export type ArithmeticOperator = "+" | "-" | "*" | "/";

const UNITS: readonly DatetimeUnit[] = ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"];

/**
 * The result type of `a op b` on two numeric types, by KDA's rules: DOUBLE or REAL when either
 * operand is approximate; two integers stay the wider integer (`5 / 2 = 2`); with a DECIMAL the
 * rules of the numeric-types-precision page (sums keep the larger scale and one more whole
 * digit, products add precisions and scales, quotients get scale max(6, s1 + p2 + 1)), capped at
 * 18 digits.
 *
 * @example
 * const five: SqlType = { name: "DECIMAL", precision: 2, scale: 1, nullable: false };
 * numericResultType("/", five, { name: "INTEGER", nullable: false }); // DECIMAL(13, 12): 5.0 / 2 = 2.500000000000
 */
export function numericResultType(op: ArithmeticOperator, a: SqlType, b: SqlType): SqlType {
  const nullable = a.nullable || b.nullable;
  if (a.name === "DOUBLE" || b.name === "DOUBLE" || a.name === "REAL" || b.name === "REAL") {
    return widerNumericType(a, b);
  }
  if (isIntegerType(a) && isIntegerType(b)) return widerNumericType(a, b);
  const x = decimalDigits(a);
  const y = decimalDigits(b);
  let precision: number;
  let scale: number;
  switch (op) {
    case "+":
    case "-":
      scale = Math.max(x.scale, y.scale);
      precision = Math.max(x.precision - x.scale, y.precision - y.scale) + scale + 1;
      break;
    case "*":
      precision = x.precision + y.precision;
      scale = x.scale + y.scale;
      break;
    case "/": {
      const whole = x.precision - x.scale + y.scale;
      scale = Math.max(6, x.scale + y.precision + 1);
      precision = whole + scale;
      if (precision > MAX_DECIMAL_PRECISION) {
        // The page's precedence: keep at least the first operand's scale, then whole digits.
        scale = Math.max(x.scale, Math.min(scale, MAX_DECIMAL_PRECISION - whole));
      }
      break;
    }
  }
  precision = Math.min(precision, MAX_DECIMAL_PRECISION);
  return decimal(precision, Math.min(scale, precision), nullable);
}

/** The qualifier covering two interval qualifiers (`DAY` + `DAY TO HOUR` → `DAY TO HOUR`). */
export function unionQualifier(
  a: IntervalQualifier | undefined,
  b: IntervalQualifier | undefined,
): IntervalQualifier | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  const start = Math.min(UNITS.indexOf(a.start), UNITS.indexOf(b.start));
  const end = Math.max(UNITS.indexOf(a.end ?? a.start), UNITS.indexOf(b.end ?? b.start));
  const precision = Math.max(a.startPrecision ?? 2, b.startPrecision ?? 2);
  return {
    start: UNITS[start]!,
    ...(end === start ? {} : { end: UNITS[end]! }),
    ...(precision === 2 ? {} : { startPrecision: precision }),
  };
}

/**
 * How an arithmetic call on the given types is evaluated.
 *
 * @example
 * const kind: ArithmeticKind = "datetime+interval";
 */
export type ArithmeticKind =
  | "numeric"
  | "datetime+interval"
  | "interval+datetime"
  | "datetime-interval"
  | "interval+interval"
  | "interval*number"
  | "number*interval"
  | "interval/number";

/**
 * What {@link arithmeticType} finds for a call.
 *
 * @example
 * const typing: ArithmeticTyping = { type: { name: "INTEGER", nullable: false }, kind: "numeric" };
 */
export interface ArithmeticTyping {
  /** The result's type. */
  readonly type: SqlType;
  /** Which evaluation the operands call for. */
  readonly kind: ArithmeticKind;
}

/**
 * The result type and kind of `a op b`, or a {@link SqlFunctionError} with KDA's message for
 * operands the operator does not take (`Cannot apply '-' to arguments of type '<DATE> - <DATE>'`).
 *
 * @example
 * const day: SqlType = { name: "INTERVAL_DAY_TIME", qualifier: { start: "DAY" }, nullable: false };
 * arithmeticType("+", { name: "TIMESTAMP", nullable: false }, day); // { type: TIMESTAMP, kind: "datetime+interval" }
 */
export function arithmeticType(op: ArithmeticOperator, a: SqlType, b: SqlType): ArithmeticTyping {
  const nullable = a.nullable || b.nullable;
  const aNumeric = isNumericType(a) || isUntyped(a);
  const bNumeric = isNumericType(b) || isUntyped(b);
  if (aNumeric && bNumeric) {
    if (isUntyped(a) && isUntyped(b)) return { type: sqlType("NULL"), kind: "numeric" };
    const type = isUntyped(a)
      ? { ...b, nullable: true }
      : isUntyped(b)
        ? { ...a, nullable: true }
        : numericResultType(op, a, b);
    return { type, kind: "numeric" };
  }
  const aInterval = isIntervalType(a);
  const bInterval = isIntervalType(b);
  if ((op === "+" || op === "-") && isDatetimeType(a) && (bInterval || isUntyped(b))) {
    if (a.name === "TIME" && b.name === "INTERVAL_YEAR_MONTH") throw cannotApply(op, a, b);
    return { type: { ...a, nullable }, kind: op === "+" ? "datetime+interval" : "datetime-interval" };
  }
  if (op === "+" && aInterval && isDatetimeType(b)) {
    if (b.name === "TIME" && a.name === "INTERVAL_YEAR_MONTH") throw cannotApply(op, a, b);
    return { type: { ...b, nullable }, kind: "interval+datetime" };
  }
  if ((op === "+" || op === "-") && aInterval && bInterval && a.name === b.name) {
    const qualifier = unionQualifier(a.qualifier, b.qualifier);
    return {
      type: qualifier === undefined ? { name: a.name, nullable } : intervalType(qualifier, nullable),
      kind: "interval+interval",
    };
  }
  if (op === "*" && aInterval && bNumeric) return { type: { ...a, nullable }, kind: "interval*number" };
  if (op === "*" && aNumeric && bInterval) return { type: { ...b, nullable }, kind: "number*interval" };
  if (op === "/" && aInterval && bNumeric) return { type: { ...a, nullable }, kind: "interval/number" };
  throw cannotApply(op, a, b);
}

function cannotApply(op: ArithmeticOperator, a: SqlType, b: SqlType): SqlFunctionError {
  const forms: Record<ArithmeticOperator, string> = {
    "+": "'<NUMERIC> + <NUMERIC>', '<DATETIME_INTERVAL> + <DATETIME_INTERVAL>', '<DATETIME> + <DATETIME_INTERVAL>', '<DATETIME_INTERVAL> + <DATETIME>'",
    "-": "'<NUMERIC> - <NUMERIC>', '<DATETIME_INTERVAL> - <DATETIME_INTERVAL>', '<DATETIME> - <DATETIME_INTERVAL>'",
    "*": "'<NUMERIC> * <NUMERIC>', '<DATETIME_INTERVAL> * <NUMERIC>', '<NUMERIC> * <DATETIME_INTERVAL>'",
    "/": "'<NUMERIC> / <NUMERIC>', '<DATETIME_INTERVAL> / <NUMERIC>'",
  };
  const extra =
    op === "-" && isDatetimeType(a) && isDatetimeType(b)
      ? " (to subtract datetimes write (a - b) <interval qualifier>, e.g. (a - b) DAY)"
      : "";
  return new SqlFunctionError(
    `Cannot apply '${op}' to arguments of type '<${describeType(a)}> ${op} <${describeType(b)}>'. Supported form(s): ${forms[op]}${extra}`,
  );
}
