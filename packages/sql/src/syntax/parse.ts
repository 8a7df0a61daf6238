import type { IRecognitionException, IToken } from "chevrotain";
import type { Expression, SqlScript } from "./ast.ts";
import { type KdaSqlParser, sqlParser } from "./parser.ts";
import { locate } from "./source-excerpt.ts";
import { SqlSyntaxError } from "./sql-error.ts";
import { sqlLexer } from "./tokens.ts";

function tokenize(text: string): IToken[] {
  const lexed = sqlLexer.tokenize(text);
  const bad = lexed.errors[0];
  if (bad !== undefined) {
    const char = text[bad.offset] ?? "";
    const reason =
      char === "'"
        ? "a string is not closed: expected a closing '"
        : char === '"'
          ? 'a quoted name is not closed: expected a closing "'
          : `unexpected character ${JSON.stringify(char)}`;
    throw new SqlSyntaxError(text, { ...locate(text, bad.offset), length: bad.length }, reason);
  }
  return lexed.tokens;
}

function run<T>(text: string, rule: (parser: KdaSqlParser) => T): T {
  const parser = sqlParser();
  parser.sourceText = text;
  parser.input = tokenize(text);
  const result = rule(parser);
  const error: IRecognitionException | undefined = parser.errors[0];
  if (error !== undefined) {
    const token = error.token;
    if (token.tokenType.name === "EOF") {
      // At the end of the SQL there is no token to point at: point just past the last one.
      const end = text.trimEnd().length;
      throw new SqlSyntaxError(text, { ...locate(text, Math.max(0, end)), length: 1 }, error.message);
    }
    throw new SqlSyntaxError(
      text,
      { line: token.startLine ?? 1, column: token.startColumn ?? 1, length: token.image.length },
      error.message,
    );
  }
  return result;
}

/**
 * Parses a KDA SQL application (or a bare `SELECT STREAM` / `VALUES` query) into its AST.
 * Throws {@link SqlSyntaxError} naming line and column, with a caret excerpt and what was
 * expected.
 *
 * @example
 * const script = parseSql(`
 *   CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker VARCHAR(4), price REAL);
 *   CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
 *     SELECT STREAM ticker, price FROM "SOURCE_SQL_STREAM_001" WHERE price > 10;
 * `);
 * script.statements.length; // 2
 */
export function parseSql(text: string): SqlScript {
  return { text, statements: run(text, (parser) => parser.script()) };
}

/**
 * Parses one scalar expression (`UPPER('a') || 'b'`, `CAST(x AS VARCHAR(8))`).
 *
 * @example
 * const e = parseSqlExpression("1 + 2 * 3"); // the call +(1, *(2, 3))
 */
export function parseSqlExpression(text: string): Expression {
  return run(text, (parser) => parser.expression());
}
