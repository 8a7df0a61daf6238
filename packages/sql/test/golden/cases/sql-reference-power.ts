import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-power",
  commit: "9a3d9b4027a3cf817aa962967024a384f63fa075",
});
const EXAMPLES = "sql-reference-power-examples";

/** SQL reference, "POWER": the examples table. */
export const sqlReferencePower: readonly GoldenCase[] = [
  page.value({ name: "square", anchor: EXAMPLES, expression: "POWER(3,2)", printed: "9", expected: 9 }),
  page.value({
    name: "negative-base",
    anchor: EXAMPLES,
    expression: "POWER(-2,3)",
    printed: "-8",
    expected: -8,
  }),
  page.value({
    name: "negative-exponent",
    anchor: EXAMPLES,
    expression: "POWER(4,-2)",
    printed: "1/16 ..or.. 0.0625",
    expected: 0.0625,
    notes: ["The page prints the result as '1/16 ..or.. 0.0625'; the value is 0.0625."],
  }),
  page.value({
    name: "fractional",
    anchor: EXAMPLES,
    expression: "POWER(10.1,2.5)",
    printed: "324.19285157140644",
    expected: 324.19285157140644,
  }),
];
