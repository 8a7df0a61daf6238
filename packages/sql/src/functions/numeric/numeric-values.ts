import { formatSqlType, type SqlType } from "../../types/sql-type.ts";
import { SqlFunctionError } from "../function-contract.ts";

const INTEGER_BOUNDS: Record<string, readonly [number, number]> = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INTEGER: [-2147483648, 2147483647],
  BIGINT: [-(2 ** 63), 2 ** 63 - 1],
};

/** The largest finite REAL (32-bit float). */
const MAX_REAL = 3.4028234663852886e38;

/** Rounds half away from zero to `scale` digits after the point, on the double's exact value. */
export function roundToScale(value: number, scale: number): number {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e21) return value;
  return Number(value.toFixed(Math.max(0, Math.min(scale, 100))));
}

/** Rounds half away from zero to an integer (KDA: "the real is rounded by the cast"). */
export function roundHalfAwayFromZero(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value)) || 0;
}

/**
 * Brings a number computed in double precision to a numeric type's values: integers are checked
 * against their range (the caller has already made them whole), REAL is rounded to 32 bits,
 * DECIMAL(p, s) rounded to `s` digits and checked against `p`. Throws a {@link SqlFunctionError}
 * naming the type when the value does not fit (a row error: the row goes to error_stream).
 */
export function fitNumber(value: number, type: SqlType): number {
  const bounds = INTEGER_BOUNDS[type.name];
  if (bounds !== undefined) {
    if (!(value >= bounds[0] && value <= bounds[1])) throw overflow(value, type);
    return value;
  }
  switch (type.name) {
    case "REAL": {
      if (Number.isFinite(value) && Math.abs(value) > MAX_REAL) throw overflow(value, type);
      return Math.fround(value);
    }
    case "DECIMAL": {
      const scale = type.scale ?? 0;
      const rounded = roundToScale(value, scale);
      const whole = (type.precision ?? 18) - scale;
      if (!Number.isFinite(rounded) || Math.abs(rounded) >= 10 ** whole) throw overflow(value, type);
      return rounded;
    }
    default:
      return value;
  }
}

function overflow(value: number, type: SqlType): SqlFunctionError {
  return new SqlFunctionError(`Numeric value ${value} is out of range for ${formatSqlType(type)}`);
}

/** Whether `name` is one of the integer types. */
export function isIntegerName(name: string): boolean {
  return INTEGER_BOUNDS[name] !== undefined;
}

/**
 * {@link fitNumber} specialized once for a type, for per-row paths: DOUBLE passes values through,
 * the others check (and round) without looking the type up again.
 */
export function numberFitter(type: SqlType): (value: number) => number {
  const bounds = INTEGER_BOUNDS[type.name];
  if (bounds !== undefined) {
    const [low, high] = bounds;
    return (value) => {
      if (!(value >= low && value <= high)) throw overflow(value, type);
      return value;
    };
  }
  if (type.name === "REAL" || type.name === "DECIMAL") return (value) => fitNumber(value, type);
  return (value) => value;
}
