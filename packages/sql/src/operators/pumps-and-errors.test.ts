import { describe, expect, it } from "vitest";
import { ERROR_STREAM, ERROR_STREAM_COLUMNS } from "../plan/error-stream.ts";
import type { CompiledExpression, LogicalPlan, PlanNode, StreamDef } from "../plan/logical-plan.ts";
import { sqlHarness } from "../testing/sql-harness.ts";
import {
  aggregate,
  call,
  col,
  field,
  fields,
  input,
  lit,
  rowtime,
  scan,
  step,
  T,
} from "./test-support/plan-builders.ts";

const MINUTE = 60_000;
const trades = input("TRADES", [
  field("TICKER", T.varchar(4)),
  field("SHARES", T.integer),
  field("LOTS", T.integer),
]);
const ticker = col(0, T.varchar(4));
const shares = col(1, T.integer);
const lots = col(2, T.integer);

function pumpInto(
  target: StreamDef,
  name: string,
  query: PlanNode,
  targetColumns = target.columns.map((_, i) => i),
) {
  return { name, target: target.name, targetColumns, query };
}

/** SELECT STREAM TICKER, SHARES / LOTS AS PER_LOT FROM TRADES. */
function perLot(): PlanNode {
  const expressions = [ticker, call("/", shares, lots)];
  return {
    kind: "project",
    input: scan(trades),
    expressions,
    columns: fields(["TICKER", "PER_LOT"], expressions),
  };
}

const decode = (hex: string) => JSON.parse(Buffer.from(hex, "hex").toString("utf8"));

describe("error_stream", () => {
  it("takes a row whose expression fails, with KDA's columns, and the pump goes on with the next rows", async () => {
    const out: StreamDef = {
      name: "OUT",
      columns: [field("TICKER", T.varchar(4)), field("PER_LOT", T.integer)],
    };
    const plan: LogicalPlan = {
      inputs: [trades],
      streams: [out],
      referenceTables: [],
      pumps: [pumpInto(out, "LOT_PUMP", perLot())],
      queries: [],
    };
    const h = await sqlHarness(plan, { queryStart: 5_000 });
    await h.push("TRADES", { TICKER: "AMZN", SHARES: 10, LOTS: 2 }, 1_000);
    await h.push("TRADES", { TICKER: "ABCD", SHARES: 10, LOTS: 0 }, 2_000);
    await h.push("TRADES", { TICKER: "AMZN", SHARES: 9, LOTS: 2 }, 3_000);
    await h.finish();
    expect(h.rows("OUT")).toEqual([
      { ROWTIME: 1_000, TICKER: "AMZN", PER_LOT: 5 },
      { ROWTIME: 3_000, TICKER: "AMZN", PER_LOT: 4 },
    ]);
    const errors = h.rows(ERROR_STREAM);
    expect(errors).toHaveLength(1);
    expect(Object.keys(errors[0]!)).toEqual(["ROWTIME", ...ERROR_STREAM_COLUMNS.map((c) => c.name)]);
    expect(errors[0]).toMatchObject({
      ROWTIME: 2_000,
      ERROR_TIME: 5_000,
      ERROR_LEVEL: "ERROR",
      ERROR_NAME: "EVALUATION_ERROR",
      MESSAGE: "Division by zero",
      DATA_ROWTIME: 2_000,
      PUMP_NAME: "LOT_PUMP",
    });
    expect(decode(errors[0]!.DATA_ROW as string)).toEqual({ TICKER: "ABCD", SHARES: 10, LOTS: 0 });
  });

  it("takes a row that puts NULL into a NOT NULL column", async () => {
    const out: StreamDef = {
      name: "OUT",
      columns: [field("TICKER", { name: "VARCHAR", length: 4, nullable: false }), field("SHARES", T.integer)],
    };
    const query: PlanNode = {
      kind: "project",
      input: scan(trades),
      expressions: [ticker, shares],
      columns: trades.columns.slice(0, 2),
    };
    const plan: LogicalPlan = {
      inputs: [trades],
      streams: [out],
      referenceTables: [],
      pumps: [pumpInto(out, "P", query)],
      queries: [],
    };
    const h = await sqlHarness(plan);
    await h.push("TRADES", { TICKER: null, SHARES: 1 }, 1_000);
    await h.push("TRADES", { TICKER: "AMZN", SHARES: 2 }, 1_000);
    await h.finish();
    expect(h.rows("OUT")).toEqual([{ ROWTIME: 1_000, TICKER: "AMZN", SHARES: 2 }]);
    expect(h.rows(ERROR_STREAM).map((r) => [r.ERROR_NAME, r.MESSAGE])).toEqual([
      ["NOT_NULL_VIOLATION", "NULL inserted into column TICKER of stream OUT, which is NOT NULL"],
    ]);
  });

  it("takes rows that arrive after their window closed (event-time ROWTIME, A2)", async () => {
    const events = input("EVENTS", [field("AT", T.timestamp), field("TICKER", T.varchar(4))], {
      kind: "column",
      column: 0,
      outOfOrderness: 0,
    });
    const groupKeys = [step(rowtime, MINUTE)];
    const aggregates = [aggregate("COUNT", [])];
    const query: PlanNode = {
      kind: "tumbling-aggregate",
      input: scan(events),
      groupKeys,
      window: { key: 0, buckets: { kind: "fixed", size: MINUTE, offset: 0 } },
      aggregates,
      columns: fields(["MINUTE", "N"], [...groupKeys, ...aggregates]),
    };
    const plan: LogicalPlan = {
      inputs: [events],
      streams: [],
      referenceTables: [],
      pumps: [],
      queries: [{ name: "", query }],
    };
    const h = await sqlHarness(plan);
    await h.push("EVENTS", { AT: 10_000, TICKER: "A" }, 0);
    await h.push("EVENTS", { AT: 61_000, TICKER: "B" }, 0); // closes [0, 60 s)
    await h.push("EVENTS", { AT: 20_000, TICKER: "C" }, 0); // too late for it
    await h.finish();
    expect(h.rows()).toEqual([
      { ROWTIME: MINUTE, MINUTE: 0, N: 1 },
      { ROWTIME: 2 * MINUTE, MINUTE: MINUTE, N: 1 },
    ]);
    const late = h.rows(ERROR_STREAM);
    expect(late.map((r) => [r.ERROR_NAME, r.DATA_ROWTIME])).toEqual([["LATE_ROW", 20_000]]);
    expect(decode(late[0]!.DATA_ROW as string)).toEqual({ AT: 20_000, TICKER: "C" });
  });
});

