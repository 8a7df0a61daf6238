import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";
import { dayTime } from "../values.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-abs",
  commit: "63cf41d661d66ec83c0b669091773802db5b9e31",
});
const EXAMPLES = "sqlrf_abs_examples";

/** SQL reference, "ABS": the examples table and the SQLline cast of the interval example. */
export const sqlReferenceAbs: readonly GoldenCase[] = [
  page.value({
    name: "decimal-positive",
    anchor: EXAMPLES,
    expression: "ABS(2.0)",
    printed: "2.0",
    expected: 2.0,
  }),
  page.value({
    name: "decimal-negative",
    anchor: EXAMPLES,
    expression: "ABS(-1.0)",
    printed: "1.0",
    expected: 1.0,
  }),
  page.value({
    name: "zero",
    anchor: EXAMPLES,
    expression: "ABS(0)",
    printed: "0",
    expected: 0,
  }),
  page.value({
    name: "integer-expression",
    anchor: EXAMPLES,
    expression: "ABS(-3 * 3)",
    printed: "9",
    expected: 9,
  }),
  page.value({
    name: "interval",
    anchor: EXAMPLES,
    expression: "ABS(INTERVAL '-3 4:20' DAY TO MINUTE)",
    printed: "INTERVAL '3 4:20' DAY TO MINUTE",
    expected: dayTime({ days: 3, hours: 4, minutes: 20 }),
    type: "INTERVAL DAY TO MINUTE",
  }),
  page.value({
    name: "interval-as-varchar",
    anchor: EXAMPLES,
    expression: "cast(ABS(INTERVAL '-3 4:20' DAY TO MINUTE) AS VARCHAR(8))",
    printed: "+3 04:20",
    expected: "+3 04:20",
    type: "VARCHAR(8)",
    notes: ["The page runs `values(cast(ABS(INTERVAL '-3 4:20' DAY TO MINUTE) AS VARCHAR(8)));` in SQLline."],
  }),
];
