import { SqlFunctionError } from "../functions/function-contract.ts";
import type { SqlRow } from "../plan/logical-plan.ts";
import type { SqlField } from "../types/sql-type.ts";
import type { SqlValue } from "../types/sql-value.ts";

/**
 * `ERROR_NAME` of a row whose evaluation failed (division by zero, a failed cast, a bad format):
 * AWS documents the cause but not the vocabulary (A6); Eddy names the kinds it produces.
 */
export type SqlErrorName = "EVALUATION_ERROR" | "NOT_NULL_VIOLATION" | "LATE_ROW";

/** What an error row says, besides the row itself. */
export interface ErrorRowParts {
  /** Processing time of the failure (the job's clock), epoch ms. */
  readonly now: number;
  readonly name: SqlErrorName;
  readonly message: string;
  /** The failing row's ROWTIME. */
  readonly rowtime: number;
  /** The failing row and its columns, for `DATA_ROW`. */
  readonly row: SqlRow;
  readonly columns: readonly SqlField[];
  /** The pump the row was in; `""` for a bare query. */
  readonly pump: string;
}

const MESSAGE_LENGTH = 4096;
const DATA_ROW_LENGTH = 49152;

/**
 * The `error_stream` row (columns `ERROR_STREAM_COLUMNS`) for a row that failed. `DATA_ROW` is the
 * hex of the UTF-8 JSON object of the row by column name (A15: AWS says "hex-encoded" without
 * saying of what), cut to the column's 49152 characters.
 */
export function errorRow(parts: ErrorRowParts): SqlRow {
  return [
    parts.now,
    "ERROR",
    parts.name,
    parts.message.slice(0, MESSAGE_LENGTH),
    parts.rowtime,
    Buffer.from(rowJson(parts.row, parts.columns), "utf8").toString("hex").slice(0, DATA_ROW_LENGTH),
    parts.pump,
  ];
}

function rowJson(row: SqlRow, columns: readonly SqlField[]): string {
  const object: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    object[column.name] = jsonValue(row[i] ?? null);
  });
  return JSON.stringify(object);
}

function jsonValue(value: SqlValue): unknown {
  return value instanceof Uint8Array ? Buffer.from(value).toString("base64") : value;
}

/**
 * A pump inserted NULL into a `NOT NULL` column: the row goes to the error stream (reference §8)
 * named `NOT_NULL_VIOLATION`.
 */
export class NotNullViolation extends SqlFunctionError {}

/** The `ERROR_NAME` for an error an operator caught. */
export function errorNameOf(error: SqlFunctionError): SqlErrorName {
  return error instanceof NotNullViolation ? "NOT_NULL_VIOLATION" : "EVALUATION_ERROR";
}