describe("pumps", () => {
  it("several pumps into one stream merge their rows; a stream feeds the pumps that read it", async () => {
    const big: StreamDef = {
      name: "BIG",
      columns: [field("TICKER", T.varchar(4)), field("SHARES", T.integer)],
    };
    const tagged: StreamDef = {
      name: "TAGGED",
      columns: [field("TICKER", T.varchar(4)), field("KIND", T.varchar(5))],
    };
    const where = (predicate: CompiledExpression): PlanNode => ({
      kind: "filter",
      input: scan(trades),
      predicate,
      columns: trades.columns,
    });
    const select = (from: PlanNode, kind: string): PlanNode => {
      const expressions = [ticker, lit(kind, T.varchar(5))];
      return { kind: "project", input: from, expressions, columns: fields(["TICKER", "KIND"], expressions) };
    };
    const large = where(call(">", shares, lit(100, T.integer)));
    const small = where(call("<=", shares, lit(100, T.integer)));
    const plan: LogicalPlan = {
      inputs: [trades],
      streams: [big, tagged],
      referenceTables: [],
      pumps: [
        pumpInto(big, "BIG_PUMP", {
          kind: "project",
          input: large,
          expressions: [ticker, shares],
          columns: big.columns,
        }),
        pumpInto(tagged, "FROM_BIG", select(scan(big), "big")),
        pumpInto(tagged, "SMALL", select(small, "small")),
      ],
      queries: [],
    };
    const h = await sqlHarness(plan);
    await h.push("TRADES", { TICKER: "A", SHARES: 500, LOTS: 1 }, 1_000);
    await h.push("TRADES", { TICKER: "B", SHARES: 5, LOTS: 1 }, 2_000);
    await h.push("TRADES", { TICKER: "C", SHARES: null, LOTS: 1 }, 3_000);
    await h.finish();
    expect(h.rows("BIG")).toEqual([{ ROWTIME: 1_000, TICKER: "A", SHARES: 500 }]);
    // A NULL comparison is UNKNOWN: C passes neither filter.
    expect(h.rows("TAGGED")).toEqual([
      { ROWTIME: 1_000, TICKER: "A", KIND: "big" },
      { ROWTIME: 2_000, TICKER: "B", KIND: "small" },
    ]);
  });
});
