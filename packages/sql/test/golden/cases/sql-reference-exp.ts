import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-exp",
  commit: "63cf41d661d66ec83c0b669091773802db5b9e31",
});
const anchor = "sqlrf-exp-examples";

/** SQL reference, "EXP": the examples table. */
export const sqlReferenceExp: readonly GoldenCase[] = [
  page.numeric({ name: "one", anchor, expression: "EXP(1)", printed: "2.7182818284590455" }),
  page.numeric({ name: "zero", anchor, expression: "EXP(0)", printed: "1.0" }),
  page.numeric({ name: "minus-one", anchor, expression: "EXP(-1)", printed: "0.36787944117144233" }),
  page.numeric({ name: "ten", anchor, expression: "EXP(10)", printed: "22026.465794806718" }),
  page.numeric({ name: "two-and-a-half", anchor, expression: "EXP(2.5)", printed: "12.182493960703473" }),
];
