import type { GoldenCase } from "../golden-case.ts";
import { awsDocs } from "../sources.ts";
import { timeOfDay } from "../values.ts";

const COMMIT = "0cf87289f5b2143b6019ff35025a663af3b4ea95";

/** The four AMZN trades both examples of the page feed (its two identical input tables). */
const TRADES = [
  { ROWTIME: timeOfDay("11:00:20"), EVENT_TIME: timeOfDay("11:00:10"), TICKER_SYMBOL: "AMZN" },
  { ROWTIME: timeOfDay("11:00:30"), EVENT_TIME: timeOfDay("11:00:20"), TICKER_SYMBOL: "AMZN" },
  { ROWTIME: timeOfDay("11:01:05"), EVENT_TIME: timeOfDay("11:00:55"), TICKER_SYMBOL: "AMZN" },
  { ROWTIME: timeOfDay("11:01:15"), EVENT_TIME: timeOfDay("11:01:05"), TICKER_SYMBOL: "AMZN" },
];

const INPUT_COLUMNS = { SOURCE_SQL_STREAM_001: { EVENT_TIME: "TIMESTAMP", TICKER_SYMBOL: "VARCHAR(4)" } };

const ADDED_INPUT =
  "Added: the input stream's columns (EVENT_TIME TIMESTAMP, TICKER_SYMBOL VARCHAR(4)); the page shows only the rows.";
const TIME_ONLY = "The page prints times of day only; they are placed on TIME_ONLY_DATE.";

/** Developer guide, "Stagger Windows": the same four rows through a tumbling and a stagger window. */
export const staggerWindowConcepts: readonly GoldenCase[] = [
  {
    kind: "application",
    id: "stagger-window-concepts/tumbling-partial-results",
    title: "Tumbling GROUP BY on ROWTIME and event time splits one event-time minute into two partial rows",
    source: awsDocs({
      guide: "dev",
      page: "stagger-window-concepts",
      anchor: "stagger-window-tumbling",
      commit: COMMIT,
    }),
    sql: `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
    TICKER_SYMBOL VARCHAR(4),
    EVENT_TIME timestamp,
    TICKER_COUNT     DOUBLE);

CREATE OR REPLACE PUMP "STREAM_PUMP" AS
  INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM
        TICKER_SYMBOL,
        FLOOR(EVENT_TIME TO MINUTE),
        COUNT(TICKER_SYMBOL) AS TICKER_COUNT
    FROM "SOURCE_SQL_STREAM_001"
    GROUP BY ticker_symbol, FLOOR(EVENT_TIME TO MINUTE), STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '1' MINUTE);`,
    inputColumns: INPUT_COLUMNS,
    inputs: { SOURCE_SQL_STREAM_001: TRADES },
    expected: {
      DESTINATION_SQL_STREAM: [
        {
          ROWTIME: timeOfDay("11:01:00"),
          EVENT_TIME: timeOfDay("11:00:00"),
          TICKER_SYMBOL: "AMZN",
          TICKER_COUNT: 2,
        },
        {
          ROWTIME: timeOfDay("11:02:00"),
          EVENT_TIME: timeOfDay("11:00:00"),
          TICKER_SYMBOL: "AMZN",
          TICKER_COUNT: 1,
        },
        {
          ROWTIME: timeOfDay("11:02:00"),
          EVENT_TIME: timeOfDay("11:01:00"),
          TICKER_SYMBOL: "AMZN",
          TICKER_COUNT: 1,
        },
      ],
    },
    notes: [
      ADDED_INPUT,
      TIME_ONLY,
      "The page's output header COUNT is the stream column TICKER_COUNT.",
      "The page says the result 'looks similar to the following'; the rows are its only statement of the result.",
      "The 11:01 ROWTIME window has no later input row to close it: the two 11:02:00 rows appear at end of input.",
    ],
    ambiguities: [
      {
        ref: "A1",
        text: "Output ROWTIME is the END of the ROWTIME window (11:01:00 for [11:00, 11:01)), unlike the window-start values printed on timestamps-rowtime-concepts.",
      },
      {
        ref: "A16",
        text: "The two 11:02:00 rows are printed in EVENT_TIME order (11:00 before 11:01), which is also arrival order.",
      },
    ],
  },
  {
    kind: "application",
    id: "stagger-window-concepts/stagger-complete-results",
    title:
      "Stagger window keyed by event-time minute and ticker opens at the first row and closes one minute later",
    source: awsDocs({
      guide: "dev",
      page: "stagger-window-concepts",
      anchor: "stagger-window-concepts-stagger",
      commit: COMMIT,
    }),
    sql: `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
    ticker_symbol    VARCHAR(4),
    event_time       TIMESTAMP,
    ticker_count     DOUBLE);

CREATE OR REPLACE PUMP "STREAM_PUMP" AS
  INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM
        TICKER_SYMBOL,
        FLOOR(EVENT_TIME TO MINUTE),
        COUNT(TICKER_SYMBOL) AS ticker_count
    FROM "SOURCE_SQL_STREAM_001"
    WINDOWED BY STAGGER (
            PARTITION BY FLOOR(EVENT_TIME TO MINUTE), TICKER_SYMBOL RANGE INTERVAL '1' MINUTE);`,
    inputColumns: INPUT_COLUMNS,
    inputs: { SOURCE_SQL_STREAM_001: TRADES },
    expected: {
      DESTINATION_SQL_STREAM: [
        {
          ROWTIME: timeOfDay("11:01:20"),
          EVENT_TIME: timeOfDay("11:00:00"),
          TICKER_SYMBOL: "AMZN",
          TICKER_COUNT: 3,
        },
        {
          ROWTIME: timeOfDay("11:02:15"),
          EVENT_TIME: timeOfDay("11:01:00"),
          TICKER_SYMBOL: "AMZN",
          TICKER_COUNT: 1,
        },
      ],
    },
    notes: [
      ADDED_INPUT,
      TIME_ONLY,
      "The page's output header Count is the stream column TICKER_COUNT.",
      "The page says the result 'looks similar to the following'; the rows are its only statement of the result.",
      "No input row follows 11:02:15: the second window's row appears at end of input (or on a timer).",
    ],
    ambiguities: [
      {
        ref: "A3",
        text: "Whether a stagger window closes on a timer or on the next row, and whether its end (11:01:20) is inclusive, is not stated; the 11:01:05 row (ROWTIME) falls inside [11:00:20, 11:01:20].",
      },
    ],
  },
];
