import { compileJsonCoercion, type JsonCoercion } from "../functions/conversion/coerce-json.ts";
import { formatSqlType } from "../types/sql-type.ts";
import type { SqlValue } from "../types/sql-value.ts";
import type { RecordColumn, RecordFormat, RecordSchema } from "./application-model.ts";
import type { InputErrorName } from "./input-error.ts";
import { splitJsonDocuments } from "./json-documents.ts";
import { type JsonPath, memberAt, parseJsonPath } from "./json-path.ts";

/**
 * A record (or a reference file) that cannot be mapped to rows: `errorName` is its
 * error_stream ERROR_NAME, the message says what and where.
 *
 * @example
 * throw new RecordMappingError("COERCION_FAILED", 'column "PRICE" DECIMAL(5, 2) from $.price: not a number');
 */
export class RecordMappingError extends Error {
  /** Always `"RecordMappingError"`. */
  override readonly name = "RecordMappingError";

  constructor(
    readonly errorName: InputErrorName,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Rows from the text of one record (or of one reference data file): each row holds the schema's
 * columns in order, as `SqlValue`s. Throws {@link RecordMappingError}.
 *
 * @example
 * declare const parse: RecordParser;
 * parse('{"ticker":"AMZN","price":12.5}'); // [["AMZN", 12.5]]
 */
export type RecordParser = (text: string) => SqlValue[][];

interface CompiledColumn {
  readonly column: RecordColumn;
  readonly coerce: JsonCoercion;
}

function coerceColumn(compiled: CompiledColumn, value: unknown, source: string): SqlValue {
  try {
    return compiled.coerce(value);
  } catch (error) {
    const { column } = compiled;
    throw new RecordMappingError(
      "COERCION_FAILED",
      `column ${JSON.stringify(column.name)} ${formatSqlType(column.type)} from ${source}: ${(error as Error).message}`,
    );
  }
}

interface JsonColumn extends CompiledColumn {
  readonly path: JsonPath;
  /** Read from each element of the flattened array (`$.orders[0:].id`). */
  readonly perElement: boolean;
}

/** A non-flattening column's value: a member, or a whole array (`$.orders[0:]`). */
function wholeValue(parent: unknown, column: JsonColumn): unknown {
  const value = memberAt(parent, column.path.keys);
  return column.path.arrayAt !== undefined && !Array.isArray(value) ? undefined : value;
}

function compileJson(
  format: Extract<RecordFormat, { kind: "JSON" }>,
  columns: readonly CompiledColumn[],
): RecordParser {
  const rowPath = parseJsonPath(format.rowPath);
  const compiled: JsonColumn[] = columns.map((c) => {
    const path = parseJsonPath(c.column.mapping!);
    const perElement = path.arrayAt !== undefined && path.arrayAt < path.keys.length;
    return { ...c, path, perElement };
  });
  const flattening = compiled.find((c) => c.perElement);
  const arrayKeys = flattening?.path.keys.slice(0, flattening.path.arrayAt);
  const allNull = (): SqlValue[] => compiled.map(() => null);

  const rowsOf = (parent: unknown, rows: SqlValue[][]): void => {
    if (typeof parent !== "object" || parent === null) {
      throw new RecordMappingError(
        "PARSE_FAILED",
        `expected a JSON object or array at RecordRowPath ${format.rowPath}, found ${parent === null ? "null" : typeof parent}`,
      );
    }
    if (arrayKeys === undefined) {
      rows.push(compiled.map((c) => coerceColumn(c, wholeValue(parent, c), c.path.text)));
      return;
    }
    const elements = memberAt(parent, arrayKeys);
    // KDA: "An array is always flattened to at least one row … a single row with all null values".
    if (!Array.isArray(elements) || elements.length === 0) {
      rows.push(allNull());
      return;
    }
    const shared = compiled.map((c) =>
      c.perElement ? null : coerceColumn(c, wholeValue(parent, c), c.path.text),
    );
    elements.forEach((element, index) => {
      rows.push(
        compiled.map((c, i) =>
          c.perElement
            ? coerceColumn(
                c,
                memberAt(element, c.path.keys, c.path.arrayAt),
                `${c.path.text} (element ${index})`,
              )
            : shared[i]!,
        ),
      );
    });
  };

  return (text) => {
    let documents: unknown[];
    try {
      documents = splitJsonDocuments(text);
    } catch (error) {
      throw new RecordMappingError("PARSE_FAILED", `the record is not JSON: ${(error as Error).message}`);
    }
    if (documents.length === 0)
      throw new RecordMappingError("PARSE_FAILED", "the record holds no JSON document");
    const rows: SqlValue[][] = [];
    for (const document of documents) {
      if (rowPath.arrayAt === undefined) {
        const parent = memberAt(document, rowPath.keys);
        if (parent === undefined)
          throw new RecordMappingError(
            "PARSE_FAILED",
            `RecordRowPath ${format.rowPath} finds nothing in the record`,
          );
        rowsOf(parent, rows);
      } else {
        const records = memberAt(document, rowPath.keys.slice(0, rowPath.arrayAt));
        if (!Array.isArray(records))
          throw new RecordMappingError(
            "PARSE_FAILED",
            `RecordRowPath ${format.rowPath} finds no array in the record`,
          );
        for (const record of records) rowsOf(memberAt(record, rowPath.keys, rowPath.arrayAt), rows);
      }
    }
    return rows;
  };
}

function compileCsv(
  format: Extract<RecordFormat, { kind: "CSV" }>,
  columns: readonly CompiledColumn[],
): RecordParser {
  const { rowDelimiter, columnDelimiter } = format;
  return (text) => {
    const rows: SqlValue[][] = [];
    for (const line of text.split(rowDelimiter)) {
      // A blank line (the delimiter that ends the last row, most often) is no row.
      if (line.length === 0) continue;
      const fields = line.split(columnDelimiter);
      rows.push(
        columns.map((c, i) => {
          const field = fields[i];
          return field === undefined || field === "" ? null : coerceColumn(c, field, `field ${i + 1}`);
        }),
      );
    }
    if (rows.length === 0) throw new RecordMappingError("PARSE_FAILED", "the record holds no CSV row");
    return rows;
  };
}

/**
 * Compiles how a schema maps a record's text to rows, exactly as KDA's input mapping
 * (https://docs.aws.amazon.com/kinesisanalytics/latest/dev/sch-mapping.html):
 *
 * - JSON: every document in the text (several may follow each other) under `RecordRowPath` is a
 *   row; each column is read at its JSONPath (case-sensitive; missing → NULL); `$.arr[0:]` is the
 *   whole array, as JSON text for a character column; with `$.arr[0:].field` columns the array is
 *   flattened, one row per element with the other columns repeated, and an empty (or missing)
 *   array gives one row of NULLs, as KDA documents;
 * - CSV: rows split at the row delimiter, fields at the column delimiter, taken in order (a row
 *   may hold more fields than columns; missing and empty fields are NULL; blank lines are no
 *   rows; quotes are data: KDA's mapping knows delimiters only);
 * - values are coerced to the column types by KDA's table (`compileJsonCoercion`): CHAR/VARCHAR
 *   cut silently, a value that does not fit fails the record.
 *
 * A record that does not parse or has one value that cannot be coerced gives no row at all: it
 * throws {@link RecordMappingError} (`PARSE_FAILED`, `COERCION_FAILED`) for the error stream.
 *
 * @example
 * const parse = compileRecordParser({
 *   format: { kind: "JSON", rowPath: "$" },
 *   encoding: "UTF-8",
 *   columns: [
 *     { name: "NAME", sqlType: "VARCHAR(8)", type: { name: "VARCHAR", length: 8, nullable: true }, mapping: "$.customerName" },
 *     { name: "ORDER_ID", sqlType: "INTEGER", type: { name: "INTEGER", nullable: true }, mapping: "$.orders[0:].orderId" },
 *   ],
 * });
 * parse('{"customerName":"John Doe","orders":[{"orderId":"1"},{"orderId":"2"}]}');
 * // [["John Doe", 1], ["John Doe", 2]]
 */
export function compileRecordParser(schema: RecordSchema): RecordParser {
  const columns: CompiledColumn[] = schema.columns.map((column) => ({
    column,
    coerce: compileJsonCoercion(column.type),
  }));
  return schema.format.kind === "JSON"
    ? compileJson(schema.format, columns)
    : compileCsv(schema.format, columns);
}
