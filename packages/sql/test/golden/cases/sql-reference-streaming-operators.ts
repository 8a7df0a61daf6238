import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-streaming-operators",
  commit: "9a3d9b4027a3cf817aa962967024a384f63fa075",
});
const EXAMPLES = "operators_examples";

/** SQL reference, "Streaming SQL Operators": the arithmetic examples (integer division truncates). */
export const sqlReferenceStreamingOperators: readonly GoldenCase[] = [
  page.value({
    name: "integer-addition",
    anchor: EXAMPLES,
    expression: "1 + 1",
    printed: "2",
    expected: 2,
    type: "INTEGER",
  }),
  page.value({
    name: "decimal-addition",
    anchor: EXAMPLES,
    expression: "2.0 + 2.0",
    printed: "4.0",
    expected: 4,
  }),
  page.value({
    name: "mixed-addition",
    anchor: EXAMPLES,
    expression: "3.0 + 2",
    printed: "5.0",
    expected: 5,
  }),
  page.value({
    name: "integer-division",
    anchor: EXAMPLES,
    expression: "5 / 2",
    printed: "2",
    expected: 2,
    type: "INTEGER",
    notes: [
      "The page also says it twice in prose: 'For instance 5/2 = 2, not 2.5, as 5 and 2 are both integers.'",
    ],
  }),
  page.value({
    name: "decimal-division",
    anchor: EXAMPLES,
    expression: "5.0 / 2",
    printed: "2.500000000000",
    expected: 2.5,
    notes: ["Printed with twelve decimals (a DECIMAL result type)."],
  }),
  page.value({
    name: "precedence",
    anchor: EXAMPLES,
    expression: "5*2+2",
    printed: "12",
    expected: 12,
    type: "INTEGER",
  }),
];
