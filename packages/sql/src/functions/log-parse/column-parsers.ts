import { isIntegerType } from "../../types/sql-type.ts";
import { compileDateFormat } from "../datetime/simple-date-format.ts";
import { type ScalarSqlFunction, SqlFunctionError } from "../function-contract.ts";
import { literalString, requireLiteralString } from "../support/arguments.ts";
import { isUntyped } from "../support/sql-types.ts";
import { defaultColumns, type ParsedColumn, parseColumnList, rowBuilder } from "./column-list.ts";
import { logParser } from "./define-log-parser.ts";

/**
 * FIXED_COLUMN_LOG_PARSE(line, 'NAME TYPE t [NOT NULL] [''format''] START n [FOR m], …')
 * (https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-fixed-column-log-parse.html):
 * each column is the characters from its 0-based START for FOR characters (to the end of the
 * line without FOR), converted to its type (datetimes by their SimpleDateFormat pattern); a column
 * past the end of the line is NULL.
 */
export const fixedColumnLogParseFunction: ScalarSqlFunction = logParser({
  name: "FIXED_COLUMN_LOG_PARSE",
  arity: [2, 2],
  expected: "(line VARCHAR, column descriptions VARCHAR literal)",
  characterSettings: [1],
  compile: (args) => {
    const columns = parseColumnList(
      "FIXED_COLUMN_LOG_PARSE",
      requireLiteralString("FIXED_COLUMN_LOG_PARSE", args[1], "its column descriptions"),
      true,
    );
    const build = rowBuilder("FIXED_COLUMN_LOG_PARSE", columns);
    return {
      columns,
      parse: (line, context) =>
        build(
          columns.map((c) => {
            const start = c.start ?? 0;
            if (start >= line.length) return undefined;
            return line.slice(start, c.length === undefined ? undefined : start + c.length);
          }),
          context,
        ),
    };
  },
});

/**
 * Splits a line at a delimiter (one or more characters); an escape character makes the next
 * character literal; a quote (one character, or a begin and an end character) hides delimiters
 * until it closes, the quotes themselves dropped (a doubled closing quote inside is one quote).
 */
export function splitFields(
  line: string,
  delimiter: string,
  escapeChar: string | undefined,
  quotes: string | undefined,
): string[] {
  const fields: string[] = [];
  let field = "";
  const begin = quotes?.[0];
  const end = quotes?.[1] ?? begin;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (escapeChar !== undefined && ch === escapeChar && i + 1 < line.length) {
      field += line[++i];
    } else if (quoted) {
      if (ch === end) {
        if (line[i + 1] === end && end === begin) {
          field += ch;
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (begin !== undefined && ch === begin) {
      quoted = true;
    } else if (line.startsWith(delimiter, i)) {
      fields.push(field);
      field = "";
      i += delimiter.length - 1;
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

/**
 * VARIABLE_COLUMN_LOG_PARSE(line, n | 'NAME TYPE t [NOT NULL] [''format''], …', delimiter [, escape, quotes])
 * (https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-variable-column-log-parse.html):
 * the line split at the delimiter into COLUMN1…COLUMNn VARCHAR(1024) or the listed typed columns;
 * fields missing from a short line are NULL, fields beyond the columns are ignored.
 */
export const variableColumnLogParseFunction: ScalarSqlFunction = logParser({
  name: "VARIABLE_COLUMN_LOG_PARSE",
  arity: [3, 5],
  expected:
    "(line VARCHAR, columns INTEGER or VARCHAR literal, delimiter VARCHAR [, escape VARCHAR, quotes VARCHAR])",
  characterSettings: [2, 3, 4],
  compile: (args) => {
    const name = "VARIABLE_COLUMN_LOG_PARSE";
    const spec = args[1];
    let columns: ParsedColumn[];
    if (
      spec !== undefined &&
      (isIntegerType(spec.type) || (isUntyped(spec.type) && typeof spec.literal === "number"))
    ) {
      const count = spec.literal;
      if (typeof count !== "number" || !Number.isInteger(count) || count < 1) {
        throw new SqlFunctionError(
          `${name} expects a positive integer literal number of columns, got ${String(count)}`,
        );
      }
      columns = defaultColumns(count);
    } else columns = parseColumnList(name, requireLiteralString(name, spec, "its columns"), false);
    const delimiter = requireLiteralString(name, args[2], "its delimiter");
    if (delimiter === "") throw new SqlFunctionError(`${name}'s delimiter must not be empty`);
    const escapeChar = literalString(args[3]) || undefined;
    const quotes = literalString(args[4]) || undefined;
    if (escapeChar !== undefined && escapeChar.length !== 1)
      throw new SqlFunctionError(`${name}'s escape must be one character, got '${escapeChar}'`);
    if (quotes !== undefined && quotes.length > 2) {
      throw new SqlFunctionError(
        `${name}'s quotes must be one or two characters (begin and end), got '${quotes}'`,
      );
    }
    const build = rowBuilder(name, columns);
    return {
      columns,
      parse: (line, context) => build(splitFields(line, delimiter, escapeChar, quotes), context),
    };
  },
});

const SYSLOG = /^([A-Za-z]{3} {1,2}\d{1,2} \d{2}:\d{2}:\d{2}) (.*)$/s;
const SYSLOG_TIME = compileDateFormat("MMM d HH:mm:ss");

/**
 * SYS_LOG_PARSE(line) (https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-sys-log-parse.html):
 * a syslog line `Mon DD HH:MM:SS server message` as COLUMN1 TIMESTAMP and COLUMN2 VARCHAR(1024)
 * (`server message`). Syslog writes no year: COLUMN1 is in 1970, as SimpleDateFormat reads a
 * date without one. NULL when the line does not start with such a timestamp.
 */
export const sysLogParseFunction: ScalarSqlFunction = logParser({
  name: "SYS_LOG_PARSE",
  arity: [1, 1],
  expected: "(line VARCHAR)",
  compile: () => {
    const columns: ParsedColumn[] = [
      { name: "COLUMN1", type: { name: "TIMESTAMP", nullable: true } },
      { name: "COLUMN2", type: { name: "VARCHAR", length: 1024, nullable: true } },
    ];
    const build = rowBuilder("SYS_LOG_PARSE", [{ ...columns[0]!, format: "MMM d HH:mm:ss" }, columns[1]!]);
    return {
      columns,
      parse: (line, context) => {
        const m = SYSLOG.exec(line);
        if (m === null || SYSLOG_TIME.parse(m[1]!, context.queryStart) === undefined) return null;
        return build([m[1], m[2]], context);
      },
    };
  },
});
