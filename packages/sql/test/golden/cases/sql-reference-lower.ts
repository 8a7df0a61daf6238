import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-lower",
  commit: "9a3d9b4027a3cf817aa962967024a384f63fa075",
});

/** SQL reference, "LOWER": the examples table. */
export const sqlReferenceLower: readonly GoldenCase[] = [
  page.value({
    name: "mixed-case",
    anchor: "sql-reference-lower-examples",
    expression: "LOWER('abcDEFghi123')",
    printed: "abcdefghi123",
    expected: "abcdefghi123",
  }),
];
