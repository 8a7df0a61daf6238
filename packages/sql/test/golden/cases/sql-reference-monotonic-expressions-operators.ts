import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-monotonic-expressions-operators",
  commit: "9a3d9b4027a3cf817aa962967024a384f63fa075",
});
const NOTE =
  "The page: 'the FLOOR function, when applied to the ascending inputs {1.5, 3, 5, 5.8, 6.3}, yields {1, 3, 5, 5, 6}'; each pair is one case.";

function floor(input: string, result: string) {
  return page.numeric({
    name: `floor-${input.replace(".", "-")}`,
    anchor: "sql-reference-monotonic-expressions-expressions",
    expression: `FLOOR(${input})`,
    printed: result,
    notes: [NOTE],
  });
}

/** SQL reference, "Monotonic Expressions and Operators": the FLOOR sequence used to explain monotonic functions. */
export const sqlReferenceMonotonicExpressionsOperators: readonly GoldenCase[] = [
  floor("1.5", "1"),
  floor("3", "3"),
  floor("5", "5"),
  floor("5.8", "5"),
  floor("6.3", "6"),
];
