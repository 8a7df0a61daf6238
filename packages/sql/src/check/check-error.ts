import type { SourceSpan } from "../syntax/ast.ts";
import { SqlError } from "../syntax/sql-error.ts";

/**
 * SQL that parses but does not make sense: an unknown stream, column or function, arguments of the
 * wrong types, a streaming GROUP BY without a monotonic expression… Like a syntax error it names
 * line and column and shows the line with carets under the offending part.
 */
export class SqlCheckError extends SqlError {
  override readonly name = "SqlCheckError";

  constructor(text: string, span: SourceSpan, reason: string) {
    // Underline the whole node when it sits on one line, else its first line from its start.
    const firstLineEnd = text.indexOf("\n", span.start);
    const end = firstLineEnd === -1 || firstLineEnd > span.end ? span.end : firstLineEnd;
    super(text, { line: span.line, column: span.column, length: Math.max(1, end - span.start) }, reason);
  }
}
