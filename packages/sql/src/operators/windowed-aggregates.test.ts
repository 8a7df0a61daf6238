import { describe, expect, it } from "vitest";
import type { GoldenApplicationCase } from "../../test/golden/golden-case.ts";
import { runApplicationCase } from "../../test/golden/golden-runner.ts";
import { goldenCase } from "../../test/golden/index.ts";
import type { CompiledExpression, LogicalPlan, PlanNode } from "../plan/logical-plan.ts";
import {
  aggregate,
  call,
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

describe("tumbling GROUP BY on FLOOR(ROWTIME TO DAY) (the aggregate functions page)", () => {
  const DAY = 86_400_000;
  const weather = input("WEATHERSTREAM", [field("CITY", T.varchar(16)), field("TEMP", T.integer)]);
  const temp = col(1, T.integer);

  /** GROUP BY FLOOR(ROWTIME TO DAY)[, CITY] with the given aggregates, then a select list over its columns. */
  function perDay(
    withCity: boolean,
    aggregates: ReturnType<typeof aggregate>[],
    select: () => { names: string[]; expressions: CompiledExpression[] },
  ): LogicalPlan {
    const groupKeys = withCity ? [step(rowtime, DAY), col(0, T.varchar(16))] : [step(rowtime, DAY)];
    const grouped: PlanNode = {
      kind: "tumbling-aggregate",
      input: scan(weather),
      groupKeys,
      window: { key: 0, buckets: { kind: "fixed", size: DAY, offset: 0 } },
      aggregates,
      columns: fields(["K0", "K1", "A0", "A1", "A2", "A3"].slice(0, groupKeys.length + aggregates.length), [
        ...groupKeys,
        ...aggregates,
      ]),
    };
    const { names, expressions } = select();
    const query: PlanNode = {
      kind: "project",
      input: grouped,
      expressions,
      columns: fields(names, expressions),
    };
    return { inputs: [weather], streams: [], referenceTables: [], pumps: [], queries: [{ name: "", query }] };
  }

  it("emits a day's row when the next day's first row arrives; the last day waits for a bound", async () => {
    const example = golden("sql-reference-aggregate-functions/min-max-per-day");
    const plan = perDay(false, [aggregate("MIN", [temp]), aggregate("MAX", [temp])], () => ({
      names: ["FLOOR_DAY", "MIN_TEMP", "MAX_TEMP"],
      expressions: [col(0, T.timestamp), col(1, T.integer), col(2, T.integer)],
    }));
    const run = await runApplicationCase(example, plan);
    const expected = example.expected[""]!;
    expect(run.rows[""]).toEqual(expected);
    expect(run.beforeFinish[""]).toEqual(expected.slice(0, expected.length - example.heldUntilBound![""]!));
  });

  it("emits one row per city when a day closes, in CITY order (A16); SUM/COUNT of INTEGER truncates", async () => {
    const example = golden("sql-reference-aggregate-functions/min-max-avg-per-city-per-day");
    const aggregates = [
      aggregate("MIN", [temp]),
      aggregate("MAX", [temp]),
      aggregate("SUM", [temp]),
      aggregate("COUNT", [temp]),
    ];
    const plan = perDay(true, aggregates, () => ({
      names: ["FLOOR_DAY", "CITY", "MIN_TEMP", "MAX_TEMP", "AVG_TEMP"],
      expressions: [
        col(0, T.timestamp),
        col(1, T.varchar(16)),
        col(2, T.integer),
        col(3, T.integer),
        call("/", col(4, T.integer), col(5, T.bigint)),
      ],
    }));
    const run = await runApplicationCase(example, plan);
    const expected = example.expected[""]!;
    expect(run.rows[""]).toEqual(expected);
    expect(run.beforeFinish[""]).toEqual(expected.slice(0, expected.length - example.heldUntilBound![""]!));
  });
});
