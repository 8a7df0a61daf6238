import { readFileSync } from "node:fs";
import { pipeline } from "@eddy/core";
import { describe, expect, it } from "vitest";
import type { GoldenApplicationCase } from "../../test/golden/golden-case.ts";
import { runApplicationCase } from "../../test/golden/golden-runner.ts";
import { goldenCase } from "../../test/golden/index.ts";
import type { AggregateCall, LogicalPlan, OverWindow, PlanNode, SqlRow } from "../plan/logical-plan.ts";
import { compileSql } from "../planner/compile-sql.ts";
import { lowerPlan } from "./lower-plan.ts";
import { checkHeldForm } from "./over-aggregate.ts";
import { aggregate, col, field, fields, input, scan, T } from "./test-support/plan-builders.ts";
import { queryHarness } from "./test-support/query-harness.ts";

const DAY = 86_400_000;
const weather = input("WEATHERSTREAM", [field("CITY", T.varchar(16)), field("TEMP", T.integer)]);
const city = col(0, T.varchar(16));
const temp = col(1, T.integer);

/** `SELECT STREAM <kept input columns>, <calls> FROM WEATHERSTREAM WINDOW W1 AS (...)` as a bare query. */
function overQuery(window: OverWindow, calls: AggregateCall[], keep: number[], names: string[]): LogicalPlan {
  const over: PlanNode = {
    kind: "over",
    input: scan(weather),
    windows: [window],
    calls: calls.map((call) => ({ window: 0, call })),
    columns: [...weather.columns, ...fields(["C0", "C1", "C2"], calls)],
  };
  const expressions = [
    ...keep.map((i) => col(i, weather.columns[i]!.type)),
    ...calls.map((c, i) => col(2 + i, c.type)),
  ];
  const query: PlanNode = { kind: "project", input: over, expressions, columns: fields(names, expressions) };
  return { inputs: [weather], streams: [], referenceTables: [], pumps: [], queries: [{ name: "", query }] };
}

const golden = (id: string) => goldenCase(id) as GoldenApplicationCase;

describe("OVER windows", () => {
  it("RANGE INTERVAL '1' DAY PRECEDING includes its bound and not a later peer of the same ROWTIME (A19)", async () => {
    const example = golden("sql-reference-windowed-aggregation-stream/min-max-last-day");
    const plan = overQuery(
      { partitionBy: [], frame: { range: DAY } },
      [aggregate("MIN", [temp]), aggregate("MAX", [temp])],
      [],
      ["WMIN_TEMP", "WMAX_TEMP"],
    );
    const run = await runApplicationCase(example, plan);
    expect(run.rows[""]).toEqual(example.expected[""]);
  });

  it("PARTITION BY CITY keeps one frame per city; AVG of INTEGER truncates", async () => {
    const example = golden("sql-reference-windowed-aggregation-stream/min-max-avg-last-day-per-city");
    const plan = overQuery(
      { partitionBy: [city], frame: { range: DAY } },
      [aggregate("MIN", [temp]), aggregate("MAX", [temp]), aggregate("AVG", [temp])],
      [0],
      ["CITY", "WMIN_TEMP", "WMAX_TEMP", "WAVG_TEMP"],
    );
    const run = await runApplicationCase(example, plan);
    expect(run.rows[""]).toEqual(example.expected[""]);
  });
});

describe("OVER windows with different PARTITION BY", () => {
  const stream = input("S", [field("K", T.varchar(1)), field("X", T.integer), field("ID", T.integer)]);
  // W0 by K: COUNT(*); W1 by X: the IDs of the row and the one before it (ROWS 1 PRECEDING).
  const plan: LogicalPlan = {
    inputs: [stream],
    streams: [],
    referenceTables: [],
    pumps: [],
    queries: [
      {
        name: "",
        query: {
          kind: "over",
          input: scan(stream),
          windows: [
            { partitionBy: [col(0, T.varchar(1))], frame: { rows: 5 } },
            { partitionBy: [col(1, T.integer)], frame: { rows: 1 } },
          ],
          calls: [
            { window: 0, call: aggregate("COUNT", []) },
            { window: 1, call: aggregate("MIN", [col(2, T.integer)]) },
          ],
          columns: [
            ...stream.columns,
            ...fields(["N", "PREVIOUS_ID"], [{ type: T.bigint }, { type: T.integer }]),
          ],
        },
      },
    ],
  };
  const harness = () => queryHarness(plan);

  it("a checkpoint between rows of one ROWTIME keeps their arrival order for the second window", async () => {
    // Rows of ROWTIME 0 from partitions b, a, b of W0, all in one partition of W1: each row's
    // PREVIOUS_ID is the ID of the row that arrived before it, across the restart.
    const h = harness();
    await h.processElements([
      { value: ["b", 1, 0], timestamp: 0 },
      { value: ["a", 1, 1], timestamp: 0 },
    ]);
    await h.snapshotAndRestore();
    await h.processElements([{ value: ["b", 1, 2], timestamp: 0 }]);
    await h.processWatermark(0);
    const byId = h.values().sort((a, b) => (a[2] as number) - (b[2] as number));
    expect(byId).toEqual([
      ["b", 1, 0, 1, 0],
      ["a", 1, 1, 1, 0],
      ["b", 1, 2, 2, 1],
    ]);
  });

  it("windows whose partitions nest run as before: no reordering step, the same operators", () => {
    // The seed FX query: W1 and R1 both by "symbol". Its operators (and so the ids its checkpoints
    // address them by) are those of the version before tie reordering.
    const sql = readFileSync(
      new URL("../../../../apps/fx-pricing/src/fx-query.sql", import.meta.url),
      "utf8",
    );
    const fx = compileSql(sql, {
      inputs: { SOURCE_SQL_STREAM_001: { symbol: "VARCHAR(8)", timestamp: "BIGINT", price: "DOUBLE" } },
      referenceTables: {},
      queryStart: 0,
    });
    const job = pipeline("fx-sql");
    const ticks = job.source<SqlRow>({
      name: "ticks",
      bounded: true,
      open: () => {
        throw new Error("not run");
      },
    });
    lowerPlan(fx, { input: () => ticks, values: () => ticks, referenceRows: () => [] }, { queryStart: 0 });
    expect(job.describe().nodes.map((n) => n.id)).toEqual([
      "source(ticks)#1",
      "over#2",
      "side(over-late-0)#3",
      "late-rows(OVER window)#4",
      "over#5",
      "side(over-late-1)#6",
      "late-rows(OVER window)#7",
      "over-select#8",
      "side(over-select-errors)#9",
      "union#10",
      "union#11",
    ]);
  });
});

describe("OVER state from a checkpoint", () => {
  const row = ["EUR", 1.5];
  const result = (record: unknown) => ({ key: "EUR", record, value: [1] });

  it("is read when it has the form of this version: a held row under one result per window before", () => {
    expect(() => checkHeldForm(row, 0)).not.toThrow();
    expect(() => checkHeldForm(result(result(row)), 2)).not.toThrow();
  });

  it("is refused with a clear message in the forms earlier versions wrote", () => {
    const message = /form of an earlier @eddy\/sql .*\(eddy-sql run --fresh\)/;
    // Before the windows held rows themselves: envelopes of the row, keys, arguments and results.
    expect(() => checkHeldForm({ row, keys: ["EUR"], args: [[1.5]], results: [null] }, 0)).toThrow(message);
    // Before they chained results: a later window held a flat row with the results filled in.
    expect(() => checkHeldForm([...row, 1.5, 1.5], 1)).toThrow(message);
  });
});
