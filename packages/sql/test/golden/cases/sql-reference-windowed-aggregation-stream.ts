import type { GoldenCase, GoldenRow } from "../golden-case.ts";
import { awsDocs } from "../sources.ts";
import { timeOfDay, timestamp } from "../values.ts";
import { WEATHERSTREAM_ROWS } from "./weather-stream.ts";

const COMMIT = "63cf41d661d66ec83c0b669091773802db5b9e31";
const PAGE = "sql-reference-windowed-aggregation-stream";
const INPUT_COLUMNS = { WEATHERSTREAM: { CITY: "VARCHAR(16)", TEMP: "INTEGER" } };
const ADDED_INPUT =
  "Added: the input stream WEATHERSTREAM (CITY VARCHAR(16), TEMP INTEGER); the page shows only its rows (integer temperatures; the AVG column is printed truncated, e.g. 30 for 29 and 32).";

function global(at: string, min: number, max: number): GoldenRow {
  return { ROWTIME: timestamp(at), WMIN_TEMP: min, WMAX_TEMP: max };
}

function perCity(at: string, city: string, min: number, max: number, avg: number): GoldenRow {
  return { ROWTIME: timestamp(at), CITY: city, WMIN_TEMP: min, WMAX_TEMP: max, WAVG_TEMP: avg };
}

function trade(at: string, ticker: string, amount: number): GoldenRow {
  return { ROWTIME: timeOfDay(at), TICKER: ticker, AMOUNT: amount };
}

function volume(at: string, ticker: string, amount: number, hourlyVolume: number): GoldenRow {
  return { ROWTIME: timeOfDay(at), TICKER: ticker, AMOUNT: amount, HOURLYVOLUME: hourlyVolume };
}

