import type { GoldenCase, GoldenRow } from "../golden-case.ts";
import { awsDocs } from "../sources.ts";
import { timestamp } from "../values.ts";

const SOURCE = awsDocs({
  guide: "sqlref",
  page: "sql-reference-rowtime",
  commit: "63cf41d661d66ec83c0b669091773802db5b9e31",
});

function order(at: string, orderId: number, custId: number): GoldenRow {
  return { ROWTIME: timestamp(at), orderId, custId };
}

/** The Orders rows, as the page's `SELECT STREAM ROWTIME, * FROM Orders;` prints them. */
const ORDERS = [
  order("2008-02-20 10:15:00", 100, 501),
  order("2008-02-20 10:25:00", 101, 22),
  order("2008-02-20 10:25:30", 102, 699),
];

const INPUT_COLUMNS = { ORDERS: { orderId: "INTEGER", custId: "INTEGER" } };
const NOTES = [
  'The page creates the stream with `CREATE STREAM Orders("orderId" INTEGER NOT NULL, "custId" INTEGER NOT NULL);` and fills it from a client; here Orders is an input stream with those columns (NOT NULL dropped: KDA input columns cannot be NOT NULL).',
  "Input: the three rows the page prints for `SELECT STREAM ROWTIME, * FROM Orders;` (the stream's content).",
];

/**
 * SQL reference, "ROWTIME": `SELECT STREAM *` leaves ROWTIME out, `SELECT STREAM ROWTIME, *` adds
 * it. (The join example on the same page is not a case: its Shipments rows are not shown.)
 */
export const sqlReferenceRowtime: readonly GoldenCase[] = [
  {
    kind: "application",
    id: "sql-reference-rowtime/select-star-omits-rowtime",
    title: "SELECT STREAM * returns the declared columns only, not ROWTIME",
    source: SOURCE,
    sql: `SELECT STREAM *
FROM Orders;`,
    inputColumns: INPUT_COLUMNS,
    inputs: { ORDERS: ORDERS },
    expected: {
      "": [
        { orderId: 100, custId: 501 },
        { orderId: 101, custId: 22 },
        { orderId: 102, custId: 699 },
      ],
    },
    notes: NOTES,
  },
  {
    kind: "application",
    id: "sql-reference-rowtime/select-rowtime-and-star",
    title: "SELECT STREAM ROWTIME, * returns ROWTIME before the declared columns",
    source: SOURCE,
    sql: `SELECT STREAM ROWTIME, *
FROM Orders;`,
    inputColumns: INPUT_COLUMNS,
    inputs: { ORDERS: ORDERS },
    expected: { "": ORDERS },
    notes: NOTES,
  },
];
