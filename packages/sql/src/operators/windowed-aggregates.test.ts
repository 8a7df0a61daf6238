import { describe, expect, it } from "vitest";
import type { GoldenApplicationCase } from "../../test/golden/golden-case.ts";
import { runApplicationCase } from "../../test/golden/golden-runner.ts";
import { goldenCase } from "../../test/golden/index.ts";
import type { LogicalPlan, PlanNode } from "../plan/logical-plan.ts";
import {
  aggregate,
  col,
  field,
  fields,
  input,
  rowtime,
  scan,
  step,
  T,
} from "./test-support/plan-builders.ts";

const MINUTE = 60_000;
const source = input("SOURCE_SQL_STREAM_001", [
  field("EVENT_TIME", T.timestamp),
  field("TICKER_SYMBOL", T.varchar(4)),
]);
const destination = {
  name: "DESTINATION_SQL_STREAM",
  columns: [
    field("TICKER_SYMBOL", T.varchar(4)),
    field("EVENT_TIME", T.timestamp),
    field("TICKER_COUNT", T.double),
  ],
};

/** One pump from SOURCE_SQL_STREAM_001 to DESTINATION_SQL_STREAM. */
function application(query: PlanNode): LogicalPlan {
  return {
    inputs: [source],
    streams: [destination],
    referenceTables: [],
    pumps: [{ name: "STREAM_PUMP", target: destination.name, targetColumns: [0, 1, 2], query }],
    queries: [],
  };
}

/** SELECT STREAM TICKER_SYMBOL, FLOOR(EVENT_TIME TO MINUTE), COUNT(TICKER_SYMBOL) over the keys' columns. */
function selectTickerMinuteCount(
  aggregated: PlanNode,
  ticker: number,
  minute: number,
  count: number,
): PlanNode {
  const expressions = [col(ticker, T.varchar(4)), col(minute, T.timestamp), col(count, T.bigint)];
  return {
    kind: "project",
    input: aggregated,
    expressions,
    columns: fields(["TICKER_SYMBOL", "EVENT_TIME", "TICKER_COUNT"], expressions),
  };
}

const golden = (id: string) => goldenCase(id) as GoldenApplicationCase;

describe("tumbling GROUP BY", () => {
  it("splits an event-time minute over two ROWTIME windows, each row stamped with its window's end (stagger-window-concepts, A1)", async () => {
    const tumbling = golden("stagger-window-concepts/tumbling-partial-results");
    // GROUP BY ticker_symbol, FLOOR(EVENT_TIME TO MINUTE), STEP(ROWTIME BY INTERVAL '1' MINUTE)
    const groupKeys = [col(1, T.varchar(4)), step(col(0, T.timestamp), MINUTE), step(rowtime, MINUTE)];
    const aggregates = [aggregate("COUNT", [col(1, T.varchar(4))])];
    const grouped: PlanNode = {
      kind: "tumbling-aggregate",
      input: scan(source),
      groupKeys,
      window: { key: 2, buckets: { kind: "fixed", size: MINUTE, offset: 0 } },
      aggregates,
      columns: fields(["K0", "K1", "K2", "C"], [...groupKeys, ...aggregates]),
    };
    const run = await runApplicationCase(tumbling, application(selectTickerMinuteCount(grouped, 0, 1, 3)));
    const expected = tumbling.expected.DESTINATION_SQL_STREAM!;
    expect(run.rows.DESTINATION_SQL_STREAM).toEqual(expected);
    // The 11:01 window has no later row: its two rows wait for the end of input.
    expect(run.beforeFinish.DESTINATION_SQL_STREAM).toEqual(expected.slice(0, 1));
  });
});

describe("stagger windows", () => {
  it("open per key at the key's first row and emit one minute later (stagger-window-concepts, A3)", async () => {
    const stagger = golden("stagger-window-concepts/stagger-complete-results");
    // WINDOWED BY STAGGER (PARTITION BY FLOOR(EVENT_TIME TO MINUTE), TICKER_SYMBOL RANGE INTERVAL '1' MINUTE)
    const partitionBy = [step(col(0, T.timestamp), MINUTE), col(1, T.varchar(4))];
    const aggregates = [aggregate("COUNT", [col(1, T.varchar(4))])];
    const windowed: PlanNode = {
      kind: "stagger-aggregate",
      input: scan(source),
      partitionBy,
      length: MINUTE,
      aggregates,
      columns: fields(["K0", "K1", "C"], [...partitionBy, ...aggregates]),
    };
    const run = await runApplicationCase(stagger, application(selectTickerMinuteCount(windowed, 1, 0, 2)));
    const expected = stagger.expected.DESTINATION_SQL_STREAM!;
    expect(run.rows.DESTINATION_SQL_STREAM).toEqual(expected);
    // Both windows end after the last row (11:01:15): they close at the end of input.
    expect(run.beforeFinish.DESTINATION_SQL_STREAM).toEqual([]);
  });
});
