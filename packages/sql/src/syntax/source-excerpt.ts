/**
 * Where in the SQL text something went wrong, and the excerpt that shows it: the line, and a caret
 * under the offending token.
 *
 * @example
 * const at: SqlLocation = { line: 2, column: 8, length: 4 };
 */
export interface SqlLocation {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** How many characters the caret underlines (at least one). */
  readonly length: number;
}

/**
 * `line 2, column 8` with the line and carets under the span, e.g.
 *
 * ```
 * line 1, column 8: expected an expression, found FROM
 *   SELECT FROM s
 *          ^^^^
 * ```
 *
 * @example
 * formatSqlExcerpt("SELECT FROM s", { line: 1, column: 8, length: 4 }, "expected an expression, found FROM");
 */
export function formatSqlExcerpt(text: string, at: SqlLocation, message: string): string {
  const lines = text.split(/\r\n|\r|\n/);
  const source = (lines[at.line - 1] ?? "").replace(/\t/g, " ");
  const width = Math.max(1, Math.min(at.length, source.length - (at.column - 1)));
  const caret = `${" ".repeat(Math.max(0, at.column - 1))}${"^".repeat(width)}`;
  return `line ${at.line}, column ${at.column}: ${message}\n  ${source}\n  ${caret}`;
}

/**
 * Line and column (1-based) of an offset into the text.
 *
 * @example
 * locate("a\nbc", 3); // { line: 2, column: 2 }
 */
export function locate(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
