import {
  formatSqlType,
  isCharacterType,
  isDatetimeType,
  isIntegerType,
  type SqlType,
} from "../../types/sql-type.ts";
import type { SqlValue } from "../../types/sql-value.ts";
import { type DatetimeKind, parseDatetimeText } from "../datetime/datetime-literals.ts";
import { SqlFunctionError } from "../function-contract.ts";
import { fitNumber } from "../numeric/numeric-values.ts";
import { fitCharacters } from "./cast.ts";

/**
 * Converts one JSON value (as `JSON.parse` gives it; `undefined` for a missing path) to a column's
 * SQL value; throws a `SqlFunctionError` saying why it cannot.
 *
 * @example
 * const symbol: JsonCoercion = compileJsonCoercion({ name: "VARCHAR", length: 4, nullable: true });
 * symbol("AMZN1"); // "AMZN"
 */
export type JsonCoercion = (value: unknown) => SqlValue;

const NUMBER_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
const HEX_BINARY = /^[xX]'((?:[0-9a-fA-F]{2})*)'$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return "array";
  return value === null ? "null" : typeof value;
}

function coercionError(value: unknown, type: SqlType, why: string): SqlFunctionError {
  const shown = typeof value === "string" ? `"${value}"` : JSON.stringify(value);
  return new SqlFunctionError(
    `Cannot coerce JSON ${jsonKind(value)} ${shown} to ${formatSqlType(type)}: ${why}`,
  );
}

/** A JSON number to a numeric type: it must fit exactly (123.4 is not an INTEGER). */
function numberTo(value: number, type: SqlType, source: unknown): number {
  if (!Number.isFinite(value)) throw coercionError(source, type, "not a finite number");
  if (isIntegerType(type) && !Number.isInteger(value))
    throw coercionError(source, type, "not a whole number");
  if (type.name === "DECIMAL") {
    const digits = /\.(\d+)/.exec(String(value))?.[1]?.length ?? 0;
    if (digits > (type.scale ?? 0))
      throw coercionError(source, type, `more than ${type.scale ?? 0} digits after the point`);
  }
  try {
    return fitNumber(value, type);
  } catch {
    throw coercionError(source, type, "out of range");
  }
}

function binaryOf(text: string, type: SqlType, source: unknown): Uint8Array {
  const hex = HEX_BINARY.exec(text);
  if (hex !== null) return Uint8Array.from(hex[1]!.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));
  if (BASE64.test(text)) return Uint8Array.from(Buffer.from(text, "base64"));
  throw coercionError(source, type, "not a binary literal X'…' nor base64");
}

function fitBinary(bytes: Uint8Array, type: SqlType, source: unknown): Uint8Array {
  if (type.length !== undefined && bytes.length > type.length)
    throw coercionError(source, type, `longer than ${type.length} bytes`);
  return bytes;
}

/**
 * Compiles the JSON → SQL coercion of one input column, KDA's rules
 * (https://docs.aws.amazon.com/kinesisanalytics/latest/dev/sch-mapping.html):
 * - null (and a missing path) → NULL;
 * - boolean → 1/0 (numbers), one byte 1/0 (binary), BOOLEAN, 'true'/'false' (text, truncated);
 *   datetime: error;
 * - number → numbers when it fits exactly (123.4 → INTEGER is an error), BOOLEAN (0 false, else
 *   true), its text (text); binary and datetime: error;
 * - string → numbers when it reads as one, binary from `X'3F67A23A'` (or base64, the data-types
 *   page's encoding), BOOLEAN true iff "true" in any case (else false), text truncated silently to
 *   VARCHAR(n), datetimes in KDA's forms ("1992-02-14", "1992-02-14 18:35:44.0"); else error;
 * - array or object → its JSON text (text); error otherwise.
 * Errors are {@link SqlFunctionError}s: the record goes to error_stream with the message.
 *
 * @example
 * const price = compileJsonCoercion({ name: "DECIMAL", precision: 5, scale: 2, nullable: true });
 * price(12.5); // 12.5
 */
export function compileJsonCoercion(type: SqlType): JsonCoercion {
  const text = isCharacterType(type);
  const datetime = isDatetimeType(type) ? (type.name as DatetimeKind) : undefined;
  const binary = type.name === "BINARY" || type.name === "VARBINARY";
  const numeric = ["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "DECIMAL", "REAL", "DOUBLE"].includes(
    type.name,
  );
  return (value) => {
    if (value === null || value === undefined) return null;
    switch (typeof value) {
      case "boolean":
        if (numeric) return value ? 1 : 0;
        if (binary) return Uint8Array.of(value ? 1 : 0);
        if (type.name === "BOOLEAN") return value;
        if (text) return fitCharacters(String(value), type);
        break;
      case "number":
        if (numeric) return numberTo(value, type, value);
        if (type.name === "BOOLEAN") return value !== 0;
        if (text) return fitCharacters(String(value), type);
        break;
      case "string":
        if (text) return fitCharacters(value, type);
        if (type.name === "BOOLEAN") return value.toLowerCase() === "true";
        if (numeric) {
          const ok = isIntegerType(type) ? INTEGER_TEXT.test(value) : NUMBER_TEXT.test(value);
          if (!ok) throw coercionError(value, type, "not a number");
          return numberTo(Number(value), type, value);
        }
        if (binary) return fitBinary(binaryOf(value, type, value), type, value);
        if (datetime !== undefined) {
          const trimmed = value.trim();
          // A date alone is midnight of that date for a TIMESTAMP column ("1992-02-14").
          const ms =
            parseDatetimeText(datetime, trimmed) ??
            (datetime === "TIMESTAMP" ? parseDatetimeText("DATE", trimmed) : undefined);
          if (ms === undefined)
            throw coercionError(value, type, `not a ${datetime} in the form ${DATETIME_FORMS[datetime]}`);
          return ms;
        }
        break;
      case "object":
        if (text) return fitCharacters(JSON.stringify(value), type);
        break;
    }
    throw coercionError(value, type, `a JSON ${jsonKind(value)} cannot become ${type.name}`);
  };
}

const DATETIME_FORMS: Record<DatetimeKind, string> = {
  DATE: "yyyy-MM-dd",
  TIME: "HH:mm:ss[.SSS]",
  TIMESTAMP: "yyyy-MM-dd[ HH:mm:ss[.SSS]]",
};

/**
 * Coerces one JSON value to a SQL type (see {@link compileJsonCoercion}, which compiles a
 * column's coercion once).
 *
 * @example
 * coerceJsonValue("1992-02-14 18:35:44.0", { name: "TIMESTAMP", nullable: true }); // 698092544000
 */
export function coerceJsonValue(value: unknown, type: SqlType): SqlValue {
  return compileJsonCoercion(type)(value);
}
