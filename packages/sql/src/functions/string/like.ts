import { SqlFunctionError } from "../function-contract.ts";

/** Characters special in JavaScript patterns, escaped when a SQL pattern means them literally. */
const JS_SPECIAL = /[\\^$.*+?()[\]{}|/]/;

export function jsLiteral(ch: string): string {
  return JS_SPECIAL.test(ch) ? `\\${ch}` : ch;
}

/** Checks an ESCAPE argument: exactly one character. */
export function checkEscape(operator: string, escapeChar: string | undefined): void {
  if (escapeChar !== undefined && [...escapeChar].length !== 1) {
    throw new SqlFunctionError(`${operator}'s ESCAPE must be a single character, got '${escapeChar}'`);
  }
}

/**
 * Compiles a LIKE pattern to an anchored RegExp: `_` is one character, `%` any substring, the
 * escape character makes the next `_`, `%` or escape character literal (anything else after it
 * is an error, as SQL:2008 says).
 */
export function compileLike(pattern: string, escapeChar?: string): RegExp {
  checkEscape("LIKE", escapeChar);
  let source = "";
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === escapeChar) {
      const next = chars[++i];
      if (next !== "_" && next !== "%" && next !== escapeChar) {
        throw new SqlFunctionError(
          `Invalid escape sequence in LIKE pattern '${pattern}': the escape character must be followed by _, % or itself`,
        );
      }
      source += jsLiteral(next);
    } else if (ch === "_") source += "[\\s\\S]";
    else if (ch === "%") source += "[\\s\\S]*";
    else source += jsLiteral(ch);
  }
  return new RegExp(`^${source}$`, "u");
}
