import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-timestamp-to-char",
  commit: "9a3d9b4027a3cf817aa962967024a384f63fa075",
});

/** SQL reference, "TIMESTAMP_TO_CHAR": its one documented value, for a null input. */
export const sqlReferenceTimestampToChar: readonly GoldenCase[] = [
  page.value({
    name: "null-input",
    expression: "TIMESTAMP_TO_CHAR('yyyy-MM-dd hh:mm:ss', CAST(NULL AS TIMESTAMP))",
    printed: 'the string "null"',
    expected: "null",
    notes: [
      "The page's note: 'If the input is `null`, the output will be the string \"`null`\".' It shows no call: the format (that of the developer guide's Transforming DateTime Values example) and the typed NULL are added.",
    ],
    ambiguities: [
      {
        text: "Every other function page returns NULL for a NULL argument (and the operators page says the result of a NULL operand is 'almost always null'); this one returns the four-character string 'null'.",
      },
    ],
  }),
];
