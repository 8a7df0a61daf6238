import type {
  GoldenAmbiguity,
  GoldenApplicationCase,
  GoldenCase,
  GoldenCorrection,
  GoldenRow,
} from "../golden-case.ts";
import { awsDocs } from "../sources.ts";
import { timeOfDay } from "../values.ts";

const COMMIT = "0cf87289f5b2143b6019ff35025a663af3b4ea95";

/** The page's "Example Dataset": the two in-application streams every example joins. */
const DATASET = `CREATE OR REPLACE STREAM "ORDERS_STREAM" ("orderid" int, "orderrowtime" timestamp);
CREATE OR REPLACE PUMP "ORDERS_STREAM_PUMP" AS INSERT INTO "ORDERS_STREAM"
SELECT STREAM "orderid", "ROWTIME"
FROM "SOURCE_SQL_STREAM_001" WHERE "orders" = 1;

CREATE OR REPLACE STREAM "SHIPMENTS_STREAM" ("orderid" int, "shipmentrowtime" timestamp);
CREATE OR REPLACE PUMP "SHIPMENTS_STREAM_PUMP" AS INSERT INTO "SHIPMENTS_STREAM"
SELECT STREAM "orderid", "ROWTIME"
FROM "SOURCE_SQL_STREAM_001" WHERE "shipments" = 2;
`;

function order(at: string, orderid: number): GoldenRow {
  return { ROWTIME: timeOfDay(at), orderid, orders: 1, shipments: null };
}

function shipment(at: string, orderid: number): GoldenRow {
  return { ROWTIME: timeOfDay(at), orderid, orders: null, shipments: 2 };
}

/**
 * The ORDERS_STREAM and SHIPMENTS_STREAM columns of every example's table (identical in all six),
 * read row by row, left (orders) before right (shipments) within a table row, as one source stream.
 */
const SOURCE_ROWS: readonly GoldenRow[] = [
  order("10:00:00", 101),
  shipment("10:00:00", 100),
  order("10:00:20", 102),
  order("10:00:30", 103),
  order("10:00:40", 104),
  shipment("10:00:45", 104),
  order("10:00:45", 100),
  shipment("10:00:50", 105),
];

const NOTES = [
  "SQL: the page's two 'Example Dataset' blocks (ORDERS_STREAM, SHIPMENTS_STREAM and their pumps) followed by the example's 'Join Query' block.",
  'Added: the input stream SOURCE_SQL_STREAM_001 ("orderid" INTEGER, "orders" INTEGER, "shipments" INTEGER); the page shows JSON samples whose values are strings ("orderid":"101", "orders":"1") but compares "orders" = 1.',
  'Input: the table\'s ORDERS_STREAM and SHIPMENTS_STREAM columns as rows of the one source stream (orders have "orders" = 1, shipments "shipments" = 2); within a table row the order comes first; order 100 (marked * \'late\') is pushed at the ROWTIME the table gives it, 10:00:45, after shipment 104 whose table row precedes it.',
  "The page prints times of day only; they are placed on TIME_ONLY_DATE.",
  'The page\'s output header OrderTime is the stream column "ordertime"; resultrowtime is the selected ROWTIME.',
];

const LATE_ORDER: GoldenAmbiguity = {
  ref: "A2",
  text: "Order 100 is called a 'late event' but carries ROWTIME 10:00:45, in order on its stream; it is late only relative to shipment 100 (10:00:00).",
};

/** The A4 slip of examples 4 and 6: a matched row printing shipmenttime and ordertime swapped. */
function swapTimes(row: number): GoldenCorrection {
  return { kind: "swap", stream: "OUTPUT_STREAM", row, columns: ["shipmenttime", "ordertime"] };
}

function joinCase(
  example: number,
  title: string,
  query: string,
  expected: readonly GoldenRow[],
  ambiguities: readonly GoldenAmbiguity[],
): GoldenApplicationCase {
  return {
    kind: "application",
    id: `sql-reference-join-clause/example-${example}`,
    title,
    source: awsDocs({
      guide: "sqlref",
      page: "sql-reference-join-clause",
      anchor: `sqlrf-join-stream-examples-${example}`,
      commit: COMMIT,
    }),
    sql: `${DATASET}\n${query}`,
    inputColumns: { SOURCE_SQL_STREAM_001: { orderid: "INTEGER", orders: "INTEGER", shipments: "INTEGER" } },
    inputs: { SOURCE_SQL_STREAM_001: SOURCE_ROWS },
    expected: { OUTPUT_STREAM: expected },
    notes: NOTES,
    ambiguities: [LATE_ORDER, ...ambiguities],
  };
}

