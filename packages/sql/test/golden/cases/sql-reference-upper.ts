import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-upper",
  commit: "63cf41d661d66ec83c0b669091773802db5b9e31",
});

/** SQL reference, "UPPER": the examples table. */
export const sqlReferenceUpper: readonly GoldenCase[] = [
  page.value({
    name: "mixed-case",
    anchor: "sqlrf-upper-examples",
    expression: "UPPER('abcDEFghi123')",
    printed: "ABCDEFGHI123",
    expected: "ABCDEFGHI123",
  }),
];
