import { parseSqlTypeText } from "../functions/conversion/sql-type-text.ts";
import type { SqlType } from "../types/sql-type.ts";
import type { RecordColumn, RecordFormat, RecordSchema } from "./application-model.ts";
import type { JsonCursor } from "./json-cursor.ts";
import { parseJsonPath } from "./json-path.ts";

/** KDA's defaults where a description leaves the mapping parameters out. */
const DEFAULT_JSON_ROW_PATH = "$";
const DEFAULT_CSV = { columnDelimiter: ",", rowDelimiter: "\n" } as const;

function readType(cursor: JsonCursor): SqlType {
  const text = cursor.string();
  let type: SqlType;
  try {
    type = parseSqlTypeText(text);
  } catch (error) {
    return cursor.fail(
      `expected a SQL column type such as VARCHAR(16) or DECIMAL(5,2): ${(error as Error).message}`,
    );
  }
  if (type.name === "INTERVAL_DAY_TIME" || type.name === "INTERVAL_YEAR_MONTH") {
    cursor.fail(`an INTERVAL cannot be a column type in KDA, found ${JSON.stringify(text)}`);
  }
  if (!type.nullable) {
    cursor.fail(
      `input columns cannot be declared NOT NULL in KDA (declare it on a downstream CREATE STREAM), found ${JSON.stringify(text)}`,
    );
  }
  return type;
}

function readFormat(cursor: JsonCursor): RecordFormat {
  const kind = cursor.at("RecordFormatType").oneOf(["JSON", "CSV"] as const);
  const parameters = cursor.has("MappingParameters") ? cursor.at("MappingParameters").object() : undefined;
  if (kind === "JSON") {
    const json = parameters?.has("JSONMappingParameters")
      ? parameters.at("JSONMappingParameters")
      : undefined;
    const rowPath = json?.at("RecordRowPath").string() ?? DEFAULT_JSON_ROW_PATH;
    try {
      parseJsonPath(rowPath);
    } catch (error) {
      json!.at("RecordRowPath").fail((error as Error).message);
    }
    return { kind, rowPath };
  }
  const csv = parameters?.has("CSVMappingParameters") ? parameters.at("CSVMappingParameters") : undefined;
  const delimiter = (key: string, fallback: string): string => {
    if (csv === undefined) return fallback;
    const value = csv.at(key).string();
    if (value.length === 0)
      csv.at(key).fail("expected a delimiter of at least one character, found an empty string");
    return value;
  };
  return {
    kind,
    columnDelimiter: delimiter("RecordColumnDelimiter", DEFAULT_CSV.columnDelimiter),
    rowDelimiter: delimiter("RecordRowDelimiter", DEFAULT_CSV.rowDelimiter),
  };
}

function readColumn(cursor: JsonCursor, format: RecordFormat): RecordColumn {
  cursor.object();
  const name = cursor.at("Name").string();
  if (name.length === 0 || name.length > 128)
    cursor.at("Name").fail("expected a column name of 1 to 128 characters");
  const sqlType = cursor.at("SqlType").string();
  const type = readType(cursor.at("SqlType"));
  if (format.kind === "CSV") return { name, sqlType, type };
  const mappingCursor = cursor.at("Mapping");
  if (mappingCursor.value === undefined || mappingCursor.value === null) {
    mappingCursor.fail(
      `expected the JSONPath of column ${JSON.stringify(name)} (JSON records need a Mapping per column)`,
    );
  }
  const mapping = mappingCursor.string();
  try {
    parseJsonPath(mapping);
  } catch (error) {
    mappingCursor.fail((error as Error).message);
  }
  return { name, sqlType, type, mapping };
}

/** The array a flattening mapping walks (`$.orders` for `$.orders[0:].id`); undefined otherwise. */
function flattenedArray(mapping: string | undefined): string | undefined {
  if (mapping === undefined) return undefined;
  const path = parseJsonPath(mapping);
  if (path.arrayAt === undefined || path.arrayAt === path.keys.length) return undefined;
  return JSON.stringify(path.keys.slice(0, path.arrayAt));
}

/**
 * Reads a KDA `SourceSchema` (`InputSchema` of an input, `ReferenceSchema` of reference data):
 * the record format with its mapping parameters (JSON row path `$` and CSV delimiters `,` and
 * `\n` when left out), and 1 to 1000 columns with their SQL types and, for JSON, their JSONPaths —
 * only one array may be flattened in a schema, as KDA documents.
 */
export function readRecordSchema(cursor: JsonCursor): RecordSchema {
  cursor.object();
  const format = readFormat(cursor.at("RecordFormat").object());
  const encoding = cursor.at("RecordEncoding").optionalString();
  if (encoding !== undefined && encoding !== "UTF-8")
    cursor.at("RecordEncoding").fail(`expected "UTF-8", the only encoding KDA reads, found "${encoding}"`);
  const items = cursor.at("RecordColumns").items();
  if (items.length < 1 || items.length > 1000)
    cursor.at("RecordColumns").fail(`expected 1 to 1000 columns, found ${items.length}`);
  const columns: RecordColumn[] = [];
  let flattened: { readonly array: string; readonly path: string } | undefined;
  for (const item of items) {
    const column = readColumn(item, format);
    if (columns.some((c) => c.name === column.name))
      item.at("Name").fail(`column ${JSON.stringify(column.name)} is declared twice`);
    const array = flattenedArray(column.mapping);
    if (array !== undefined) {
      if (flattened !== undefined && flattened.array !== array) {
        item
          .at("Mapping")
          .fail(
            `only one array can be flattened in a schema: ${column.mapping} flattens another array than ${flattened.path}`,
          );
      }
      flattened ??= { array, path: column.mapping! };
    }
    columns.push(column);
  }
  return { format, encoding: "UTF-8", columns };
}
