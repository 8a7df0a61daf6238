import { pageCases } from "../case-builders.ts";
import type { GoldenAmbiguity, GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-logical-operators",
  commit: "9a3d9b4027a3cf817aa962967024a384f63fa075",
});
const THREE_STATE = "three_state_boolean_logic";
const OTHER = "w2aac10c19c25b9";

const BOOLEANS = { TRUE: true, FALSE: false, UNKNOWN: null } as const;

const OPERATOR_WORDS: readonly (readonly [string, string])[] = [
  ["<>", " ne "],
  ["!=", " ne "],
  ["<=", " le "],
  [">=", " ge "],
  ["<", " lt "],
  [">", " gt "],
  ["=", " eq "],
];

/** The id of a truth-table row: its expression in lower-case words (`1 < 2` → `1-lt-2`). */
function slug(expression: string): string {
  let words = expression;
  for (const [operator, word] of OPERATOR_WORDS) words = words.split(operator).join(word);
  return words
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, "-")
    .replace(/^-|-$/g, "");
}

const UNKNOWN_LITERAL: GoldenAmbiguity = {
  text: "The tables use UNKNOWN as an operand, but the boolean-expression grammar (Expressions and Literals page) lists only TRUE and FALSE as literals; the page says UNKNOWN 'is equivalent to a boolean NULL'.",
};

function truth(
  anchor: string,
  expression: string,
  printed: keyof typeof BOOLEANS,
  ambiguities: readonly GoldenAmbiguity[] = [],
) {
  const all = /\bUNKNOWN\b/.test(expression.replace(/IS (NOT )?UNKNOWN/g, ""))
    ? [UNKNOWN_LITERAL, ...ambiguities]
    : ambiguities;
  return page.value({
    name: slug(expression),
    anchor,
    expression,
    printed,
    expected: BOOLEANS[printed],
    type: "BOOLEAN",
    ...(all.length === 0 ? {} : { ambiguities: all }),
  });
}

const NOT_BEFORE_IS: GoldenAmbiguity = {
  ref: "A12",
  text: "The printed result reads the expression as (NOT UNKNOWN) IS …; standard SQL binds IS tighter than NOT, which would give NOT (UNKNOWN IS …) and the opposite result.",
};

/**
 * SQL reference, "Logical Operators": the three-state truth tables and the examples of other
 * operators. The example table prints `'foo' <= 'bar'` twice, once FALSE and once TRUE: neither
 * row is a case (see the README).
 */
