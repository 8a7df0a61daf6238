import type { GoldenAmbiguity, GoldenCase, GoldenRow } from "../golden-case.ts";
import { awsDocs } from "../sources.ts";
import { timeOfDay } from "../values.ts";

const SOURCE = awsDocs({
  guide: "sqlref",
  page: "sql-reference-select",
  anchor: "sql-reference-select-stream",
  commit: "63cf41d661d66ec83c0b669091773802db5b9e31",
});

function order(at: string, orderId: number, custName: string, product: string, quantity: number): GoldenRow {
  return {
    ROWTIME: timeOfDay(at),
    ORDERID: orderId,
    CUSTNAME: custName,
    PRODUCT: product,
    QUANTITY: quantity,
  };
}

/** The two orders the page's `SELECT STREAM * FROM Orders` prints (the stream's content). */
const ORDERS = [
  order("10:15:00", 102, "Ivy Black", "Rice", 6),
  order("10:25:00", 103, "John Wu", "Apples", 3),
];

const INPUT_COLUMNS = {
  ORDERS: { ORDERID: "INTEGER", CUSTNAME: "VARCHAR(16)", PRODUCT: "VARCHAR(16)", QUANTITY: "INTEGER" },
};
const NOTES = [
  "Added: the input stream Orders (ORDERID INTEGER, CUSTNAME VARCHAR(16), PRODUCT VARCHAR(16), QUANTITY INTEGER): the page prints rows only. Its headers read orderId, custName, product, quantity; the names are upper-cased here because the query's unquoted `quantity` means QUANTITY (ambiguity below).",
  "Input: the rows the page prints for `SELECT STREAM * FROM Orders` (the stream's content).",
  "The page prints times of day only; they are placed on TIME_ONLY_DATE.",
];
const ROWTIME_SHOWN: GoldenAmbiguity = {
  text: "This page prints a ROWTIME column for `SELECT STREAM *`; the ROWTIME page says `SELECT STREAM *` does not return ROWTIME (here ROWTIME is the rows' timestamp, which the harness reports anyway).",
};
const CASE_OF_NAMES: GoldenAmbiguity = {
  ref: "A17",
  text: "The printed column names (orderId, custName, quantity) are mixed-case while the query refers to unquoted `quantity`, which KDA upper-cases to QUANTITY; the fixture's columns are upper-case.",
};

/** SQL reference, "SELECT statement": the time differential of Orders, unfiltered and filtered. */
export const sqlReferenceSelect: readonly GoldenCase[] = [
  {
    kind: "application",
    id: "sql-reference-select/stream-star",
    title: "SELECT STREAM * emits each row when it appears, at its ROWTIME",
    source: SOURCE,
    sql: "SELECT STREAM * FROM Orders",
    inputColumns: INPUT_COLUMNS,
    inputs: { ORDERS },
    expected: { "": ORDERS },
    notes: NOTES,
    ambiguities: [ROWTIME_SHOWN, CASE_OF_NAMES],
  },
  {
    kind: "application",
    id: "sql-reference-select/stream-where",
    title: "SELECT STREAM … WHERE quantity > 5 has a row at 10:15 but none at 10:25",
    source: SOURCE,
    sql: "SELECT STREAM * FROM Orders WHERE quantity > 5",
    inputColumns: INPUT_COLUMNS,
    inputs: { ORDERS },
    expected: { "": [order("10:15:00", 102, "Ivy Black", "Rice", 6)] },
    notes: [
      ...NOTES,
      "The page states the result in prose: the stream 'has a row at 10:15 but no row at 10:25, because the relation … goes from empty to one row when order 102 is placed at 10:15'; the expected row is order 102 as printed above it.",
    ],
    ambiguities: [ROWTIME_SHOWN, CASE_OF_NAMES],
  },
];
