import type { SqlField } from "../types/sql-type.ts";

/**
 * The name of the system stream every application has (reference §8). SQL cannot read it or
 * insert into it; an output may deliver it. Its name is lower case, as KDA prints it.
 *
 * @example
 * const name: string = ERROR_STREAM; // "error_stream"
 */
export const ERROR_STREAM = "error_stream";

const varchar = (length: number): SqlField["type"] => ({ name: "VARCHAR", length, nullable: true });
const timestamp: SqlField["type"] = { name: "TIMESTAMP", nullable: true };

/**
 * The columns of `error_stream`, as AWS's error-handling page lists them: when the error
 * happened, its level and name, the message, and the failing row's ROWTIME and content
 * (`DATA_ROW`, hex-encoded) and the pump it was in.
 *
 * @example
 * const names = ERROR_STREAM_COLUMNS.map((c) => c.name); // ["ERROR_TIME", "ERROR_LEVEL", ...]
 */
export const ERROR_STREAM_COLUMNS: readonly SqlField[] = [
  { name: "ERROR_TIME", type: timestamp },
  { name: "ERROR_LEVEL", type: varchar(10) },
  { name: "ERROR_NAME", type: varchar(32) },
  { name: "MESSAGE", type: varchar(4096) },
  { name: "DATA_ROWTIME", type: timestamp },
  { name: "DATA_ROW", type: varchar(49152) },
  { name: "PUMP_NAME", type: varchar(128) },
];
