import type { SqlField } from "../types/sql-type.ts";
import type { SqlValue } from "../types/sql-value.ts";
import type { RecordSchema } from "./application-model.ts";
import { type ErrorStreamRow, inputErrorRow } from "./input-error.ts";
import { compileRecordParser, RecordMappingError } from "./record-parser.ts";

/**
 * The column KDA adds to an input's in-application stream: when the record reached the streaming
 * source (Kinesis `ApproximateArrivalTimestamp`), as a TIMESTAMP. It is the last column of the
 * rows {@link compileInputMapping} gives; ROWTIME, the rows' timestamp, is the same instant.
 *
 * @example
 * APPROXIMATE_ARRIVAL_TIME.name; // "APPROXIMATE_ARRIVAL_TIME"
 */
export const APPROXIMATE_ARRIVAL_TIME: SqlField = Object.freeze({
  name: "APPROXIMATE_ARRIVAL_TIME",
  type: Object.freeze({ name: "TIMESTAMP", nullable: false }),
});

/**
 * The columns of an input's in-application stream(s), in row order: the schema's columns, exact
 * case, then {@link APPROXIMATE_ARRIVAL_TIME}. (ROWTIME is the rows' timestamp, not a column.)
 *
 * @example
 * declare const app: SqlApplication;
 * const columns = inputStreamColumns(app.input!.schema); // what the checker declares for SOURCE_SQL_STREAM_001
 */
export function inputStreamColumns(schema: RecordSchema): SqlField[] {
  return [...schema.columns.map((c) => ({ name: c.name, type: c.type })), APPROXIMATE_ARRIVAL_TIME];
}

/**
 * What one record became: its rows (columns of {@link inputStreamColumns}, ROWTIME = the arrival
 * time), or no row and the error_stream row saying why.
 *
 * @example
 * declare const mapped: MappedRecord;
 * if (mapped.error !== undefined) console.warn(mapped.error.MESSAGE);
 */
export type MappedRecord =
  | {
      /** The record's rows, in order. */
      readonly rows: SqlValue[][];
      /** None. */
      readonly error?: undefined;
    }
  | {
      /** None: nothing of a rejected record reaches the stream. */
      readonly rows: readonly [];
      /** Why the record was rejected. */
      readonly error: ErrorStreamRow;
    };

/**
 * An input schema compiled once: record bytes in, rows of the in-application stream out.
 *
 * @example
 * declare const mapping: InputMapping;
 * const { rows, error } = mapping.map(new TextEncoder().encode('{"ticker":"AMZN"}'), Date.UTC(2024, 0, 1));
 */
export interface InputMapping {
  /** The in-application stream's columns ({@link inputStreamColumns}). */
  readonly columns: readonly SqlField[];
  /** Maps one record's bytes, which reached the source at `arrivalTime` (epoch ms). */
  map(data: Uint8Array, arrivalTime: number): MappedRecord;
}

/**
 * Compiles an input's schema into the mapping KDA applies to each record (after Lambda
 * preprocessing, if any): UTF-8 text, split into rows and coerced to the column types as the
 * record parser documents (JSON with KDA's JSONPath subset, or CSV), with the record's arrival
 * time appended as APPROXIMATE_ARRIVAL_TIME. A record that is not UTF-8, does not parse, or holds
 * one value that cannot be coerced gives no row at all and one error_stream row
 * (`PARSE_FAILED`, `COERCION_FAILED`; semantics A6) with the record's bytes hex-encoded.
 *
 * @example
 * const mapping = compileInputMapping({
 *   format: { kind: "CSV", columnDelimiter: ",", rowDelimiter: "\n" },
 *   encoding: "UTF-8",
 *   columns: [
 *     { name: "TICKER", sqlType: "VARCHAR(4)", type: { name: "VARCHAR", length: 4, nullable: true } },
 *     { name: "PRICE", sqlType: "DOUBLE", type: { name: "DOUBLE", nullable: true } },
 *   ],
 * });
 * const arrival = Date.UTC(2024, 0, 1);
 * mapping.map(new TextEncoder().encode("AMZN,12.5\nMSFT,3\n"), arrival).rows;
 * // [["AMZN", 12.5, arrival], ["MSFT", 3, arrival]]
 * mapping.map(new TextEncoder().encode("AMZN,cheap"), arrival).error?.ERROR_NAME; // "COERCION_FAILED"
 */
export function compileInputMapping(schema: RecordSchema): InputMapping {
  const parse = compileRecordParser(schema);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  return {
    columns: inputStreamColumns(schema),
    map(data, arrivalTime) {
      try {
        let text: string;
        try {
          text = decoder.decode(data);
        } catch {
          throw new RecordMappingError("PARSE_FAILED", "the record is not UTF-8 text");
        }
        const rows = parse(text);
        for (const row of rows) row.push(arrivalTime);
        return { rows };
      } catch (error) {
        if (!(error instanceof RecordMappingError)) throw error;
        return {
          rows: [],
          error: inputErrorRow({ name: error.errorName, message: error.message, arrivalTime, data }),
        };
      }
    },
  };
}
