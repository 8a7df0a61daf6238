/**
 * What running a logical plan costs against the typed DSL doing the same on the same ticks, each
 * on core's test harness, runs interleaved, CPU-time medians:
 * - `AVG(price) OVER (PARTITION BY symbol RANGE INTERVAL '1' MINUTE PRECEDING)` against
 *   `keyBy(symbol).over({ range: minutes(1) }).aggregate(avg(price))`;
 * - `SUM(price) ... GROUP BY symbol, STEP(ROWTIME BY INTERVAL '1' MINUTE)` against
 *   `keyBy(symbol).window(tumbling(minutes(1))).aggregate(sum(price))`.
 *
 *   npx tsx packages/sql/bench/plan-throughput.ts
 */
import { avg, type DataStream, minutes, sum, tumbling } from "@eddy/core";
import { createTestHarness, type TestHarness } from "@eddy/core/testing";
import { formatRate, median, RUNS, settle, timed } from "../../../bench/support.ts";
import { lowerPlan } from "../src/operators/lower-plan.ts";
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
} from "../src/operators/test-support/plan-builders.ts";
import type { LogicalPlan, PlanNode, SqlRow } from "../src/plan/logical-plan.ts";

const N = 1_000_000;
const BATCH = 1_000;
const SYMBOLS = 50;

interface Tick {
  readonly symbol: string;
  readonly price: number;
}
const ticks: Tick[] = Array.from({ length: N }, (_, i) => ({
  symbol: `S${i % SYMBOLS}`,
  price: 100 + (i % 97) * 0.25,
}));
const rows: SqlRow[] = ticks.map((t) => [t.symbol, t.price]);
const stamps = ticks.map((_, i) => i * 10); // 100 ticks a second

const source = input("TICKS", [field("SYMBOL", T.varchar(8)), field("PRICE", T.double)]);
const symbol = col(0, T.varchar(8));
const price = col(1, T.double);

function sqlPlan(query: PlanNode): LogicalPlan {
  return { inputs: [source], streams: [], referenceTables: [], pumps: [], queries: [{ name: "", query }] };
}

const over = (() => {
  const calls = [aggregate("AVG", [price])];
  const node: PlanNode = {
    kind: "over",
    input: scan(source),
    windows: [{ partitionBy: [symbol], frame: { range: minutes(1) } }],
    calls: calls.map((call) => ({ window: 0, call })),
    columns: [...source.columns, ...fields(["A"], calls)],
  };
  return sqlPlan(node);
})();

const grouped = (() => {
  const groupKeys = [symbol, step(rowtime, minutes(1))];
  const aggregates = [aggregate("SUM", [price])];
  const node: PlanNode = {
    kind: "tumbling-aggregate",
    input: scan(source),
    groupKeys,
    window: { key: 1, buckets: { kind: "fixed", size: minutes(1), offset: 0 } },
    aggregates,
    columns: fields(["SYMBOL", "MINUTE", "S"], [...groupKeys, ...aggregates]),
  };
  return sqlPlan(node);
})();

function planHarness(plan: LogicalPlan): TestHarness<SqlRow, SqlRow> {
  return createTestHarness((stream: DataStream<SqlRow>) => {
    const lowered = lowerPlan(
      plan,
      {
        input: () => stream,
        values: () => stream.filter(() => false),
        referenceRows: () => [],
      },
      { queryStart: 0 },
    );
    return lowered.queries.get("")!;
  });
}

async function feed<T>(h: TestHarness<T, unknown>, values: readonly T[]): Promise<number> {
  for (let i = 0; i < N; i += BATCH) {
    await h.processElements(
      values.slice(i, i + BATCH).map((value, j) => ({ value, timestamp: stamps[i + j]! })),
    );
    await h.processWatermark(stamps[Math.min(i + BATCH, N) - 1]! - 1);
  }
  await h.endInput();
  return h.output().length;
}

const cases = [
  {
    name: "OVER RANGE 1 minute, AVG",
    sql: () => feed(planHarness(over), rows),
    dsl: () =>
      feed(
        createTestHarness((s: DataStream<Tick>) =>
          s
            .keyBy((t) => t.symbol)
            .over({ range: minutes(1) })
            .aggregate(avg((t) => t.price)),
        ),
        ticks,
      ),
  },
  {
    name: "GROUP BY 1-minute STEP, SUM",
    sql: () => feed(planHarness(grouped), rows),
    dsl: () =>
      feed(
        createTestHarness((s: DataStream<Tick>) =>
          s
            .keyBy((t) => t.symbol)
            .window(tumbling(minutes(1)))
            .aggregate(sum((t) => t.price)),
        ),
        ticks,
      ),
  },
];

console.log(`${N.toLocaleString("en-US")} ticks, ${SYMBOLS} symbols, ${RUNS} runs (CPU-time medians)`);
for (const c of cases) {
  const times: [number[], number[]] = [[], []];
  for (let run = 0; run < RUNS; run++) {
    await settle();
    times[0].push((await timed(c.dsl)).cpuMs);
    await settle();
    times[1].push((await timed(c.sql)).cpuMs);
  }
  const [dsl, sql] = [median(times[0]), median(times[1])];
  console.log(
    `${c.name.padEnd(28)} DSL ${formatRate((N / dsl) * 1000)}  SQL plan ${formatRate((N / sql) * 1000)}  SQL/DSL ${(dsl / sql).toFixed(2)}×`,
  );
}
