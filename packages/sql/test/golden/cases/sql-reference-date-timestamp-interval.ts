import { pageCases } from "../case-builders.ts";
import type { GoldenCase } from "../golden-case.ts";
import { dayTime, yearMonth } from "../values.ts";

const page = pageCases({
  guide: "sqlref",
  page: "sql-reference-date-timestamp-interval",
  commit: "9a3d9b4027a3cf817aa962967024a384f63fa075",
});
const TABLE = "date-timestamp-interval-examples";
const FURTHER = "w2aac22c17c21b7c11";
const RULES = "TOC14";
const VALUES =
  "The page runs `values <expression>;` in SQLline; the expression is the VALUES row's only column (EXPR$0).";

/** SQL reference, "Date, Timestamp, and Interval Operators": the examples table, the SQLline sessions and the interval rules. */
export const sqlReferenceDateTimestampInterval: readonly GoldenCase[] = [
  page.value({
    name: "example-1",
    anchor: TABLE,
    expression: "INTERVAL '1' DAY + INTERVAL '3' DAY",
    printed: "INTERVAL '4' DAY",
    expected: dayTime({ days: 4 }),
    type: "INTERVAL DAY",
  }),
  page.value({
    name: "example-2",
    anchor: TABLE,
    expression: "INTERVAL '1' DAY + INTERVAL '3 4' DAY TO HOUR",
    printed: "INTERVAL '+4 04' DAY TO HOUR",
    expected: dayTime({ days: 4, hours: 4 }),
    type: "INTERVAL DAY TO HOUR",
  }),
  page.value({
    name: "example-3",
    anchor: TABLE,
    expression: "INTERVAL '1' DAY - INTERVAL '3 4' DAY TO HOUR",
    printed: "INTERVAL '-2 04' DAY TO HOUR",
    expected: dayTime({ negative: true, days: 2, hours: 4 }),
    type: "INTERVAL DAY TO HOUR",
    notes: [
      "The page: '24 hours minus 76 hours, resulting in minus 52 hours, which is a negative 2 days and 4 hours.'",
    ],
  }),
  page.value({
    name: "example-4",
    anchor: TABLE,
    expression: "INTERVAL '1' YEAR + INTERVAL '3-4' YEAR TO MONTH",
    printed: "INTERVAL '+4-04' YEAR TO MONTH",
    expected: yearMonth({ years: 4, months: 4 }),
    type: "INTERVAL YEAR TO MONTH",
    ambiguities: [
      {
        ref: "A9",
        text: "The data-types page says year-month intervals are not supported; this page computes with them.",
      },
    ],
  }),
  page.value({
    name: "example-5",
    anchor: TABLE,
    expression: "2 * INTERVAL '3 4' DAY TO HOUR",
    printed: "INTERVAL '6 8' DAY TO HOUR",
    expected: dayTime({ days: 6, hours: 8 }),
    type: "INTERVAL DAY TO HOUR",
  }),
  page.value({
    name: "example-6",
    anchor: TABLE,
    expression: "INTERVAL '3 4' DAY TO HOUR / 2",
    printed: "INTERVAL ' 1 14' DAY TO HOUR",
    expected: dayTime({ days: 1, hours: 14 }),
    type: "INTERVAL DAY TO HOUR",
  }),
  page.value({
    name: "time-difference-minute-to-second",
    anchor: FURTHER,
    expression: "cast ((time  '12:03:34' - time '11:57:23') minute to second as varchar(8))",
    printed: "+6:11",
    expected: "+6:11",
    type: "VARCHAR(8)",
    notes: [VALUES],
  }),
  page.value({
    name: "time-difference-second",
    anchor: FURTHER,
    expression: "cast ((time  '12:03:34' - time '11:57:23') second as varchar(8))",
    printed: "+371",
    expected: "+371",
    type: "VARCHAR(8)",
    notes: [VALUES],
  }),
  page.value({
    name: "time-difference-minute",
    anchor: FURTHER,
    expression: "cast ((time  '12:03:34' - time '11:57:23') minute as varchar(8))",
    printed: "+6",
    expected: "+6",
    type: "VARCHAR(8)",
    notes: [VALUES, "The page: '6 minutes; seconds ignored.'"],
  }),
  page.value({
    name: "time-difference-minute-exact",
    anchor: FURTHER,
    expression: "cast ((time  '12:03:23' - time '11:57:23') minute as varchar(8))",
    printed: "+6",
    expected: "+6",
    type: "VARCHAR(8)",
    notes: [VALUES],
  }),
  page.error({
    name: "time-minus-timestamp",
    anchor: FURTHER,
    expression: "cast ((time '12:03:34'-timestamp '2004-04-29 11:57:23') day to second as varchar(8))",
    error: "From line 1, column 14 to line 1, column 79: Parameters must be of the same type",
  }),
  page.value({
    name: "timestamp-difference-day-to-second-varchar-8",
    anchor: FURTHER,
    expression: `cast ((timestamp  '2004-05-01 12:03:34' - timestamp '2004-04-29 11:57:23') day to
                second as varchar(8))`,
    printed: "+2 00:06",
    expected: "+2 00:06",
    type: "VARCHAR(8)",
    notes: [
      VALUES,
      "The page: 'the varchar(8) happens to allow only room enough to show only the minutes, not the seconds.'",
    ],
  }),
  page.value({
    name: "timestamp-difference-day-to-second-varchar-11",
    anchor: FURTHER,
    expression: `cast ((timestamp  '2004-05-01 12:03:34' - timestamp '2004-04-29 11:57:23') day to
                second as varchar(11))`,
    printed: "+2 00:06:11",
    expected: "+2 00:06:11",
    type: "VARCHAR(11)",
    notes: [VALUES],
  }),
  page.value({
    name: "timestamp-difference-one-digit-hour",
    anchor: FURTHER,
    expression: `cast ((timestamp  '2004-05-01 1:03:34' - timestamp '2004-04-29 11:57:23') day to
                second as varchar(11))`,
    printed: "+1 13:06:11",
    expected: "+1 13:06:11",
    type: "VARCHAR(11)",
    notes: [VALUES, "The first literal has a one-digit hour ('1:03:34')."],
  }),
  page.value({
    name: "timestamp-difference-afternoon",
    anchor: FURTHER,
    expression: `cast ((timestamp  '2004-05-01 13:03:34' - timestamp '2004-04-29 11:57:23') day to
                second as varchar(11))`,
    printed: "+2 01:06:11",
    expected: "+2 01:06:11",
    type: "VARCHAR(11)",
    notes: [VALUES],
  }),
  page.value({
    name: "timestamp-difference-day",
    anchor: FURTHER,
    expression: `cast ((timestamp  '2004-05-01 12:03:34' - timestamp '2004-04-29 11:57:23') day
                as varchar(8))`,
    printed: "+2",
    expected: "+2",
    type: "VARCHAR(8)",
    notes: [VALUES],
  }),
  page.error({
    name: "date-literals-with-trailing-spaces",
    anchor: FURTHER,
    expression: "cast ((date '2004-12-02 ' - date '2003-12-01 ') day  as varchar(8))",
    error: "Illegal DATE literal '2004-12-02 ': not in format 'yyyy-MM-dd'",
  }),
  page.error({
    name: "date-literal-with-trailing-space",
    anchor: FURTHER,
    expression: "cast ((date '2004-12-02' - date '2003-12-01 ') day  as varchar(8))",
    error: "Illegal DATE literal '2003-12-01 ': not in format 'yyyy-MM-dd'",
  }),
  page.value({
    name: "date-difference-day",
    anchor: FURTHER,
    expression: "cast ((date '2004-12-02' - date '2003-12-01') day  as varchar(8))",
    printed: "+367",
    expected: "+367",
    type: "VARCHAR(8)",
    notes: [VALUES],
  }),
  page.error({
    name: "date-minus-date-without-qualifier",
    anchor: FURTHER,
    expression: "cast ((date '2004-12-02' - date '2003-12-01') as varchar(8))",
    error: `From line 1, column 15 to line 1, column 51:
            Cannot apply '-' to arguments of type '<DATE> - <DATE>'.
     Supported form(s): '<NUMERIC> - <NUMERIC>'
                        '<DATETIME_INTERVAL> - <DATETIME_INTERVAL>'
                        '<DATETIME> - <DATETIME_INTERVAL>'`,
  }),
  page.error({
    name: "value-does-not-match-qualifier",
    anchor: RULES,
    expression: "INTERVAL '3:45:04.0' DAY TO HOUR",
    error: "illegal",
    notes: [
      "The page marks it '--> illegal' (next to INTERVAL '25 3' DAY to HOUR '--> legal') and prints no message.",
    ],
  }),
  page.error({
    name: "minute-value-exceeds-default-precision",
    anchor: RULES,
    expression: "INTERVAL '120' MINUTE(2)",
    error:
      "From line 1, column 8 to line 1, column 31:\n                         Interval field value 120 exceeds precision of MINUTE(2) field",
    ambiguities: [
      {
        ref: "A9",
        text: "The text just above calls INTERVAL '120' MINUTE(2) 'the legal form' of INTERVAL '120' MINUTE, then the session shows it failing.",
      },
    ],
  }),
];
