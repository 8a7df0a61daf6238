import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-position",
  commit: "63cf41d661d66ec83c0b669091773802db5b9e31",
});
const anchor = "sql-reference-position-examples";

/** SQL reference, "POSITION": the examples table. */
export const sqlReferencePosition: readonly GoldenCase[] = [
  page.numeric({ name: "found", anchor, expression: "POSITION ('findme' IN '1234findmeXXX')", printed: "5" }),
  page.numeric({
    name: "not-found",
    anchor,
    expression: "POSITION ('findme' IN '1234not-hereXXX')",
    printed: "0",
  }),
  page.numeric({ name: "first-character", anchor, expression: "POSITION ('1' IN '1234567')", printed: "1" }),
  page.numeric({ name: "last-character", anchor, expression: "POSITION ('7' IN '1234567')", printed: "7" }),
  page.numeric({ name: "empty-search", anchor, expression: "POSITION ('' IN '1234567')", printed: "1" }),
];
