import { describe, expect, it } from "vitest";
import type { GoldenApplicationCase, GoldenRow } from "../../test/golden/golden-case.ts";
import { runApplicationCase } from "../../test/golden/golden-runner.ts";
import { expectedAsDecided, goldenCase } from "../../test/golden/index.ts";
import type { JoinWindow, LogicalPlan, PlanNode, StreamDef, StreamJoinNode } from "../plan/logical-plan.ts";
import { compileSql } from "../planner/compile-sql.ts";
import { sqlHarness } from "../testing/sql-harness.ts";
import { call, col, field, fields, input, lit, rowtime, scan, T } from "./test-support/plan-builders.ts";
import { queryHarness } from "./test-support/query-harness.ts";

const MINUTE = 60_000;
const source = input("SOURCE_SQL_STREAM_001", [
  field("orderid", T.integer),
  field("orders", T.integer),
  field("shipments", T.integer),
]);
const orders: StreamDef = {
  name: "ORDERS_STREAM",
  columns: [field("orderid", T.integer), field("orderrowtime", T.timestamp)],
};
const shipments: StreamDef = {
  name: "SHIPMENTS_STREAM",
  columns: [field("orderid", T.integer), field("shipmentrowtime", T.timestamp)],
};

/** The page's dataset pumps: `SELECT STREAM "orderid", "ROWTIME" FROM SOURCE_SQL_STREAM_001 WHERE <column> = <value>`. */
function datasetPump(target: StreamDef, column: number, value: number) {
  const where: PlanNode = {
    kind: "filter",
    input: scan(source),
    predicate: call("=", col(column, T.integer), lit(value, T.integer)),
    columns: source.columns,
  };
  const expressions = [col(0, T.integer), rowtime];
  return {
    name: `${target.name}_PUMP`,
    target: target.name,
    targetColumns: [0, 1],
    query: { kind: "project", input: where, expressions, columns: target.columns } as PlanNode,
  };
}

// Joined row: o."orderid", o."orderrowtime", s."orderid", s."shipmentrowtime".
const O_ORDERID = 0;
const O_ROWTIME = 1;
const S_ORDERID = 2;
const S_ROWTIME = 3;

interface Example {
  readonly joinType: StreamJoinNode["joinType"];
  readonly leftWindow?: JoinWindow;
  readonly rightWindow?: JoinWindow;
  /** Joined-row columns of the select list after "resultrowtime" (ROWTIME). */
  readonly select: readonly [string, number][];
}

function joinApplication(example: Example): LogicalPlan {
  const join: StreamJoinNode = {
    kind: "stream-join",
    joinType: example.joinType,
    left: scan(orders),
    right: scan(shipments),
    ...(example.leftWindow && { leftWindow: example.leftWindow }),
    ...(example.rightWindow && { rightWindow: example.rightWindow }),
    condition: call("=", col(O_ORDERID, T.integer), col(S_ORDERID, T.integer)),
    columns: [...orders.columns, ...shipments.columns],
  };
  const expressions = [rowtime, ...example.select.map(([, i]) => col(i, join.columns[i]!.type))];
  const names = ["resultrowtime", ...example.select.map(([name]) => name)];
  const output: StreamDef = { name: "OUTPUT_STREAM", columns: fields(names, expressions) };
  return {
    inputs: [source],
    streams: [orders, shipments, output],
    referenceTables: [],
    pumps: [
      datasetPump(orders, 1, 1),
      datasetPump(shipments, 2, 2),
      {
        name: "OUTPUT_STREAM_PUMP",
        target: output.name,
        targetColumns: names.map((_, i) => i),
        query: { kind: "project", input: join, expressions, columns: output.columns },
      },
    ],
    queries: [],
  };
}

const FOUR: Example["select"] = [
  ["orderid", S_ORDERID],
  ["shipmenttime", S_ROWTIME],
  ["ordertime", O_ROWTIME],
];
const ONE_MINUTE: JoinWindow = { range: MINUTE };

async function run(
  id: number,
  example: Example,
): Promise<{ actual: GoldenRow[]; printed: readonly GoldenRow[]; decided: readonly GoldenRow[] }> {
  const golden = goldenCase(`sql-reference-join-clause/example-${id}`) as GoldenApplicationCase;
  const result = await runApplicationCase(golden, joinApplication(example));
  return {
    actual: result.rows.OUTPUT_STREAM!,
    printed: golden.expected.OUTPUT_STREAM!,
    decided: expectedAsDecided(golden).OUTPUT_STREAM!,
  };
}