export const sqlReferenceLogicalOperators: readonly GoldenCase[] = [
  truth(THREE_STATE, "NOT TRUE", "FALSE"),
  truth(THREE_STATE, "NOT FALSE", "TRUE"),
  truth(THREE_STATE, "NOT UNKNOWN", "UNKNOWN"),
  truth(THREE_STATE, "TRUE AND TRUE", "TRUE"),
  truth(THREE_STATE, "TRUE AND FALSE", "FALSE"),
  truth(THREE_STATE, "TRUE AND UNKNOWN", "UNKNOWN"),
  truth(THREE_STATE, "FALSE AND TRUE", "FALSE"),
  truth(THREE_STATE, "FALSE AND FALSE", "FALSE"),
  truth(THREE_STATE, "FALSE AND UNKNOWN", "FALSE"),
  truth(THREE_STATE, "UNKNOWN AND TRUE", "UNKNOWN"),
  truth(THREE_STATE, "UNKNOWN AND FALSE", "FALSE"),
  truth(THREE_STATE, "UNKNOWN AND UNKNOWN", "UNKNOWN"),
  truth(THREE_STATE, "TRUE OR TRUE", "TRUE"),
  truth(THREE_STATE, "TRUE OR FALSE", "TRUE"),
  truth(THREE_STATE, "TRUE OR UNKNOWN", "TRUE"),
  truth(THREE_STATE, "FALSE OR TRUE", "TRUE"),
  truth(THREE_STATE, "FALSE OR FALSE", "FALSE"),
  truth(THREE_STATE, "FALSE OR UNKNOWN", "UNKNOWN"),
  truth(THREE_STATE, "UNKNOWN OR TRUE", "TRUE"),
  truth(THREE_STATE, "UNKNOWN OR FALSE", "UNKNOWN"),
  truth(THREE_STATE, "UNKNOWN OR UNKNOWN", "UNKNOWN"),
  truth(THREE_STATE, "TRUE IS TRUE", "TRUE"),
  truth(THREE_STATE, "TRUE IS FALSE", "FALSE"),
  truth(THREE_STATE, "TRUE IS UNKNOWN", "FALSE"),
  truth(THREE_STATE, "FALSE IS TRUE", "FALSE"),
  truth(THREE_STATE, "FALSE IS FALSE", "TRUE"),
  truth(THREE_STATE, "FALSE IS UNKNOWN", "FALSE"),
  truth(THREE_STATE, "UNKNOWN IS TRUE", "FALSE"),
  truth(THREE_STATE, "UNKNOWN IS FALSE", "FALSE"),
  truth(THREE_STATE, "UNKNOWN IS UNKNOWN", "TRUE"),
  truth(THREE_STATE, "TRUE IS NOT UNKNOWN", "TRUE"),
  truth(THREE_STATE, "FALSE IS NOT UNKNOWN", "TRUE"),
  truth(THREE_STATE, "UNKNOWN IS NOT UNKNOWN", "FALSE"),
  truth(THREE_STATE, "NOT UNKNOWN IS TRUE", "FALSE", [NOT_BEFORE_IS]),
  truth(THREE_STATE, "NOT UNKNOWN IS FALSE", "FALSE", [NOT_BEFORE_IS]),
  truth(THREE_STATE, "NOT UNKNOWN IS UNKNOWN", "TRUE", [NOT_BEFORE_IS]),
  truth(THREE_STATE, "UNKNOWN IS NULL", "TRUE"),
  truth(THREE_STATE, "UNKNOWN IS NOT NULL", "FALSE"),
  truth(THREE_STATE, "NULL IS NULL", "TRUE"),
  truth(THREE_STATE, "NULL IS NOT NULL", "FALSE"),
  truth(THREE_STATE, "UNKNOWN IS DISTINCT FROM TRUE", "TRUE"),
  truth(THREE_STATE, "UNKNOWN IS DISTINCT FROM FALSE", "TRUE"),
  truth(THREE_STATE, "UNKNOWN IS DISTINCT FROM UNKNOWN", "FALSE"),
  truth(THREE_STATE, "UNKNOWN IS NOT DISTINCT FROM TRUE", "FALSE"),
  truth(THREE_STATE, "UNKNOWN IS NOT DISTINCT FROM FALSE", "FALSE"),
  truth(THREE_STATE, "UNKNOWN IS NOT DISTINCT FROM UNKNOWN", "TRUE"),
  truth(OTHER, "TRUE AND CAST( NULL AS BOOLEAN)", "UNKNOWN"),
  truth(OTHER, "FALSE AND CAST( NULL AS BOOLEAN)", "FALSE"),
  truth(OTHER, "1 > 2", "FALSE"),
  truth(OTHER, "1 < 2", "TRUE"),
  truth(OTHER, "'foo' = 'bar'", "FALSE"),
  truth(OTHER, "'foo' <> 'bar'", "TRUE"),
  truth(OTHER, "3 BETWEEN 1 AND 5", "TRUE"),
  truth(OTHER, "1 BETWEEN 3 AND 5", "FALSE"),
  truth(OTHER, "3 BETWEEN 3 AND 5", "TRUE"),
  truth(OTHER, "5 BETWEEN 3 AND 5", "TRUE"),
  truth(OTHER, "1 IS DISTINCT FROM 1.0", "FALSE"),
  truth(OTHER, "CAST( NULL AS INTEGER ) IS NOT DISTINCT FROM CAST (NULL AS INTEGER)", "TRUE"),
];
