import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-log10",
  commit: "9a3d9b4027a3cf817aa962967024a384f63fa075",
});
const anchor = "sql-reference-log10-examples";

/** SQL reference, "LOG10": the examples table. */
export const sqlReferenceLog10: readonly GoldenCase[] = [
  page.numeric({ name: "one", anchor, expression: "LOG10(1)", printed: "0.0" }),
  page.numeric({ name: "hundred", anchor, expression: "LOG10(100)", printed: "2.0" }),
  page.numeric({
    name: "decimal-cast",
    anchor,
    expression: "log10(cast('23' as decimal))",
    printed: "1.3617278360175928",
  }),
];
