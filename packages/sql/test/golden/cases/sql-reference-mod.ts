import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-mod",
  commit: "63cf41d661d66ec83c0b669091773802db5b9e31",
});
const anchor = "sqlrf-mod-examples";

/** SQL reference, "MOD": the examples table. */
export const sqlReferenceMod: readonly GoldenCase[] = [
  page.numeric({ name: "even", anchor, expression: "MOD(4,2)", printed: "0" }),
  page.numeric({ name: "remainder", anchor, expression: "MOD(5,3)", printed: "2" }),
  page.numeric({ name: "negative-dividend", anchor, expression: "MOD(-4,3)", printed: "-1" }),
  page.numeric({ name: "dividend-smaller", anchor, expression: "MOD(5,12)", printed: "5" }),
];
