import { describe, expect, it } from "vitest";
import type { PlanNode } from "../plan/logical-plan.ts";
import { compileSql } from "./compile-sql.ts";

const context = {
  inputs: { SOURCE_SQL_STREAM_001: { TICKER: "VARCHAR(4)", PRICE: "REAL", QTY: "INTEGER" } },
  referenceTables: { COMPANIES: { TICKER: "VARCHAR(4)", NAME: "VARCHAR(32)" } },
  queryStart: 0,
};

// The node kinds from the root down the first input.
function spine(node: PlanNode): string[] {
  const kinds = [node.kind];
  let current: PlanNode = node;
  while ("input" in current) {
    current = current.input;
    kinds.push(current.kind);
  }
  return kinds;
}

describe("planApplication", () => {
  it("plans a filtered projection pump and casts its columns to the target's types", () => {
    const plan = compileSql(
      `CREATE OR REPLACE STREAM DEST (TICKER VARCHAR(4), DOUBLED DOUBLE);
       CREATE OR REPLACE PUMP P AS INSERT INTO DEST
         SELECT STREAM TICKER, QTY * 2 FROM SOURCE_SQL_STREAM_001 WHERE PRICE > 10`,
      context,
    );
    const pump = plan.pumps[0]!;
    expect(spine(pump.query)).toEqual(["project", "project", "filter", "scan"]);
    expect(pump.query.columns.map((c) => c.type.name)).toEqual(["VARCHAR", "DOUBLE"]);
    expect(plan.inputs.map((i) => [i.name, i.rowtime.kind])).toEqual([["SOURCE_SQL_STREAM_001", "arrival"]]);
  });

  it("plans a tumbling GROUP BY on STEP(ROWTIME) with its buckets, and HAVING above it", () => {
    const plan = compileSql(
      `SELECT STREAM TICKER, COUNT(*) AS N, MAX(PRICE) - MIN(PRICE) FROM SOURCE_SQL_STREAM_001
       GROUP BY TICKER, STEP(ROWTIME BY INTERVAL '10' SECOND) HAVING COUNT(*) > 1`,
      context,
    );
    const query = plan.queries[0]!.query;
    expect(spine(query)).toEqual(["project", "filter", "tumbling-aggregate", "scan"]);
    const aggregate = (query as { input: { input: PlanNode } }).input.input;
    if (aggregate.kind !== "tumbling-aggregate") throw new Error("not a tumbling aggregate");
    expect(aggregate.window).toEqual({ key: 1, buckets: { kind: "fixed", size: 10_000, offset: 0 } });
    // COUNT(*) appears twice but is computed once.
    expect(aggregate.aggregates.map((a) => a.name)).toEqual(["COUNT", "MAX", "MIN"]);
  });

  it("plans OVER calls with one window per distinct window", () => {
    const plan = compileSql(
      `SELECT STREAM TICKER, AVG(PRICE) OVER W1, MAX(PRICE) OVER W1, LAG(PRICE) OVER (PARTITION BY TICKER ROWS 1 PRECEDING)
       FROM SOURCE_SQL_STREAM_001 WINDOW W1 AS (PARTITION BY TICKER RANGE INTERVAL '1' HOUR PRECEDING)`,
      context,
    );
    const over = (plan.queries[0]!.query as { input: PlanNode }).input;
    if (over.kind !== "over") throw new Error("not an over node");
    expect(over.windows.map((w) => w.frame)).toEqual([{ range: 3_600_000 }, { rows: 1 }]);
    expect(over.calls.map((c) => [c.call.name, c.window])).toEqual([
      ["AVG", 0],
      ["MAX", 0],
      ["LAG", 1],
    ]);
  });

  it("plans a stream-table join and a windowed stream-stream join with each side's ROWTIME", () => {
    const table = compileSql(
      `SELECT STREAM s.TICKER, c.NAME FROM SOURCE_SQL_STREAM_001 AS s LEFT JOIN COMPANIES AS c ON s.TICKER = c.TICKER`,
      context,
    );
    expect((table.queries[0]!.query as { input: PlanNode }).input).toMatchObject({
      kind: "table-join",
      joinType: "left",
      table: "COMPANIES",
    });
    const streams = compileSql(
      `SELECT STREAM a.TICKER, a.ROWTIME, b.ROWTIME
       FROM SOURCE_SQL_STREAM_001 OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS a
       JOIN SOURCE_SQL_STREAM_001 AS b ON a.TICKER = b.TICKER`,
      context,
    );
    const join = (streams.queries[0]!.query as { input: PlanNode }).input;
    expect(join).toMatchObject({ kind: "stream-join", joinType: "inner", leftWindow: { range: 60_000 } });
    expect(join.columns.map((c) => c.name)).toEqual([
      "TICKER",
      "PRICE",
      "QTY",
      "ROWTIME",
      "TICKER",
      "PRICE",
      "QTY",
      "ROWTIME",
    ]);
  });

  it("plans a streaming ORDER BY as a sort under the select list, keyed on the aggregation's row", () => {
    const plan = compileSql(
      `SELECT STREAM TICKER, COUNT(*) AS N FROM SOURCE_SQL_STREAM_001
       GROUP BY TICKER, FLOOR(ROWTIME TO MINUTE) ORDER BY FLOOR(ROWTIME TO MINUTE), N DESC`,
      context,
    );
    const query = plan.queries[0]!.query;
    expect(spine(query)).toEqual(["project", "sort", "tumbling-aggregate", "scan"]);
    const sort = (query as { input: PlanNode }).input;
    if (sort.kind !== "sort") throw new Error("not a sort");
    // The sort reads the key column (FLOOR) and the aggregate column (N) of the aggregation's row.
    expect(sort.group.evaluate([null, 60_000, 3], 0, { rowtime: 0, queryStart: 0 })).toBe(60_000);
    expect(
      sort.keys.map((k) => [
        k.expression.evaluate([null, 60_000, 3], 0, { rowtime: 0, queryStart: 0 }),
        k.descending,
      ]),
    ).toEqual([[3, true]]);
  });

  it("computes VALUES rows once, at plan time", () => {
    const plan = compileSql("VALUES (1 + 1, 'a'), (3, 'bc')", context);
    expect(plan.queries[0]!.query).toMatchObject({
      kind: "values",
      rows: [
        [2, "a"],
        [3, "bc"],
      ],
    });
  });

  it("never reads the wall clock: VALUES that read the start time need a queryStart, others do not", () => {
    const inputs = { inputs: context.inputs, referenceTables: context.referenceTables };
    const start = Date.UTC(2024, 0, 1, 12);
    const at = (queryStart: number) =>
      compileSql("VALUES (CURRENT_TIMESTAMP, ROWTIME, 1)", { ...inputs, queryStart }).queries[0]!.query;
    expect(at(start)).toMatchObject({ rows: [[start, start, 1]] });
    // Planned twice with one start, the same rows: a replay sees what the first run saw.
    expect(at(start)).toEqual(at(start));
    expect(compileSql("VALUES (1 + 1, 'a')", inputs).queries[0]!.query).toMatchObject({ rows: [[2, "a"]] });
    for (const sql of ["VALUES (CURRENT_TIMESTAMP)", "VALUES (1, ROWTIME)", "VALUES (CURRENT_DATE)"]) {
      expect(() => compileSql(sql, inputs)).toThrow(
        /^the VALUES at line 1, column 1 reads the query's start time \(CURRENT_TIMESTAMP, ROWTIME…\): plan it with a queryStart$/,
      );
    }
  });
});