describe("stream-to-stream joins (the JOIN clause page's six examples)", () => {
  it("1: INNER, window on orders: a shipment matches the orders of the minute before it", async () => {
    const { actual, printed } = await run(1, { joinType: "inner", leftWindow: ONE_MINUTE, select: FOUR });
    expect(actual).toEqual(printed);
  });

  it("2: INNER, windows on both sides: a late order matches an earlier shipment", async () => {
    const both = {
      joinType: "inner",
      leftWindow: ONE_MINUTE,
      rightWindow: ONE_MINUTE,
      select: FOUR,
    } as const;
    const { actual, printed } = await run(2, both);
    expect(actual).toEqual(printed);
  });

  it("3: RIGHT, window on orders: an unmatched shipment is emitted at once", async () => {
    const select: Example["select"] = [
      ["orderid", S_ORDERID],
      ["ordertime", O_ROWTIME],
    ];
    const { actual, printed } = await run(3, { joinType: "right", leftWindow: ONE_MINUTE, select });
    expect(actual).toEqual(printed);
  });

  it("4: RIGHT, windows on both sides: an unmatched shipment is emitted when its window ends (A4)", async () => {
    const both = {
      joinType: "right",
      leftWindow: ONE_MINUTE,
      rightWindow: ONE_MINUTE,
      select: FOUR,
    } as const;
    const { actual, printed, decided } = await run(4, both);
    expect(actual).toEqual(decided);
    expect(decided).not.toEqual(printed);
  });

  it("5: LEFT, window on orders: unmatched orders are emitted when their window ends (A4)", async () => {
    const select: Example["select"] = [
      ["orderid", O_ORDERID],
      ["ordertime", O_ROWTIME],
    ];
    const { actual, printed, decided } = await run(5, { joinType: "left", leftWindow: ONE_MINUTE, select });
    expect(actual).toEqual(decided);
    expect(decided).toHaveLength(printed.length - 1);
  });

  it("6: LEFT, windows on both sides (A4)", async () => {
    const both = { joinType: "left", leftWindow: ONE_MINUTE, rightWindow: ONE_MINUTE, select: FOUR } as const;
    const { actual, printed, decided } = await run(6, both);
    expect(actual).toEqual(decided);
    expect(decided).toHaveLength(printed.length - 2);
  });
});

describe("outer joins with a ROWS window at the end of input", () => {
  const STREAMS = {
    ORDERS: { ORDERID: "INTEGER" },
    SHIPMENTS: { ORDERID: "INTEGER" },
  };
  const joinSql = (kind: "LEFT" | "RIGHT") => `SELECT STREAM o.ORDERID AS O_ID, s.ORDERID AS S_ID
    FROM ORDERS OVER (ROWS 1 PRECEDING) AS o
    ${kind} JOIN SHIPMENTS OVER (ROWS 1 PRECEDING) AS s ON o.ORDERID = s.ORDERID`;

  async function run(kind: "LEFT" | "RIGHT") {
    const h = await sqlHarness(joinSql(kind), { inputs: STREAMS });
    await h.push("ORDERS", { ORDERID: 1 }, 1_000);
    await h.push("ORDERS", { ORDERID: 2 }, 2_000);
    await h.push("SHIPMENTS", { ORDERID: 2 }, 3_000);
    await h.push("ORDERS", { ORDERID: 3 }, 4_000); // pushes order 1 out of the orders' window
    await h.push("SHIPMENTS", { ORDERID: 9 }, 5_000);
    await h.advance(6_000);
    const before = [...h.rows()];
    await h.finish();
    return { before, all: h.rows() };
  }

  it("LEFT: the unmatched orders still in the window leave with NULLs at the end, stamped with the last ROWTIME", async () => {
    const { before, all } = await run("LEFT");
    expect(before).toEqual([
      { ROWTIME: 3_000, O_ID: 2, S_ID: 2 },
      { ROWTIME: 4_000, O_ID: 1, S_ID: null },
    ]);
    // Order 2 matched: it never leaves as unmatched (A4); order 3 did not.
    expect(all.slice(before.length)).toEqual([{ ROWTIME: 5_000, O_ID: 3, S_ID: null }]);
  });

  it("LEFT: the rows still in a ROWS window leave at the end after a checkpoint too", async () => {
    // Both inputs are one harness stream told apart by SIDE.
    const columns = { SIDE: "VARCHAR(1)", ORDERID: "INTEGER" };
    const plan = compileSql(
      `SELECT STREAM o.ORDERID AS O_ID, s.ORDERID AS S_ID FROM ORDERS OVER (ROWS 1 PRECEDING) AS o
        LEFT JOIN SHIPMENTS OVER (ROWS 1 PRECEDING) AS s ON o.ORDERID = s.ORDERID`,
      { inputs: { ORDERS: columns, SHIPMENTS: columns }, referenceTables: {}, queryStart: 0 },
    );
    const h = queryHarness(plan, (rows, name) => rows.filter((row) => row[0] === name[0]));
    await h.processElements([
      { value: ["O", 1], timestamp: 1_000 },
      { value: ["S", 1], timestamp: 2_000 },
      { value: ["O", 2], timestamp: 3_000 },
    ]);
    await h.processWatermark(3_000);
    await h.snapshotAndRestore();
    await h.endInput();
    expect(h.output()).toEqual([
      { value: [1, 1], timestamp: 2_000 },
      { value: [2, null], timestamp: 3_000 },
    ]);
  });

  it("RIGHT: the unmatched shipment still in the window leaves with NULLs at the end", async () => {
    const { before, all } = await run("RIGHT");
    expect(before).toEqual([{ ROWTIME: 3_000, O_ID: 2, S_ID: 2 }]);
    expect(all.slice(before.length)).toEqual([{ ROWTIME: 5_000, O_ID: null, S_ID: 9 }]);
  });
});