function out4(
  resultrowtime: string,
  orderid: number,
  shipmenttime: string | null,
  ordertime: string | null,
): GoldenRow {
  return {
    resultrowtime: timeOfDay(resultrowtime),
    orderid,
    shipmenttime: shipmenttime === null ? null : timeOfDay(shipmenttime),
    ordertime: ordertime === null ? null : timeOfDay(ordertime),
  };
}

function out3(resultrowtime: string, orderid: number, ordertime: string | null): GoldenRow {
  return {
    resultrowtime: timeOfDay(resultrowtime),
    orderid,
    ordertime: ordertime === null ? null : timeOfDay(ordertime),
  };
}

/** SQL reference, "JOIN clause": the six stream-to-stream join examples with their full tables. */
export const sqlReferenceJoinClause: readonly GoldenCase[] = [
  joinCase(
    1,
    "INNER JOIN with a one-minute window on the orders side only",
    `CREATE OR REPLACE STREAM "OUTPUT_STREAM" ("resultrowtime" timestamp, "orderid" int, "shipmenttime" timestamp, "ordertime" timestamp);
CREATE OR REPLACE PUMP "OUTPUT_STREAM_PUMP" AS
INSERT INTO "OUTPUT_STREAM"
  SELECT STREAM ROWTIME as "resultrowtime", s."orderid", s.rowtime as "shipmenttime", o.ROWTIME as "ordertime"
    FROM ORDERS_STREAM OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS o
      JOIN SHIPMENTS_STREAM AS s
        ON o."orderid" = s."orderid";`,
    [out4("10:00:45", 104, "10:00:45", "10:00:40")],
    [],
  ),
  joinCase(
    2,
    "INNER JOIN with one-minute windows on both sides",
    `CREATE OR REPLACE STREAM "OUTPUT_STREAM" ("resultrowtime" timestamp, "orderid" int, "shipmenttime" timestamp, "ordertime" timestamp);
CREATE OR REPLACE PUMP "OUTPUT_STREAM_PUMP" AS INSERT INTO "OUTPUT_STREAM"
  SELECT STREAM ROWTIME as "resultrowtime", s."orderid", s.rowtime as "shipmenttime", o.ROWTIME as "ordertime"
    FROM ORDERS_STREAM OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS o
      JOIN SHIPMENTS_STREAM OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS s
        ON o."orderid" = s."orderid";`,
    [out4("10:00:45", 104, "10:00:45", "10:00:40"), out4("10:00:45", 100, "10:00:00", "10:00:45")],
    [],
  ),
  joinCase(
    3,
    "RIGHT JOIN with a window on the orders side only: unmatched shipments are emitted at once",
    `CREATE OR REPLACE STREAM "OUTPUT_STREAM" ("resultrowtime" timestamp, "orderid" int, "ordertime" timestamp);
CREATE OR REPLACE PUMP "OUTPUT_STREAM_PUMP" AS INSERT INTO "OUTPUT_STREAM"
  SELECT STREAM ROWTIME as "resultrowtime", s."orderid", o.ROWTIME as "ordertime"
    FROM ORDERS_STREAM OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS o
      RIGHT JOIN SHIPMENTS_STREAM AS s
        ON o."orderid" = s."orderid";`,
    [out3("10:00:00", 100, null), out3("10:00:45", 104, "10:00:40"), out3("10:00:50", 105, null)],
    [],
  ),
  joinCase(
    4,
    "RIGHT JOIN with windows on both sides: an unmatched shipment is emitted when its window ends",
    `CREATE OR REPLACE STREAM "OUTPUT_STREAM" ("resultrowtime" timestamp, "orderid" int, "shipmenttime" timestamp, "ordertime" timestamp);
CREATE OR REPLACE PUMP "OUTPUT_STREAM_PUMP" AS INSERT INTO "OUTPUT_STREAM"
  SELECT STREAM ROWTIME as "resultrowtime", s."orderid", s.ROWTIME as "shipmenttime", o.ROWTIME as "ordertime"
    FROM ORDERS_STREAM OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS o
      RIGHT JOIN SHIPMENTS_STREAM OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS s
        ON o."orderid" = s."orderid";`,
    [
      out4("10:00:45", 104, "10:00:40", "10:00:45"),
      out4("10:00:45", 100, "10:00:45", "10:00:00"),
      out4("10:01:50", 105, "10:00:50", null),
    ],
    [
      {
        ref: "A4",
        text: "Both matched rows print shipmenttime and ordertime swapped: shipment 104 arrived 10:00:45 and order 104 10:00:40, but the row shows shipmenttime 10:00:40, ordertime 10:00:45; shipment 100 arrived 10:00:00 and order 100 10:00:45, but the row shows shipmenttime 10:00:45, ordertime 10:00:00 (examples 1 and 2 print the same pairs the other way round).",
        corrections: [swapTimes(0), swapTimes(1)],
      },
    ],
  ),
  joinCase(
    5,
    "LEFT JOIN with a window on the orders side only: unmatched orders are emitted when their window ends",
    `CREATE OR REPLACE STREAM "OUTPUT_STREAM" ("resultrowtime" timestamp, "orderid" int, "ordertime" timestamp);
CREATE OR REPLACE PUMP "OUTPUT_STREAM_PUMP" AS INSERT INTO "OUTPUT_STREAM"
  SELECT STREAM ROWTIME as "resultrowtime", o."orderid", o.ROWTIME as "ordertime"
    FROM ORDERS_STREAM OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS o
      LEFT JOIN SHIPMENTS_STREAM AS s
        ON o."orderid" = s."orderid";`,
    [
      out3("10:00:45", 104, "10:00:40"),
      out3("10:01:00", 101, "10:00:00"),
      out3("10:01:20", 102, "10:00:20"),
      out3("10:01:30", 103, "10:00:30"),
      out3("10:01:40", 104, "10:00:40"),
      out3("10:01:45", 100, "10:00:45"),
    ],
    [
      {
        ref: "A4",
        text: "Order 104 is printed twice: matched (10:00:45) and again as unmatched at the end of its window (10:01:40), although it found shipment 104.",
        corrections: [{ kind: "drop", stream: "OUTPUT_STREAM", row: 4 }],
      },
    ],
  ),
  joinCase(
    6,
    "LEFT JOIN with windows on both sides",
    `CREATE OR REPLACE STREAM "OUTPUT_STREAM" ("resultrowtime" timestamp, "orderid" int, "shipmenttime" timestamp, "ordertime" timestamp);
CREATE OR REPLACE PUMP "OUTPUT_STREAM_PUMP" AS INSERT INTO "OUTPUT_STREAM"
  SELECT STREAM ROWTIME as "resultrowtime", s."orderid", s.ROWTIME as "shipmenttime", o.ROWTIME as "ordertime"
    FROM ORDERS_STREAM OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS o
      LEFT JOIN SHIPMENTS_STREAM OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS s
        ON o."orderid" = s."orderid";`,
    [
      out4("10:00:45", 104, "10:00:40", "10:00:45"),
      out4("10:00:45", 100, "10:00:00", "10:00:45"),
      out4("10:01:00", 101, null, "10:00:00"),
      out4("10:01:20", 102, null, "10:00:20"),
      out4("10:01:30", 103, null, "10:00:30"),
      out4("10:01:40", 104, null, "10:00:40"),
      out4("10:01:45", 100, null, "10:00:45"),
    ],
    [
      {
        ref: "A4",
        text: "The matched row of 104 prints shipmenttime and ordertime swapped (shipmenttime 10:00:40, ordertime 10:00:45; shipment 104 arrived 10:00:45, order 104 10:00:40).",
        corrections: [swapTimes(0)],
      },
      {
        ref: "A4",
        text: "Orders 104 and 100 are printed both matched and, at the end of their windows (10:01:40, 10:01:45), as unmatched.",
        corrections: [
          { kind: "drop", stream: "OUTPUT_STREAM", row: 5 },
          { kind: "drop", stream: "OUTPUT_STREAM", row: 6 },
        ],
      },
      {
        ref: "A4",
        text: 'The unmatched rows print a non-NULL orderid although the query selects s."orderid", which a LEFT JOIN fills with NULL when no shipment matched.',
        corrections: [2, 3, 4].map(
          (row) => ({ kind: "null", stream: "OUTPUT_STREAM", row, column: "orderid" }) as const,
        ),
      },
      {
        text: "The matched row of order 100 (resultrowtime 10:00:45) is printed on the table line of shipment 105's arrival (10:00:50).",
      },
    ],
  ),
];
