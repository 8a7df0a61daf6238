import { pageCases } from "../case-builders.ts";
import type { GoldenAmbiguity, GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-fast-regex-log-parser",
  commit: "63cf41d661d66ec83c0b669091773802db5b9e31",
});
const ROW_TYPE = "ROW(COLUMN1 VARCHAR(1024), COLUMN2 VARCHAR(1024))";
const QUERY =
  'The page runs `select t.r."COLUMN1", t.r."COLUMN2" from (values (<expression>)) t(r);` in SQLline (its continuation prompts \'. . . .>\' are not SQL); the expected value is the parsed row, whose two columns the query selects.';
const NO_ROW: GoldenAmbiguity = {
  ref: "A6",
  text: "'No rows selected' (the parser 'returns no fields'): NULL, a dropped row or an error-stream row in a stream is not said.",
};

/** SQL reference, "FAST_REGEX_LOG_PARSER": the first example and examples A–C. */
export const sqlReferenceFastRegexLogParser: readonly GoldenCase[] = [
  page.value({
    name: "first-example",
    anchor: "w2aac22c23b7c11",
    expression: "FAST_REGEX_LOG_PARSE('Mary_had_a_little_lamb', '(.*)_(._.*)_.*')",
    printed: "| Mary_had               |     a_little_lamb     |",
    expected: { COLUMN1: "Mary_had", COLUMN2: "a_little_lamb" },
    type: ROW_TYPE,
    notes: [QUERY],
  }),
  page.noRow({
    name: "first-example-without-final-asterisk",
    anchor: "w2aac22c23b7c11",
    expression: "FAST_REGEX_LOG_PARSE('Mary_had_a_little_lamb', '(.*)_(._.*)_.')",
    notes: [
      "The page's note: 'If the Fast Regex pattern had omitted the final asterisk, no results would be obtained.' The pattern is the first example's without its final '*'.",
    ],
    ambiguities: [NO_ROW],
  }),
  page.noRow({
    name: "example-a-no-backtracking",
    anchor: "w2aac22c23b7c13b4",
    expression: `FAST_REGEX_LOG_PARSE('Mary_had_a_little_lamb',
        '(.*)_+(._.*)')`,
    notes: [
      QUERY,
      "The page: 'returns no fields because the \"+\" required there be at least one more underscore-in-a-row'.",
    ],
    ambiguities: [NO_ROW],
  }),
  page.value({
    name: "example-b-lazy-plus",
    anchor: "w2aac22c23b7c13b6",
    expression: `FAST_REGEX_LOG_PARSE('Mary____had_a_little_lamb',
        '(.*)_+(.*)')`,
    printed: "| Mary                    |    had_a_little_lamb    |",
    expected: { COLUMN1: "Mary", COLUMN2: "had_a_little_lamb" },
    type: ROW_TYPE,
    notes: [QUERY],
  }),
  page.value({
    name: "example-c-named-pattern",
    anchor: "w2aac22c23b7c13b8",
    expression: "FAST_REGEX_LOG_PARSE('Mary____had_a_little_lamb', '(.*)_+(<Alpha>.*)')",
    printed: "| Mary                       | had_a_little_lamb          |",
    expected: { COLUMN1: "Mary", COLUMN2: "had_a_little_lamb" },
    type: ROW_TYPE,
    notes: [QUERY],
  }),
];
