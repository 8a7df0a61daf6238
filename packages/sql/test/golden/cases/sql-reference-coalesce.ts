import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-coalesce",
  commit: "9a3d9b4027a3cf817aa962967024a384f63fa075",
});
const EXAMPLES = "sql-reference-coalesce-examples";

/** SQL reference, "COALESCE": the examples table. */
export const sqlReferenceCoalesce: readonly GoldenCase[] = [
  page.value({
    name: "single",
    anchor: EXAMPLES,
    expression: "COALESCE('chair')",
    printed: "chair",
    expected: "chair",
  }),
  page.value({
    name: "first-non-null",
    anchor: EXAMPLES,
    expression: "COALESCE('chair', null, 'sofa')",
    printed: "chair",
    expected: "chair",
  }),
  page.value({
    name: "skips-nulls",
    anchor: EXAMPLES,
    expression: "COALESCE(null, null, 'sofa')",
    printed: "sofa",
    expected: "sofa",
  }),
  page.value({
    name: "numbers",
    anchor: EXAMPLES,
    expression: "COALESCE(null, 2, 5)",
    printed: "2",
    expected: 2,
  }),
];
