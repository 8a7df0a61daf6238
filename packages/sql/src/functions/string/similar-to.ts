import { SqlFunctionError } from "../function-contract.ts";
import { checkEscape, jsLiteral } from "./like.ts";

const QUANTIFIER = /^\{\d+(,\d*)?\}/;

/**
 * Translates a SIMILAR TO pattern (SQL:2008 regular expressions, the rules of KDA's
 * string-operators page) to JavaScript regular-expression source: `_` and `%` as in LIKE, `|`,
 * `*`, `+`, `?`, `{m}`, `{m,}`, `{m,n}`, `( )`, and `[ ]` classes with ranges, `[^…]` negation and
 * `[seq^seq]` (in the first sequence, not in the second). The escape character makes the next
 * special character literal. Parentheses inside brackets are invalid, as the page shows.
 */
export function translateSimilar(pattern: string, escapeChar?: string): string {
  checkEscape("SIMILAR TO", escapeChar);
  const chars = [...pattern];
  let out = "";
  let depth = 0;
  const invalid = (why: string) => new SqlFunctionError(`Invalid SIMILAR TO pattern '${pattern}': ${why}`);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === escapeChar) {
      const next = chars[++i];
      if (next === undefined) throw invalid("it ends with the escape character");
      if (/[\p{L}\p{N}]/u.test(next))
        throw invalid(`the escape character precedes '${next}', which is not special`);
      out += jsLiteral(next);
      continue;
    }
    switch (ch) {
      case "_":
        out += "[\\s\\S]";
        break;
      case "%":
        out += "[\\s\\S]*";
        break;
      case "(":
        depth++;
        out += "(?:";
        break;
      case ")":
        if (--depth < 0) throw invalid("unbalanced ')'");
        out += ")";
        break;
      case "|":
      case "*":
      case "+":
      case "?":
        out += ch;
        break;
      case "{": {
        const m = QUANTIFIER.exec(chars.slice(i).join(""));
        if (m === null) throw invalid("'{' does not start a repetition {m}, {m,} or {m,n}");
        out += m[0];
        i += m[0].length - 1;
        break;
      }
      case "[": {
        const end = chars.indexOf("]", i + 1);
        if (end < 0) throw invalid("unclosed '['");
        out += translateBracket(chars.slice(i + 1, end), escapeChar, invalid);
        i = end;
        break;
      }
      default:
        out += jsLiteral(ch);
    }
  }
  if (depth !== 0) throw invalid("unbalanced '('");
  return out;
}

function translateBracket(
  body: readonly string[],
  escapeChar: string | undefined,
  invalid: (why: string) => Error,
): string {
  let negated = false;
  let items = body;
  if (items[0] === "^") {
    negated = true;
    items = items.slice(1);
  }
  const split = items.indexOf("^");
  const include = classItems(split < 0 ? items : items.slice(0, split), escapeChar, invalid);
  if (split < 0) return `[${negated ? "^" : ""}${include}]`;
  const exclude = classItems(items.slice(split + 1), escapeChar, invalid);
  const set = `(?:(?![${exclude}])[${include}])`;
  return negated ? `(?:(?!${set})[\\s\\S])` : set;
}

function classItems(
  items: readonly string[],
  escapeChar: string | undefined,
  invalid: (why: string) => Error,
): string {
  let out = "";
  for (let i = 0; i < items.length; i++) {
    let ch = items[i]!;
    if (ch === escapeChar) ch = items[++i] ?? "";
    else if (ch === "(" || ch === ")") throw invalid("parentheses are not allowed inside [ ]");
    if (ch === "-" && out !== "" && i < items.length - 1) out += "-";
    else out += /[\\\]^-]/.test(ch) ? `\\${ch}` : ch;
  }
  return out;
}

/** Compiles a SIMILAR TO pattern to an anchored RegExp (the whole string must match). */
export function compileSimilar(pattern: string, escapeChar?: string): RegExp {
  return new RegExp(`^(?:${translateSimilar(pattern, escapeChar)})$`, "u");
}

/**
 * Compiles `SUBSTRING(s SIMILAR p ESCAPE e)`: `p` is three SIMILAR TO patterns separated by
 * `e"`; the result is what the middle one matches, searched in `s` (KDA's example
 * `SUBSTRING('123456789' SIMILAR '23#"456#"78' ESCAPE '#')` is `456`).
 */
export function compileSimilarSubstring(pattern: string, escapeChar: string): RegExp {
  checkEscape("SUBSTRING SIMILAR", escapeChar);
  const parts = pattern.split(`${escapeChar}"`);
  if (parts.length !== 3) {
    throw new SqlFunctionError(
      `SUBSTRING SIMILAR expects a pattern of three parts separated by ${escapeChar}", got '${pattern}'`,
    );
  }
  const [before, middle, after] = parts.map((p) => translateSimilar(p, escapeChar));
  return new RegExp(`(?:${before})(${middle})(?:${after})`, "u");
}
