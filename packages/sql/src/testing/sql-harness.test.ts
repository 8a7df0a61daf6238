import { describe, expect, it } from "vitest";
import {
  aggregate,
  field,
  fields,
  input,
  rowtime,
  scan,
  step,
  T,
} from "../operators/test-support/plan-builders.ts";
import type { LogicalPlan, PlanNode } from "../plan/logical-plan.ts";
import { sqlHarness } from "./sql-harness.ts";

const MINUTE = 60_000;
const ticks = input("TICKS", [field("SYMBOL", T.varchar(4))]);
const quotes = input("QUOTES", [field("SYMBOL", T.varchar(4))]);

/** `SELECT STREAM STEP(ROWTIME BY INTERVAL '1' MINUTE), COUNT(*) FROM <stream> GROUP BY STEP(...)`. */
function countPerMinute(from: typeof ticks): PlanNode {
  const groupKeys = [step(rowtime, MINUTE)];
  const aggregates = [aggregate("COUNT", [])];
  return {
    kind: "tumbling-aggregate",
    input: scan(from),
    groupKeys,
    window: { key: 0, buckets: { kind: "fixed", size: MINUTE, offset: 0 } },
    aggregates,
    columns: fields(["MINUTE", "N"], [...groupKeys, ...aggregates]),
  };
}

const plan = (query: PlanNode, inputs = [ticks]): LogicalPlan => ({
  inputs,
  streams: [],
  referenceTables: [],
  pumps: [],
  queries: [{ name: "", query }],
});

describe("sqlHarness", () => {
  it("runs a bare VALUES query: its rows at the query's start", async () => {
    const values: PlanNode = { kind: "values", rows: [["a"], [null]], columns: [field("X", T.varchar(1))] };
    const h = await sqlHarness(plan(values, []), { queryStart: 1_000 });
    await h.finish();
    expect(h.rows()).toEqual([
      { ROWTIME: 1_000, X: "a" },
      { ROWTIME: 1_000, X: null },
    ]);
  });

  it("closes a window when a later row or a bound passes its end, not on a row with the same ROWTIME", async () => {
    const h = await sqlHarness(plan(countPerMinute(ticks)));
    await h.push("TICKS", { SYMBOL: "A" }, 30_000);
    await h.push("TICKS", { SYMBOL: "B" }, MINUTE - 1);
    expect(h.rows()).toEqual([]);
    await h.advance(MINUTE);
    expect(h.rows()).toEqual([{ ROWTIME: MINUTE, MINUTE: 0, N: 2 }]);
    await h.push("TICKS", { SYMBOL: "C" }, 2 * MINUTE);
    await h.push("TICKS", { SYMBOL: "D" }, 2 * MINUTE);
    await h.finish();
    expect(h.rows()).toEqual([
      { ROWTIME: MINUTE, MINUTE: 0, N: 2 },
      { ROWTIME: 3 * MINUTE, MINUTE: 2 * MINUTE, N: 2 },
    ]);
  });

  it("holds the watermark at the slowest input the application reads", async () => {
    const perMinute = countPerMinute(ticks);
    const both: PlanNode = {
      kind: "union",
      inputs: [perMinute, countPerMinute(quotes)],
      columns: perMinute.columns,
    };
    const h = await sqlHarness(plan(both, [ticks, quotes]));
    await h.push("TICKS", { SYMBOL: "A" }, 1_000);
    await h.push("TICKS", { SYMBOL: "A" }, 5 * MINUTE);
    expect(h.rows()).toEqual([]);
    await h.push("QUOTES", { SYMBOL: "Q" }, 2 * MINUTE);
    expect(h.rows()).toEqual([{ ROWTIME: MINUTE, MINUTE: 0, N: 1 }]);
  });

  it("says what is wrong with a pushed row", async () => {
    const h = await sqlHarness(plan(countPerMinute(ticks)));
    await expect(h.push("TRADES", { SYMBOL: "A" }, 0)).rejects.toThrow(
      'push: "TRADES" is not an input stream of the application (inputs: TICKS)',
    );
    await expect(h.push("TICKS", { PRICE: 1 }, 0)).rejects.toThrow(
      'push: "TICKS" has no column "PRICE" (columns: SYMBOL)',
    );
    await h.push("TICKS", { SYMBOL: "A" }, 5_000);
    await expect(h.push("TICKS", { SYMBOL: "A" }, 4_000)).rejects.toThrow(
      'push: rows of "TICKS" come in ROWTIME order; 4000 is before 5000',
    );
    expect(() => h.rows("NOPE")).toThrow('rows: the application has no stream "NOPE"');
  });

  it("needs a compiler for SQL text until the planner lands", async () => {
    await expect(sqlHarness("SELECT STREAM * FROM TICKS")).rejects.toThrow(/needs the `compile` option/);
    const compiled = await sqlHarness("ignored", { compile: () => plan(countPerMinute(ticks)) });
    await compiled.push("TICKS", { SYMBOL: "A" }, 0);
    await compiled.finish();
    expect(compiled.rows()).toEqual([{ ROWTIME: MINUTE, MINUTE: 0, N: 1 }]);
  });
});
