import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-step",
  commit: "0cf87289f5b2143b6019ff35025a663af3b4ea95",
});
const INTEGER = "sql-reference-step-integer-examples";
const DATE = "sql-reference-step-date-examples";

/** A row of the datetime table: STEP of the timestamp by an interval, printed as `'<at>'`. */
function stepTimestamp(name: string, input: string, interval: string, at: string) {
  return page.timestamp({
    name,
    anchor: DATE,
    expression: `STEP(CAST('${input}' as TIMESTAMP) BY INTERVAL ${interval})`,
    printed: `'${at}'`,
    at,
  });
}

/** SQL reference, "STEP": the two example tables (the GROUP BY and OVER examples show screenshots only). */
export const sqlReferenceStep: readonly GoldenCase[] = [
  page.numeric({
    name: "integer-23-by-5",
    anchor: INTEGER,
    expression: "STEP(23 BY 5)",
    printed: "20",
    notes: ["The prose repeats it: '`STEP(23 BY 5)` returns `20`'."],
  }),
  page.numeric({ name: "integer-30-by-10", anchor: INTEGER, expression: "STEP(30 BY 10)", printed: "30" }),
  stepTimestamp("timestamp-by-10-second", "2004-09-30 13:48:23", "'10' SECOND", "2004-09-30 13:48:20"),
  stepTimestamp("timestamp-by-2-hour", "2004-09-30 13:48:23", "'2' HOUR", "2004-09-30 12:00:00"),
  stepTimestamp("timestamp-by-5-minute", "2004-09-30 13:48:23", "'5' MINUTE", "2004-09-30 13:45:00"),
  {
    ...stepTimestamp("timestamp-by-5-day", "2004-09-27 13:48:23", "'5' DAY", "2004-09-25 00:00:00.0"),
    ambiguities: [
      {
        ref: "A5",
        text: "The page's own formula ((ts - TIMESTAMP '1970-01-01 00:00:00') / i) * i + TIMESTAMP '1970-01-01 00:00:00' is epoch-aligned and does not give the printed 2004-09-25 (reference §11 A5).",
      },
    ],
  },
  {
    ...stepTimestamp("timestamp-by-1-year", "2004-09-30 13:48:23", "'1' YEAR", "2004-01-01 00:00:00.0"),
    ambiguities: [
      {
        ref: "A5",
        text: "A year has no fixed length, so the page's epoch formula cannot apply as written; the printed value is the calendar year's start.",
      },
    ],
  },
];
