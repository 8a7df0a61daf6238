import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-char-length",
  commit: "63cf41d661d66ec83c0b669091773802db5b9e31",
});
const EXAMPLES = "sql-reference-char-length-examples";
const UNBALANCED =
  "The page prints the call with one closing parenthesis missing (asPrinted); the expression adds it at the end.";

/** SQL reference, "CHAR_LENGTH / CHARACTER_LENGTH": the examples table. */
export const sqlReferenceCharLength: readonly GoldenCase[] = [
  page.value({
    name: "three",
    anchor: EXAMPLES,
    expression: "CHAR_LENGTH('one')",
    printed: "3",
    expected: 3,
  }),
  page.value({ name: "empty", anchor: EXAMPLES, expression: "CHAR_LENGTH('')", printed: "0", expected: 0 }),
  page.value({
    name: "long-name",
    anchor: EXAMPLES,
    expression: "CHARACTER_LENGTH('fred')",
    printed: "4",
    expected: 4,
  }),
  page.value({
    name: "null",
    anchor: EXAMPLES,
    expression: "CHARACTER_LENGTH( cast (null as varchar(16) ))",
    asPrinted: "CHARACTER_LENGTH( cast (null as varchar(16) )",
    printed: "null",
    expected: null,
    notes: [UNBALANCED],
  }),
  page.value({
    name: "char-is-blank-padded",
    anchor: EXAMPLES,
    expression: "CHARACTER_LENGTH( cast ('fred' as char(16) ))",
    asPrinted: "CHARACTER_LENGTH( cast ('fred' as char(16) )",
    printed: "16",
    expected: 16,
    notes: [UNBALANCED],
  }),
];
