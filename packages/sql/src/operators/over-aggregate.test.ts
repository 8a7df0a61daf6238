import { describe, expect, it } from "vitest";
import type { GoldenApplicationCase } from "../../test/golden/golden-case.ts";
import { runApplicationCase } from "../../test/golden/golden-runner.ts";
import { goldenCase } from "../../test/golden/index.ts";
import type { AggregateCall, LogicalPlan, OverWindow, PlanNode } from "../plan/logical-plan.ts";
import { aggregate, col, field, fields, input, scan, T } from "./test-support/plan-builders.ts";

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
