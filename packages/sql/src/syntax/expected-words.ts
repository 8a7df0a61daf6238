import type { IParserErrorMessageProvider, IToken, TokenType } from "chevrotain";
import { NonReserved } from "./tokens.ts";

// Chevrotain's default messages list token sequences; these say in words what was expected.

/** How a token reads in an "expected ..." sentence. */
export function describeTokenType(type: TokenType): string {
  if (type === NonReserved) return "a name";
  const label = type.LABEL ?? type.name;
  return label;
}

/** How the token that was found reads: `FROM`, `'abc'`, or "the end of the SQL". */
export function describeFound(token: IToken): string {
  if (token.tokenType.name === "EOF") return "the end of the SQL";
  return token.image.length > 40 ? `${token.image.slice(0, 40)}…` : token.image;
}

function oneOf(words: readonly string[]): string {
  const unique = [...new Set(words)];
  if (unique.length <= 1) return unique[0] ?? "something else";
  if (unique.length > 8) return `${unique.slice(0, 7).join(", ")} or …`;
  return `${unique.slice(0, -1).join(", ")} or ${unique[unique.length - 1]}`;
}

const EXPRESSION_STARTS = new Set([
  "a number",
  "a string",
  "a name",
  "a quoted name",
  "a Unicode string",
  "a binary string",
  "-",
  "+",
  "'('",
]);

// When the alternatives' first tokens include most expression starters, say "an expression".
function summarize(firsts: readonly TokenType[]): string {
  const words = firsts.map(describeTokenType);
  const starters = words.filter((w) => EXPRESSION_STARTS.has(w)).length;
  if (starters >= 3) {
    const others = words.filter((w) => !EXPRESSION_STARTS.has(w) && !/^[A-Z_]+$/.test(w));
    return oneOf([...others, "an expression"]);
  }
  return oneOf(words);
}

/** Error messages of the KDA SQL parser: "expected X, found Y". */
export const sqlErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) =>
    `expected ${describeTokenType(expected)}, found ${describeFound(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) =>
    `expected ';' or the end of the statement, found ${describeFound(firstRedundant)}`,
  buildNoViableAltMessage: ({ expectedPathsPerAlt, actual, customUserDescription }) => {
    const found = describeFound(actual[0]!);
    if (customUserDescription !== undefined) return `expected ${customUserDescription}, found ${found}`;
    const firsts = expectedPathsPerAlt.flatMap((paths) => paths.map((path) => path[0]!)).filter(Boolean);
    return `expected ${summarize(firsts)}, found ${found}`;
  },
  buildEarlyExitMessage: ({ expectedIterationPaths, actual, customUserDescription }) => {
    const found = describeFound(actual[0]!);
    if (customUserDescription !== undefined) return `expected ${customUserDescription}, found ${found}`;
    const firsts = expectedIterationPaths.map((path) => path[0]!).filter(Boolean);
    return `expected ${summarize(firsts)}, found ${found}`;
  },
};
