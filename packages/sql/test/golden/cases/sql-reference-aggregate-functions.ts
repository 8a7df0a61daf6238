import type { GoldenCase } from "../golden-case.ts";
import { awsDocs } from "../sources.ts";
import { timestamp } from "../values.ts";
import { WEATHERSTREAM_ROWS } from "./weather-stream.ts";

const COMMIT = "63cf41d661d66ec83c0b669091773802db5b9e31";
const SOURCE = awsDocs({
  guide: "sqlref",
  page: "sql-reference-aggregate-functions",
  anchor: "w2aac22b7c25",
  commit: COMMIT,
});
const INPUT_COLUMNS = { WEATHERSTREAM: { CITY: "VARCHAR(16)", TEMP: "INTEGER" } };
const ADDED_INPUT =
  "Added: the input stream WEATHERSTREAM (CITY VARCHAR(16), TEMP INTEGER); the page shows only its rows (TEMP values are integers, and AVG_TEMP = SUM/COUNT truncates, e.g. Denver 2018-11-01: 38).";
const HELD =
  "The page prints the 2018-11-03 result(s) separately: they appear only when a row or a rowtime bound of 2018-11-04 00:00:00.0 or later arrives (heldUntilBound).";

/** SQL reference, "Aggregate Functions": streaming aggregation of WEATHERSTREAM per day. */
export const sqlReferenceAggregateFunctions: readonly GoldenCase[] = [
  {
    kind: "application",
    id: "sql-reference-aggregate-functions/min-max-per-day",
    title:
      "MIN and MAX per FLOOR(ROWTIME TO DAY); a day's row is emitted when the next day's first row arrives",
    source: SOURCE,
    sql: `SELECT STREAM

    FLOOR(WEATHERSTREAM.ROWTIME to DAY) AS FLOOR_DAY,
    MIN(TEMP) AS MIN_TEMP,
    MAX(TEMP) AS MAX_TEMP
FROM WEATHERSTREAM

GROUP BY FLOOR(WEATHERSTREAM.ROWTIME TO DAY);`,
    inputColumns: INPUT_COLUMNS,
    inputs: { WEATHERSTREAM: WEATHERSTREAM_ROWS },
    expected: {
      "": [
        { FLOOR_DAY: timestamp("2018-11-01 00:00:00.0"), MIN_TEMP: 2, MAX_TEMP: 71 },
        { FLOOR_DAY: timestamp("2018-11-02 00:00:00.0"), MIN_TEMP: 2, MAX_TEMP: 56 },
        { FLOOR_DAY: timestamp("2018-11-03 00:00:00.0"), MIN_TEMP: 1, MAX_TEMP: 36 },
      ],
    },
    heldUntilBound: { "": 1 },
    notes: [ADDED_INPUT, HELD],
  },
  {
    kind: "application",
    id: "sql-reference-aggregate-functions/min-max-avg-per-city-per-day",
    title: "MIN, MAX and SUM/COUNT per day and CITY: one row per city when the day closes",
    source: SOURCE,
    sql: `SELECT STREAM
    FLOOR(WEATHERSTREAM.ROWTIME TO DAY) AS FLOOR_DAY,

    CITY,
    MIN(TEMP) AS MIN_TEMP,
    MAX(TEMP) AS MAX_TEMP,
    SUM(TEMP)/COUNT(TEMP) AS AVG_TEMP
FROM WEATHERSTREAM
GROUP BY FLOOR(WEATHERSTREAM.ROWTIME TO DAY), CITY;`,
    inputColumns: INPUT_COLUMNS,
    inputs: { WEATHERSTREAM: WEATHERSTREAM_ROWS },
    expected: {
      "": [
        {
          FLOOR_DAY: timestamp("2018-11-01 00:00:00.0"),
          CITY: "Anchorage",
          MIN_TEMP: 2,
          MAX_TEMP: 10,
          AVG_TEMP: 7,
        },
        {
          FLOOR_DAY: timestamp("2018-11-01 00:00:00.0"),
          CITY: "Denver",
          MIN_TEMP: 29,
          MAX_TEMP: 50,
          AVG_TEMP: 38,
        },
        {
          FLOOR_DAY: timestamp("2018-11-01 00:00:00.0"),
          CITY: "Miami",
          MIN_TEMP: 65,
          MAX_TEMP: 71,
          AVG_TEMP: 68,
        },
        {
          FLOOR_DAY: timestamp("2018-11-02 00:00:00.0"),
          CITY: "Anchorage",
          MIN_TEMP: 2,
          MAX_TEMP: 4,
          AVG_TEMP: 3,
        },
        {
          FLOOR_DAY: timestamp("2018-11-02 00:00:00.0"),
          CITY: "Denver",
          MIN_TEMP: 39,
          MAX_TEMP: 56,
          AVG_TEMP: 47,
        },
        {
          FLOOR_DAY: timestamp("2018-11-03 00:00:00.0"),
          CITY: "Anchorage",
          MIN_TEMP: 1,
          MAX_TEMP: 1,
          AVG_TEMP: 1,
        },
        {
          FLOOR_DAY: timestamp("2018-11-03 00:00:00.0"),
          CITY: "Denver",
          MIN_TEMP: 36,
          MAX_TEMP: 36,
          AVG_TEMP: 36,
        },
      ],
    },
    heldUntilBound: { "": 2 },
    notes: [ADDED_INPUT, HELD],
    ambiguities: [
      {
        ref: "A16",
        text: "Rows closing at the same instant are printed sorted by CITY (Anchorage, Denver, Miami), while Denver's rows arrived first on 2018-11-01 and 2018-11-03.",
      },
    ],
  },
];
