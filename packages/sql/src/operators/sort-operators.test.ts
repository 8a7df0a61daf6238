import { describe, expect, it } from "vitest";
import { ERROR_STREAM } from "../plan/error-stream.ts";
import type { LogicalPlan, PlanNode } from "../plan/logical-plan.ts";
import { sqlHarness } from "../testing/sql-harness.ts";
import { col, field, fields, input, rowtime, scan, step, T } from "./test-support/plan-builders.ts";

const SECOND = 1_000;
const scores = input("SCORES", [
  field("NAME", T.varchar(8)),
  field("SCORE", T.integer),
  field("AT", T.timestamp),
]);
const name = col(0, T.varchar(8));
const score = col(1, T.integer);

const query = (node: PlanNode): LogicalPlan => ({
  inputs: [scores],
  streams: [],
  referenceTables: [],
  pumps: [],
  queries: [{ name: "", query: node }],
});

async function run(node: PlanNode, rows: [string, number | null, number, number][]) {
  const h = await sqlHarness(query(node));
  for (const [NAME, SCORE, AT, at] of rows) await h.push("SCORES", { NAME, SCORE, AT }, at);
  await h.finish();
  return h;
}

describe("ORDER BY FLOOR(ROWTIME TO SECOND), SCORE DESC", () => {
  const sort: PlanNode = {
    kind: "sort",
    input: scan(scores),
    group: step(rowtime, SECOND),
    buckets: { kind: "fixed", size: SECOND, offset: 0 },
    keys: [{ expression: score, descending: true, nullsFirst: true }],
    columns: scores.columns,
  };

  it("emits each second's rows sorted when the second is over, stamped with its last ROWTIME", async () => {
    const h = await run(sort, [
      ["a", 1, 0, 100],
      ["b", 3, 0, 200],
      ["c", null, 0, 300],
      ["d", 3, 0, 400],
      ["e", 5, 0, 1_500],
    ]);
    expect(h.rows().map((r) => [r.ROWTIME, r.NAME])).toEqual([
      [400, "c"],
      [400, "b"],
      [400, "d"],
      [400, "a"],
      [1_500, "e"],
    ]);
  });
});

describe("T-sort: ORDER BY AT WITHIN INTERVAL '2' SECOND", () => {
  // SELECT STREAM NAME, AT AS ROWTIME ... ORDER BY AT WITHIN INTERVAL '2' SECOND
  const retimed: PlanNode = {
    kind: "project",
    input: scan(scores),
    expressions: [name],
    rowtime: col(2, T.timestamp),
    columns: fields(["NAME"], [name]),
  };
  const tsort: PlanNode = { kind: "t-sort", input: retimed, within: 2 * SECOND, columns: retimed.columns };

  it("re-orders rows by their event time within the interval and sends older ones to the error stream", async () => {
    const h = await run(tsort, [
      ["a", 0, 3_000, 10],
      ["b", 0, 1_000, 20],
      ["c", 0, 2_000, 30],
      ["d", 0, 6_000, 40], // releases everything up to 4 s
      ["e", 0, 1_500, 50], // behind c (2 s), already emitted
      ["f", 0, 5_000, 60],
    ]);
    expect(h.rows().map((r) => [r.ROWTIME, r.NAME])).toEqual([
      [1_000, "b"],
      [2_000, "c"],
      [3_000, "a"],
      [5_000, "f"],
      [6_000, "d"],
    ]);
    expect(h.rows(ERROR_STREAM).map((r) => [r.ERROR_NAME, r.DATA_ROWTIME])).toEqual([["LATE_ROW", 1_500]]);
  });

  it("drops a row whose new ROWTIME is NULL", async () => {
    const h = await run(tsort, [
      ["a", 0, 1_000, 10],
      ["b", 0, null as unknown as number, 20],
    ]);
    expect(h.rows().map((r) => r.NAME)).toEqual(["a"]);
  });
});

describe("SELECT STREAM DISTINCT with a monotonic leading column", () => {
  it("passes the first of equal rows per value of the leading column", async () => {
    const expressions = [step(rowtime, SECOND), name];
    const projected: PlanNode = {
      kind: "project",
      input: scan(scores),
      expressions,
      columns: fields(["S", "NAME"], expressions),
    };
    const distinct: PlanNode = { kind: "distinct", input: projected, columns: projected.columns };
    const h = await run(distinct, [
      ["a", 0, 0, 100],
      ["a", 0, 0, 200],
      ["b", 0, 0, 300],
      ["a", 0, 0, 1_100],
    ]);
    expect(h.rows()).toEqual([
      { ROWTIME: 100, S: 0, NAME: "a" },
      { ROWTIME: 300, S: 0, NAME: "b" },
      { ROWTIME: 1_100, S: SECOND, NAME: "a" },
    ]);
  });
});
