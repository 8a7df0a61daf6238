import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-initcap",
  commit: "63cf41d661d66ec83c0b669091773802db5b9e31",
});

/** SQL reference, "INITCAP": the examples table. */
export const sqlReferenceInitcap: readonly GoldenCase[] = [
  page.value({
    name: "mixed-case-words",
    anchor: "sql-reference-initcap-examples",
    expression: "INITCAP('Each FIRST lEtTeR is cAPITALIZED')",
    printed: "Each First Letter Is Capitalized",
    expected: "Each First Letter Is Capitalized",
  }),
];
