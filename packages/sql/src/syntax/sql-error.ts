import { formatSqlExcerpt, type SqlLocation } from "./source-excerpt.ts";

/**
 * A parse or check error in SQL text: it names line and column, shows the line with a caret under
 * the offending token, and says what was expected. `message` holds all of it (one line of
 * position and reason, then the excerpt), so printing it is enough.
 *
 * @example
 * try {
 *   parseSql("SELECT STREAM FROM s");
 * } catch (error) {
 *   if (error instanceof SqlError) console.log(error.line, error.column, error.reason);
 * }
 */
export class SqlError extends Error {
  override readonly name: string = "SqlError";
  /** 1-based line of the offending token. */
  readonly line: number;
  /** 1-based column of the offending token. */
  readonly column: number;
  /** What went wrong, without position and excerpt (e.g. `expected an expression, found FROM`). */
  readonly reason: string;

  constructor(text: string, at: SqlLocation, reason: string) {
    super(formatSqlExcerpt(text, at, reason));
    this.line = at.line;
    this.column = at.column;
    this.reason = reason;
  }
}

/**
 * The SQL does not follow the grammar.
 *
 * @example
 * const error = new SqlSyntaxError("VALUES (", { line: 1, column: 9, length: 1 }, "expected an expression, found the end of the SQL");
 */
export class SqlSyntaxError extends SqlError {
  override readonly name = "SqlSyntaxError";
}
