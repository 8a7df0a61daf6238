import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";
import { timestamp } from "../values.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-extract",
  commit: "63cf41d661d66ec83c0b669091773802db5b9e31",
});
const EXAMPLES = "sql-reference-extract-examples";
const CLOCK_NOTE = "The table states 'where CURRENT_ROW_TIMESTAMP is 2016-09-23 04:29:26.234' (clock).";

/** SQL reference, "EXTRACT": the examples table (BIGINT for every field but SECOND, which is DECIMAL(5,3)). */
export const sqlReferenceExtract: readonly GoldenCase[] = [
  page.value({
    name: "day-from-interval",
    anchor: EXAMPLES,
    expression: "EXTRACT(DAY FROM INTERVAL '2 3:4:5.678' DAY TO SECOND)",
    printed: "2",
    expected: 2,
    type: "BIGINT",
  }),
  page.value({
    name: "hour-from-interval",
    anchor: EXAMPLES,
    expression: "EXTRACT(HOUR FROM INTERVAL '2 3:4:5.678' DAY TO SECOND)",
    printed: "3",
    expected: 3,
    type: "BIGINT",
  }),
  page.value({
    name: "minute-from-interval",
    anchor: EXAMPLES,
    expression: "EXTRACT(MINUTE FROM INTERVAL '2 3:4:5.678' DAY TO SECOND)",
    printed: "4",
    expected: 4,
    type: "BIGINT",
  }),
  page.value({
    name: "second-from-interval",
    anchor: EXAMPLES,
    expression: "EXTRACT(SECOND FROM INTERVAL '2 3:4:5.678' DAY TO SECOND)",
    printed: "5.678",
    expected: 5.678,
    type: "DECIMAL(5,3)",
  }),
  page.value({
    name: "minute-from-current-row-timestamp",
    anchor: EXAMPLES,
    expression: "EXTRACT(MINUTE FROM CURRENT_ROW_TIMESTAMP)",
    printed: "29",
    expected: 29,
    type: "BIGINT",
    clock: timestamp("2016-09-23 04:29:26.234"),
    notes: [CLOCK_NOTE],
  }),
  page.value({
    name: "hour-from-current-row-timestamp",
    anchor: EXAMPLES,
    expression: "EXTRACT (HOUR FROM CURRENT_ROW_TIMESTAMP)",
    printed: "4",
    expected: 4,
    type: "BIGINT",
    clock: timestamp("2016-09-23 04:29:26.234"),
    notes: [CLOCK_NOTE],
  }),
];
