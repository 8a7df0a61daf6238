import type { SqlField, SqlType } from "../../types/sql-type.ts";
import type { SqlRowValue, SqlValue } from "../../types/sql-value.ts";
import { compileCast } from "../conversion/cast.ts";
import { parseSqlTypeText } from "../conversion/sql-type-text.ts";
import { compileDateFormat } from "../datetime/simple-date-format.ts";
import { type EvaluationContext, SqlFunctionError } from "../function-contract.ts";
import { varchar } from "../support/sql-types.ts";

/** One output column of a log parser: its name, type, and where its text comes from. */
export interface ParsedColumn {
  readonly name: string;
  readonly type: SqlType;
  /** A SimpleDateFormat pattern for DATE, TIME and TIMESTAMP columns (`TYPE TIMESTAMP 'dd/MMM/yyyy:HH:mm:ss'`). */
  readonly format?: string;
  /** FIXED_COLUMN_LOG_PARSE: the 0-based start and the width (to the end of the line when absent). */
  readonly start?: number;
  readonly length?: number;
}

/** Log parsers' default columns: COLUMN1 … COLUMNn, VARCHAR(1024). */
export function defaultColumns(count: number, type: SqlType = varchar(1024)): ParsedColumn[] {
  return Array.from({ length: count }, (_, i) => ({ name: `COLUMN${i + 1}`, type }));
}

type Token = { kind: "word" | "quoted" | "string" | "number" | "symbol"; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:"((?:[^"]|"")*)"|'((?:[^']|'')*)'|(\d+)|([A-Za-z_][A-Za-z0-9_$]*)|(\S))/gy;
  for (let m = re.exec(text); m !== null && m[0] !== ""; m = re.exec(text)) {
    if (m[1] !== undefined) tokens.push({ kind: "quoted", text: m[1].replace(/""/g, '"') });
    else if (m[2] !== undefined) tokens.push({ kind: "string", text: m[2].replace(/''/g, "'") });
    else if (m[3] !== undefined) tokens.push({ kind: "number", text: m[3] });
    else if (m[4] !== undefined) tokens.push({ kind: "word", text: m[4] });
    else tokens.push({ kind: "symbol", text: m[5]! });
    if (re.lastIndex >= text.length) break;
  }
  return tokens;
}

/**
 * Parses a log parser's column list: `'NAME TYPE VARCHAR(20) NOT NULL, WHEN TYPE TIMESTAMP
 * ''dd/MMM/yyyy:HH:mm:ss'', …'` (VARIABLE_COLUMN_LOG_PARSE), with `START n [FOR m]` after each
 * column for FIXED_COLUMN_LOG_PARSE; the TYPE keyword is optional (REGEX_LOG_PARSE's form).
 * Unquoted names are upper-cased, quoted ones kept.
 */
export function parseColumnList(functionName: string, text: string, positions: boolean): ParsedColumn[] {
  const tokens = tokenize(text);
  let i = 0;
  const fail = (what: string): never => {
    throw new SqlFunctionError(`${functionName}: invalid column list '${text}': ${what}`);
  };
  const peek = () => tokens[i];
  const isWord = (word: string) => peek()?.kind === "word" && peek()!.text.toUpperCase() === word;
  const columns: ParsedColumn[] = [];
  while (i < tokens.length) {
    const nameToken = tokens[i++]!;
    if (nameToken.kind !== "word" && nameToken.kind !== "quoted")
      fail(`expected a column name, got '${nameToken.text}'`);
    const name = nameToken.kind === "word" ? nameToken.text.toUpperCase() : nameToken.text;
    if (isWord("TYPE")) i++;
    let typeText = "";
    while (i < tokens.length) {
      const token = peek()!;
      if (token.kind === "symbol" && token.text === ",") break;
      if (token.kind === "string" || isWord("NOT") || isWord("START") || isWord("FOR")) break;
      if (token.kind === "symbol" && token.text === "(") {
        // A type's parameters, commas included: DECIMAL(5,2).
        while (i < tokens.length && peek()!.text !== ")") typeText += tokens[i++]!.text;
        if (i >= tokens.length) fail("unclosed '(' in a type");
      }
      typeText += `${tokens[i++]!.text} `;
    }
    const type = typeText.trim() === "" ? varchar(1024) : parseSqlTypeText(typeText);
    let nullable = true;
    let format: string | undefined;
    let start: number | undefined;
    let length: number | undefined;
    while (i < tokens.length && peek()!.text !== ",") {
      if (isWord("NOT")) {
        i++;
        if (!isWord("NULL")) fail("expected NULL after NOT");
        i++;
        nullable = false;
      } else if (peek()!.kind === "string") format = tokens[i++]!.text;
      else if (positions && isWord("START")) {
        i++;
        if (peek()?.kind !== "number") fail("expected a number after START");
        start = Number(tokens[i++]!.text);
      } else if (positions && isWord("FOR")) {
        i++;
        if (peek()?.kind !== "number") fail("expected a number after FOR");
        length = Number(tokens[i++]!.text);
      } else fail(`unexpected '${peek()!.text}'`);
    }
    if (positions && start === undefined) fail(`column ${name} needs START <position>`);
    if (i < tokens.length) i++; // the comma
    columns.push({
      name,
      type: { ...type, nullable },
      ...(format === undefined ? {} : { format }),
      ...(start === undefined ? {} : { start }),
      ...(length === undefined ? {} : { length }),
    });
  }
  if (columns.length === 0) fail("no columns");
  return columns;
}

/** The ROW type of a parser's columns. */
export function rowType(columns: readonly ParsedColumn[]): SqlType {
  const fields: SqlField[] = columns.map((c) => ({ name: c.name, type: c.type }));
  return { name: "ROW", nullable: true, fields };
}

/** Converts one column's text to its type: a format for datetimes, CAST's rules otherwise. */
export type FieldConversion = (text: string | undefined, context: EvaluationContext) => SqlValue;

function conversionOf(functionName: string, column: ParsedColumn): FieldConversion {
  const text = column.type.name === "CHAR" || column.type.name === "VARCHAR";
  const format = column.format === undefined ? undefined : compileDateFormat(column.format);
  const cast = format === undefined ? compileCast(varchar(65534), column.type) : undefined;
  return (raw, context) => {
    if (raw === undefined || (!text && raw.trim() === "")) {
      if (!column.type.nullable)
        throw new SqlFunctionError(`${functionName}: column ${column.name} is NOT NULL but has no value`);
      return null;
    }
    if (format !== undefined) {
      const ms = format.parse(raw.trim(), context.queryStart);
      if (ms === undefined)
        throw new SqlFunctionError(
          `${functionName}: '${raw}' does not match ${column.name}'s format '${format.pattern}'`,
        );
      return ms;
    }
    return cast!(raw, context);
  };
}

/** Builds rows of a parser's columns from their texts. */
export function rowBuilder(
  functionName: string,
  columns: readonly ParsedColumn[],
): (texts: readonly (string | undefined)[], context: EvaluationContext) => SqlRowValue {
  const conversions = columns.map((c) => conversionOf(functionName, c));
  return (texts, context) => {
    const row: Record<string, SqlValue> = {};
    for (let i = 0; i < columns.length; i++) row[columns[i]!.name] = conversions[i]!(texts[i], context);
    return row;
  };
}
