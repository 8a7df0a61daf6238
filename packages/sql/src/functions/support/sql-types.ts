import {
  type DatetimeUnit,
  formatSqlType,
  type IntervalQualifier,
  isIntegerType,
  isNumericType,
  type SqlType,
  type SqlTypeName,
} from "../../types/sql-type.ts";

/** A type of `name`, nullable unless told otherwise. */
export function sqlType(name: SqlTypeName, nullable = true): SqlType {
  return { name, nullable };
}

/** `VARCHAR(length)`. */
export function varchar(length: number, nullable = true): SqlType {
  return { name: "VARCHAR", length, nullable };
}

/** `DECIMAL(precision, scale)`. */
export function decimal(precision: number, scale: number, nullable = true): SqlType {
  return { name: "DECIMAL", precision, scale, nullable };
}

/** An interval type with its qualifier. */
export function intervalType(qualifier: IntervalQualifier, nullable = true): SqlType {
  return {
    name: isYearMonthUnit(qualifier.start) ? "INTERVAL_YEAR_MONTH" : "INTERVAL_DAY_TIME",
    qualifier,
    nullable,
  };
}

/** Whether a unit belongs to year-month intervals. */
export function isYearMonthUnit(unit: DatetimeUnit): boolean {
  return unit === "YEAR" || unit === "MONTH";
}

/** The same type with another nullability. */
export function withNullable(type: SqlType, nullable: boolean): SqlType {
  return type.nullable === nullable ? type : { ...type, nullable };
}

/** Whether a type is an interval type. */
export function isIntervalType(type: SqlType): boolean {
  return type.name === "INTERVAL_DAY_TIME" || type.name === "INTERVAL_YEAR_MONTH";
}

/** Whether a type is REAL or DOUBLE. */
export function isApproximateType(type: SqlType): boolean {
  return type.name === "REAL" || type.name === "DOUBLE";
}

/** Whether a type is the type of the literal NULL (or `ANY`): it fits every parameter. */
export function isUntyped(type: SqlType): boolean {
  return type.name === "NULL" || type.name === "ANY";
}

/** Digits of an exact numeric type (integers as DECIMAL(p, 0), SQL's rule for mixed arithmetic). */
export function decimalDigits(type: SqlType): { precision: number; scale: number } {
  switch (type.name) {
    case "TINYINT":
      return { precision: 3, scale: 0 };
    case "SMALLINT":
      return { precision: 5, scale: 0 };
    case "INTEGER":
      return { precision: 10, scale: 0 };
    case "BIGINT":
      return { precision: 19, scale: 0 };
    default:
      return { precision: type.precision ?? MAX_DECIMAL_PRECISION, scale: type.scale ?? 0 };
  }
}

/** KDA's DECIMAL holds at most 18 digits of precision and scale (numeric-types-precision page). */
export const MAX_DECIMAL_PRECISION = 18;

const INTEGER_RANK: Partial<Record<SqlTypeName, number>> = { TINYINT: 1, SMALLINT: 2, INTEGER: 3, BIGINT: 4 };

/**
 * The type two numeric operands are brought to (KDA: "the result will be of the type with the
 * greatest precision"): DOUBLE over REAL over DECIMAL over the wider integer.
 */
export function widerNumericType(a: SqlType, b: SqlType): SqlType {
  const nullable = a.nullable || b.nullable;
  if (a.name === "DOUBLE" || b.name === "DOUBLE") return sqlType("DOUBLE", nullable);
  if (a.name === "REAL" || b.name === "REAL") return sqlType("REAL", nullable);
  if (a.name === "DECIMAL" || b.name === "DECIMAL") {
    const x = decimalDigits(a);
    const y = decimalDigits(b);
    const scale = Math.max(x.scale, y.scale);
    const whole = Math.max(x.precision - x.scale, y.precision - y.scale);
    return decimal(Math.min(whole + scale, MAX_DECIMAL_PRECISION), scale, nullable);
  }
  const wider = (INTEGER_RANK[a.name] ?? 0) >= (INTEGER_RANK[b.name] ?? 0) ? a : b;
  return sqlType(wider.name, nullable);
}

/**
 * The common type of several values that must share one (COALESCE's arguments, CASE branches):
 * numbers widen, strings take the longest VARCHAR, other types must be equal. Undefined when they
 * do not fit together.
 */
export function commonType(types: readonly SqlType[]): SqlType | undefined {
  let result: SqlType | undefined;
  for (const type of types) {
    if (isUntyped(type)) continue;
    if (result === undefined) {
      result = type;
      continue;
    }
    if (isNumericType(result) && isNumericType(type)) result = widerNumericType(result, type);
    else if (isCharacter(result) && isCharacter(type)) {
      const length =
        result.length === undefined || type.length === undefined
          ? undefined
          : Math.max(result.length, type.length);
      result = {
        name: "VARCHAR",
        nullable: result.nullable || type.nullable,
        ...(length === undefined ? {} : { length }),
      };
    } else if (result.name === type.name) result = withNullable(result, result.nullable || type.nullable);
    else return undefined;
  }
  if (result === undefined) return types[0] ?? sqlType("NULL");
  return withNullable(
    result,
    types.some((t) => t.nullable),
  );
}

function isCharacter(type: SqlType): boolean {
  return type.name === "CHAR" || type.name === "VARCHAR";
}

/** Renders a type for an error message; the literal NULL's type reads as `NULL`. */
export function describeType(type: SqlType): string {
  return formatSqlType(type);
}

/** Renders argument types for an error message: `VARCHAR(4) and INTERVAL DAY TO SECOND`. */
export function describeTypes(types: readonly SqlType[]): string {
  const names = types.map(describeType);
  if (names.length <= 1) return names[0] ?? "no arguments";
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** Whether values of a type are whole numbers (integers, DECIMAL(p, 0)). */
export function isWholeNumberType(type: SqlType): boolean {
  return isIntegerType(type) || (type.name === "DECIMAL" && (type.scale ?? 0) === 0);
}
