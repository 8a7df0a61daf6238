import type { SqlValue } from "../../../src/index.ts";
import { pageCases } from "../case-builders.ts";
import type { GoldenAmbiguity, GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-substring",
  commit: "9a3d9b4027a3cf817aa962967024a384f63fa075",
});
const FROM_FOR = "sql-reference-substring-examples-from-for";
const FROM_REGEX = "sql-reference-substring-examples-from";
const NUMERIC = "sql-reference-substring-examples-numeric";
const SIMILAR = "sql-reference-substring-examples-similar";

const START_BEYOND_END: GoldenAmbiguity = {
  text: "A start position past the end gives '<empty string>' in the FROM/FOR table (and in the page's prose) but null in the comma form's table (and in its Parameters section: 'SUBSTRING returns null').",
};

function substring(
  anchor: string,
  name: string,
  expression: string,
  printed: string,
  expected: SqlValue,
  ambiguity?: GoldenAmbiguity,
) {
  return page.value({
    name,
    anchor,
    expression,
    printed,
    expected,
    ...(ambiguity === undefined ? {} : { ambiguities: [ambiguity] }),
  });
}

/** SQL reference, "SUBSTRING": the FROM/FOR, regex, comma and SIMILAR…ESCAPE tables. */
export const sqlReferenceSubstring: readonly GoldenCase[] = [
  substring(FROM_FOR, "from-for", "SUBSTRING('123456789' FROM 3 FOR 4)", "3456", "3456"),
  substring(
    FROM_FOR,
    "from-beyond-end",
    "SUBSTRING('123456789' FROM 17 FOR 4)",
    "<empty string>",
    "",
    START_BEYOND_END,
  ),
  substring(FROM_FOR, "from-before-start", "SUBSTRING('123456789' FROM -1 FOR 4)", "12", "12"),
  substring(FROM_FOR, "for-zero", "SUBSTRING('123456789' FROM 6 FOR 0)", "<empty string>", ""),
  substring(FROM_FOR, "for-past-end", "SUBSTRING('123456789' FROM 8 FOR 4)", "89", "89"),
  substring(FROM_REGEX, "regex-match", "SUBSTRING('TECHNOLOGY' FROM 'L[A-Z]*')", "LOGY", "LOGY"),
  substring(FROM_REGEX, "regex-no-match", "SUBSTRING('TECHNOLOGY' FROM 'FOO')", "null", null),
  substring(FROM_REGEX, "regex-first-match", "SUBSTRING('TECHNOLOGY' FROM 'O[A-Z]')", "OL", "OL"),
  substring(NUMERIC, "comma-form", "SUBSTRING('123456789', 3, 4)", "3456", "3456"),
  substring(NUMERIC, "comma-form-past-end", "SUBSTRING('123456789', 7, 4)", "789", "789"),
  substring(
    NUMERIC,
    "comma-form-beyond-end",
    "SUBSTRING('123456789', 10, 4)",
    "null",
    null,
    START_BEYOND_END,
  ),
  substring(
    SIMILAR,
    "similar-escape-hash",
    "SUBSTRING('123456789' SIMILAR '23#\"456#\"78' ESCAPE '#')",
    "456",
    "456",
  ),
  substring(
    SIMILAR,
    "similar-escape-percent",
    "SUBSTRING('TECHNOLOGY' SIMILAR 'TECH%\"NOLO%\"GY' ESCAPE '%')",
    "NOLO",
    "NOLO",
  ),
];
