/**
 * The ERROR_NAMEs of records the input layer rejects (semantics A6), beside the planner's
 * (`DIVISION_BY_ZERO`, `CAST_FAILED`, `FUNCTION_FAILED`, `NOT_NULL_VIOLATED`, `LATE_ROW`):
 *
 * - `PARSE_FAILED`: the record's bytes are not UTF-8, not JSON, not under the JSON row path;
 * - `COERCION_FAILED`: a value cannot become its column's type (`"abc"` for an INTEGER, 123.4 for
 *   an INTEGER, a number for a TIMESTAMP — KDA's coercion table);
 * - `PREPROCESSING_FAILED`: the Lambda preprocessor answered `ProcessingFailed` for the record.
 *
 * @example
 * const name: InputErrorName = "COERCION_FAILED";
 */
export type InputErrorName = "PARSE_FAILED" | "COERCION_FAILED" | "PREPROCESSING_FAILED";

/**
 * A row of KDA's `error_stream`, by column, in the stream's column order (ERROR_TIME TIMESTAMP,
 * ERROR_LEVEL VARCHAR(10), ERROR_NAME VARCHAR(32), MESSAGE VARCHAR(4096), DATA_ROWTIME TIMESTAMP,
 * DATA_ROW VARCHAR(49152), PUMP_NAME VARCHAR(128)); timestamps are epoch ms.
 *
 * @example
 * const row: ErrorStreamRow = {
 *   ERROR_TIME: 1_700_000_000_000,
 *   ERROR_LEVEL: "ERROR",
 *   ERROR_NAME: "PARSE_FAILED",
 *   MESSAGE: "the record is not JSON: Unexpected token 'x'",
 *   DATA_ROWTIME: 1_700_000_000_000,
 *   DATA_ROW: "78",
 *   PUMP_NAME: null,
 * };
 */
export interface ErrorStreamRow {
  /** When the error happened: the failing row's ROWTIME (epoch ms), so a replay writes the same. */
  readonly ERROR_TIME: number;
  /** `ERROR`. */
  readonly ERROR_LEVEL: string;
  /** What kind of error ({@link InputErrorName}, or the planner's names). */
  readonly ERROR_NAME: string;
  /** What was wrong, and where. */
  readonly MESSAGE: string;
  /** ROWTIME of the row (or record) that failed. */
  readonly DATA_ROWTIME: number | null;
  /** The failing row or record, hex-encoded. */
  readonly DATA_ROW: string | null;
  /** The pump whose query failed; NULL for the input layer. */
  readonly PUMP_NAME: string | null;
}

/** The widths of error_stream's character columns: longer text is cut to them. */
const WIDTH = { message: 4096, dataRow: 49_152 } as const;

/**
 * The error_stream row for a record the input layer rejects (semantics A6, A15): ERROR_TIME and
 * DATA_ROWTIME are the record's arrival time — the ROWTIME its rows would have had, so a replay
 * writes the same errors; ERROR_LEVEL is `ERROR`; DATA_ROW is the hex of the record's bytes as
 * they were mapped (after Lambda preprocessing; the bytes sent to the function for
 * `PREPROCESSING_FAILED`), cut to the column's 49152 characters; PUMP_NAME is NULL (no pump ran).
 *
 * @example
 * const row = inputErrorRow({
 *   name: "PARSE_FAILED",
 *   message: "the record is not JSON",
 *   arrivalTime: 1_700_000_000_000,
 *   data: new TextEncoder().encode("{oops"),
 * });
 * row.DATA_ROW; // "7b6f6f7073"
 */
export function inputErrorRow(options: {
  readonly name: InputErrorName;
  readonly message: string;
  readonly arrivalTime: number;
  readonly data: Uint8Array;
}): ErrorStreamRow {
  const bytes = options.data.subarray(0, WIDTH.dataRow / 2);
  return {
    ERROR_TIME: options.arrivalTime,
    ERROR_LEVEL: "ERROR",
    ERROR_NAME: options.name,
    MESSAGE: options.message.slice(0, WIDTH.message),
    DATA_ROWTIME: options.arrivalTime,
    DATA_ROW: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex"),
    PUMP_NAME: null,
  };
}