/** SQL reference, "Windowed Aggregation on Streams": sliding windows over WEATHERSTREAM and Trades. */
export const sqlReferenceWindowedAggregationStream: readonly GoldenCase[] = [
  {
    kind: "application",
    id: `${PAGE}/min-max-last-day`,
    title: "MIN and MAX over RANGE INTERVAL '1' DAY PRECEDING: one row per input row",
    source: awsDocs({
      guide: "sqlref",
      page: PAGE,
      anchor: "sqlrf_windowed_aggregation-results",
      commit: COMMIT,
    }),
    sql: ` SELECT STREAM
        ROWTIME,
        MIN(TEMP) OVER W1 AS WMIN_TEMP,
        MAX(TEMP) OVER W1 AS WMAX_TEMP
 FROM WEATHERSTREAM
 WINDOW W1 AS (
    RANGE INTERVAL '1' DAY PRECEDING
);`,
    inputColumns: INPUT_COLUMNS,
    inputs: { WEATHERSTREAM: WEATHERSTREAM_ROWS },
    expected: {
      "": [
        global("2018-11-01 01:00:00.0", 29, 29),
        global("2018-11-01 01:00:00.0", 2, 29),
        global("2018-11-01 06:00:00.0", 2, 65),
        global("2018-11-01 07:00:00.0", 2, 65),
        global("2018-11-01 09:00:00.0", 2, 65),
        global("2018-11-01 13:00:00.0", 2, 65),
        global("2018-11-01 17:00:00.0", 2, 65),
        global("2018-11-01 18:00:00.0", 2, 71),
        global("2018-11-01 19:00:00.0", 2, 71),
        global("2018-11-02 01:00:00.0", 2, 71),
        global("2018-11-02 01:00:00.0", 2, 71),
        global("2018-11-02 07:00:00.0", 4, 71),
        global("2018-11-02 09:00:00.0", 3, 71),
        global("2018-11-02 13:00:00.0", 3, 71),
        global("2018-11-02 17:00:00.0", 2, 71),
        global("2018-11-02 19:00:00.0", 2, 56),
        global("2018-11-03 01:00:00.0", 2, 56),
        global("2018-11-03 01:00:00.0", 1, 56),
      ],
    },
    notes: [ADDED_INPUT],
    ambiguities: [
      {
        ref: "A19",
        text: "The first row (Denver 29, ROWTIME 2018-11-01 01:00) prints WMIN 29: the Anchorage reading with the same ROWTIME, which arrives after it, is not in its frame, although RANGE frames are said to contain all rows with the same timestamp.",
      },
    ],
  },
  {
    kind: "application",
    id: `${PAGE}/min-max-avg-last-day-per-city`,
    title: "MIN, MAX and AVG over a one-day RANGE window PARTITION BY CITY",
    source: awsDocs({
      guide: "sqlref",
      page: PAGE,
      anchor: "sqlrf_windowed_aggregation_results",
      commit: COMMIT,
    }),
    sql: ` SELECT STREAM
        ROWTIME,
        CITY,
        MIN(TEMP) over W1 AS WMIN_TEMP,
        MAX(TEMP) over W1 AS WMAX_TEMP,
        AVG(TEMP) over W1 AS WAVG_TEMP
 FROM AGGTEST.WEATHERSTREAM
 WINDOW W1 AS (
        PARTITION BY CITY
        RANGE INTERVAL '1' DAY PRECEDING
 );`,
    inputColumns: INPUT_COLUMNS,
    inputs: { WEATHERSTREAM: WEATHERSTREAM_ROWS },
    expected: {
      "": [
        perCity("2018-11-01 01:00:00.0", "Denver", 29, 29, 29),
        perCity("2018-11-01 01:00:00.0", "Anchorage", 2, 2, 2),
        perCity("2018-11-01 06:00:00.0", "Miami", 65, 65, 65),
        perCity("2018-11-01 07:00:00.0", "Denver", 29, 32, 30),
        perCity("2018-11-01 09:00:00.0", "Anchorage", 2, 9, 5),
        perCity("2018-11-01 13:00:00.0", "Denver", 29, 50, 37),
        perCity("2018-11-01 17:00:00.0", "Anchorage", 2, 10, 7),
        perCity("2018-11-01 18:00:00.0", "Miami", 65, 71, 68),
        perCity("2018-11-01 19:00:00.0", "Denver", 29, 50, 38),
        perCity("2018-11-02 01:00:00.0", "Anchorage", 2, 10, 6),
        perCity("2018-11-02 01:00:00.0", "Denver", 29, 50, 38),
        perCity("2018-11-02 07:00:00.0", "Denver", 32, 50, 42),
        perCity("2018-11-02 09:00:00.0", "Anchorage", 3, 10, 6),
        perCity("2018-11-02 13:00:00.0", "Denver", 39, 56, 46),
        perCity("2018-11-02 17:00:00.0", "Anchorage", 2, 10, 4),
        perCity("2018-11-02 19:00:00.0", "Denver", 39, 56, 46),
        perCity("2018-11-03 01:00:00.0", "Denver", 36, 56, 45),
        perCity("2018-11-03 01:00:00.0", "Anchorage", 1, 4, 2),
      ],
    },
    notes: [ADDED_INPUT],
    ambiguities: [
      {
        ref: "A17",
        text: "The query reads AGGTEST.WEATHERSTREAM, a schema-qualified name (SQLstream schemas); KDA has no schemas and the page's data table calls the stream WEATHERSTREAM, the input's name here.",
      },
    ],
  },
  {
    kind: "application",
    id: `${PAGE}/hourly-volume-with-rowtime-bounds`,
    title: "SUM over a one-hour RANGE window per ticker: rows are emitted as soon as they arrive",
    source: awsDocs({
      guide: "sqlref",
      page: PAGE,
      anchor: "sqlrf-windowed-aggregation-examples",
      commit: COMMIT,
    }),
    sql: ` SELECT STREAM ROWTIME, ticker, amount, SUM(amount)
    OVER (
        PARTITION BY ticker
        RANGE INTERVAL '1' HOUR PRECEDING)
 AS hourlyVolume
 FROM Trades`,
    inputColumns: { TRADES: { TICKER: "VARCHAR(4)", AMOUNT: "INTEGER" } },
    inputs: {
      TRADES: [
        trade("10:00:00", "IBM", 10),
        trade("10:10:00", "ORCL", 20),
        trade("10:25:00", "ORCL", 15),
        trade("11:05:00", "IBM", 30),
      ],
    },
    expected: {
      "": [
        volume("10:00:00", "IBM", 10, 10),
        volume("10:10:00", "ORCL", 20, 20),
        volume("10:25:00", "ORCL", 15, 35),
        volume("11:05:00", "IBM", 30, 30),
      ],
    },
    notes: [
      "Added: the input stream Trades (TICKER VARCHAR(4), AMOUNT INTEGER); the page prints its rows as 'Trades: <ticker> <amount> <rowtime>'.",
      "The page's input and output also carry rowtime bounds ('Trades.bound: 10:15:00' and '11:10:00') that pass through unchanged; KDA gives users no way to send bounds and they change no row, so they are left out (a runner may call advance(10:15:00) and advance(11:10:00) between the rows).",
      "The page prints times of day only; they are placed on TIME_ONLY_DATE.",
    ],
    ambiguities: [
      {
        text: "The first input line reads 'Trades: IBM 10 10 10:00:00', one value more than the other input lines (it matches the first output line); the input is taken as amount 10.",
      },
    ],
  },
];
