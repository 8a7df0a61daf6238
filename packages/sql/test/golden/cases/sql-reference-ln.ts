import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-ln",
  commit: "9a3d9b4027a3cf817aa962967024a384f63fa075",
});
const anchor = "sql-reference-ln-examples";

/** SQL reference, "LN": the examples table. */
export const sqlReferenceLn: readonly GoldenCase[] = [
  page.numeric({ name: "one", anchor, expression: "LN(1)", printed: "0.0" }),
  page.numeric({ name: "ten", anchor, expression: "LN(10)", printed: "2.302585092994046" }),
  page.numeric({ name: "two-and-a-half", anchor, expression: "LN(2.5)", printed: "0.9162907318741551" }),
];
