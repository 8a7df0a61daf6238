import { numberText } from "../functions/conversion/cast.ts";
import { formatDate } from "../functions/datetime/datetime-literals.ts";
import { formatInterval } from "../functions/datetime/interval-literals.ts";
import { isNumericType, type SqlField, type SqlType } from "../types/sql-type.ts";
import type { SqlInterval, SqlValue } from "../types/sql-value.ts";

/**
 * Serialises one row of an in-application stream (its values in column order) to the text of
 * one output record.
 *
 * @example
 * declare const toJson: OutputSerializer;
 * toJson(["AMZN", 12.5]); // '{"TICKER":"AMZN","PRICE":12.5}'
 */
export type OutputSerializer = (row: readonly SqlValue[]) => string;

const pad = (value: number, width: number) => String(value).padStart(width, "0");

/** `HH:mm:ss.SSS` of a time of day in ms. */
function timeText(msOfDay: number): string {
  const seconds = Math.floor(msOfDay / 1000);
  return `${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}.${pad(msOfDay % 1000, 3)}`;
}

const MS_PER_DAY = 86_400_000;

/** A value's text, and whether JSON writes it as a string. */
type ValueText = (value: Exclude<SqlValue, null>) => { readonly text: string; readonly quoted: boolean };

/** How a column's values are written (semantics A7), decided once per column. */
function valueText(type: SqlType): ValueText {
  if (isNumericType(type)) return (v) => ({ text: numberText(v as number, type), quoted: false });
  switch (type.name) {
    case "TIMESTAMP":
      return (v) => {
        const ms = v as number;
        const day = Math.floor(ms / MS_PER_DAY);
        return { text: `${formatDate(ms)} ${timeText(ms - day * MS_PER_DAY)}`, quoted: true };
      };
    case "DATE":
      return (v) => ({ text: formatDate(v as number), quoted: true });
    case "TIME":
      return (v) => ({ text: timeText(v as number), quoted: true });
    case "BOOLEAN":
      return (v) => ({ text: v ? "true" : "false", quoted: false });
    case "BINARY":
    case "VARBINARY":
      return (v) => ({ text: Buffer.from(v as Uint8Array).toString("base64"), quoted: true });
    case "CHAR":
    case "VARCHAR":
      return (v) => ({ text: v as string, quoted: true });
    default:
      return untypedText;
  }
}

/** A value of a column whose type says nothing (ANY, NULL, ROW…): by what it is. */
function untypedText(value: Exclude<SqlValue, null>): { readonly text: string; readonly quoted: boolean } {
  if (typeof value === "number")
    return { text: numberText(value, { name: "DOUBLE", nullable: true }), quoted: false };
  if (typeof value === "boolean") return { text: String(value), quoted: false };
  if (typeof value === "string") return { text: value, quoted: true };
  if (value instanceof Uint8Array) return { text: Buffer.from(value).toString("base64"), quoted: true };
  if ("kind" in value && (value.kind === "day-time" || value.kind === "year-month"))
    return { text: formatInterval(value as SqlInterval, undefined), quoted: true };
  return { text: JSON.stringify(value), quoted: true };
}

function compileJson(columns: readonly SqlField[]): OutputSerializer {
  const keys = columns.map((c, i) => `${i === 0 ? "{" : ","}${JSON.stringify(c.name)}:`);
  const texts = columns.map((c) => valueText(c.type));
  return (row) => {
    let out = "";
    for (let i = 0; i < keys.length; i++) {
      const value = row[i] ?? null;
      out += keys[i]!;
      // JSON has no NaN or Infinity: they are null there (CSV writes Java's text).
      if (value === null || (typeof value === "number" && !Number.isFinite(value))) {
        out += "null";
        continue;
      }
      const { text, quoted } = texts[i]!(value);
      out += quoted ? JSON.stringify(text) : text;
    }
    return keys.length === 0 ? "{}" : `${out}}`;
  };
}

const NEEDS_QUOTES = /[",\r\n]/;

function compileCsv(columns: readonly SqlField[]): OutputSerializer {
  const texts = columns.map((c) => valueText(c.type));
  return (row) => {
    let out = "";
    for (let i = 0; i < texts.length; i++) {
      if (i > 0) out += ",";
      const value = row[i] ?? null;
      if (value === null) continue;
      const { text } = texts[i]!(value);
      out += NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    }
    return `${out}\n`;
  };
}

/**
 * Compiles how a destination writes the rows of its in-application stream, as KDA's
 * `DestinationSchema.RecordFormatType` names it. KDA does not document the details (A7); Eddy's
 * choices, one record per row:
 *
 * - JSON: one object per record, no trailing newline (as KDA wrote to Kinesis and Firehose); keys
 *   are the column names as the stream declares them (unquoted names upper-cased, quoted ones
 *   exact), in column order; ROWTIME is not written unless it is a column; NULL is `null`.
 * - CSV: fields in column order separated by `,`, each record ended by `\n`, no header; NULL is
 *   an empty field; a field holding `,`, `"`, CR or LF is quoted with `"` (RFC 4180, `""` inside).
 * - Values: numbers as `CAST(x AS VARCHAR)` writes them (Java's text: DECIMAL with its scale's
 *   digits `12.50`, DOUBLE `1.0E7`), JSON numbers in JSON (NaN and infinities, which JSON lacks,
 *   are `null`; CSV writes Java's `NaN`, `Infinity`); BOOLEAN `true`/`false`; TIMESTAMP
 *   `yyyy-MM-dd HH:mm:ss.SSS`, DATE `yyyy-MM-dd`, TIME `HH:mm:ss.SSS` in UTC (fixed width, and
 *   read back by KDA's input coercion); BINARY/VARBINARY base64 (KDA's data-types page).
 *
 * @example
 * const columns: SqlField[] = [
 *   { name: "TICKER", type: { name: "VARCHAR", length: 8, nullable: true } },
 *   { name: "AVG_PRICE", type: { name: "DECIMAL", precision: 8, scale: 2, nullable: true } },
 *   { name: "WINDOW_END", type: { name: "TIMESTAMP", nullable: true } },
 * ];
 * const row = ["AMZN", 12.5, Date.UTC(2024, 0, 1, 11, 1)];
 * compileOutputFormat(columns, "JSON")(row); // '{"TICKER":"AMZN","AVG_PRICE":12.50,"WINDOW_END":"2024-01-01 11:01:00.000"}'
 * compileOutputFormat(columns, "CSV")(row); // "AMZN,12.50,2024-01-01 11:01:00.000\n"
 */
export function compileOutputFormat(columns: readonly SqlField[], format: "JSON" | "CSV"): OutputSerializer {
  return format === "JSON" ? compileJson(columns) : compileCsv(columns);
}
