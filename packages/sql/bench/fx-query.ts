/**
 * The seed FX query both ways on the same ticks, same run (issue 17's benchmark): the SQL text of
 * `apps/fx-pricing/src/fx-query.sql` compiled and lowered (rows in, DESTINATION_SQL_STREAM rows
 * out), against the app's typed pipeline `fxQuery` (ticks in, `FxRow`s out). Both on core's test
 * harness with the ticks' event time and the same watermarks; runs interleaved, CPU-time medians.
 *
 *   npx tsx packages/sql/bench/fx-query.ts            # BENCH_RUNS=9 for steadier medians
 */
import { readFileSync } from "node:fs";
import type { DataStream } from "@eddy/core";
import { createTestHarness, type TestHarness } from "@eddy/core/testing";
import { fxQuery } from "../../../apps/fx-pricing/src/fx-pricing.ts";
import { FX_TICK_DEFAULTS, type FxTick, fxTicks } from "../../../apps/fx-pricing/src/fx-tick.ts";
import { formatRate, median, RUNS, settle, timed } from "../../../bench/support.ts";
import { lowerPlan } from "../src/operators/lower-plan.ts";
import type { SqlRow } from "../src/plan/logical-plan.ts";
import { compileSql } from "../src/planner/compile-sql.ts";

const N = Number(process.env.FX_TICKS ?? 500_000);
const BATCH = 1_000;
const OUT_OF_ORDERNESS = 5_000;

const tickAt = fxTicks(FX_TICK_DEFAULTS);
const ticks: FxTick[] = Array.from({ length: N }, (_, i) => tickAt(i));
const rows: SqlRow[] = ticks.map((t) => [t.symbol, t.timestamp, t.price]);
const stamps = ticks.map((t) => t.timestamp * 1000);
// The bounded-out-of-orderness watermark after each batch, as the app's source would emit it.
const watermarks: number[] = [];
for (let i = 0, newest = Number.NEGATIVE_INFINITY; i < N; i++) {
  newest = Math.max(newest, stamps[i]!);
  if ((i + 1) % BATCH === 0 || i === N - 1) watermarks.push(newest - OUT_OF_ORDERNESS - 1);
}

const sql = readFileSync(new URL("../../../apps/fx-pricing/src/fx-query.sql", import.meta.url), "utf8");
const plan = compileSql(sql, {
  inputs: { SOURCE_SQL_STREAM_001: { symbol: "VARCHAR(8)", timestamp: "BIGINT", price: "DOUBLE" } },
  referenceTables: {},
  queryStart: 0,
});

function sqlHarness(): TestHarness<SqlRow, SqlRow> {
  return createTestHarness((input: DataStream<SqlRow>) => {
    const lowered = lowerPlan(
      plan,
      {
        input: () => input,
        values: () => input.filter(() => false),
        referenceRows: () => [],
      },
      { queryStart: 0 },
    );
    return consumed(lowered.streams.get("DESTINATION_SQL_STREAM")!);
  });
}

/**
 * Rows the query gave in the run, consumed as a sink would: counted and dropped. The harness
 * keeps every output row, which a running job never does; keeping 500,000 rows would bill the
 * collector's copying of them to whichever side boxes more numbers.
 */
let counted = 0;
function consumed<T>(rows: DataStream<T>): DataStream<T> {
  return rows.filter(() => {
    counted++;
    return false;
  });
}

async function feed<T>(h: TestHarness<T, unknown>, values: readonly T[]): Promise<number> {
  counted = 0;
  for (let i = 0, b = 0; i < N; i += BATCH, b++) {
    await h.processElements(
      values.slice(i, i + BATCH).map((value, j) => ({ value, timestamp: stamps[i + j]! })),
    );
    await h.processWatermark(watermarks[b]!);
  }
  await h.endInput();
  return counted;
}

const ways = {
  dsl: () =>
    feed(
      createTestHarness((s: DataStream<FxTick>) => consumed(fxQuery(s).rows)),
      ticks,
    ),
  sql: () => feed(sqlHarness(), rows),
};

const [dslRows, sqlRows] = [await ways.dsl(), await ways.sql()];
if (dslRows !== sqlRows) throw new Error(`the two ways gave ${dslRows} and ${sqlRows} rows`);
console.log(`FX query, ${N.toLocaleString("en-US")} ticks, 8 symbols, ${RUNS} runs (CPU-time medians)`);
const times: [number[], number[]] = [[], []];
for (let run = 0; run < RUNS; run++) {
  await settle();
  times[0].push((await timed(ways.dsl)).cpuMs);
  await settle();
  times[1].push((await timed(ways.sql)).cpuMs);
}
const [dsl, sqlMs] = [median(times[0]), median(times[1])];
// On a shared machine both ways slow down together: the ratio of each interleaved pair is the
// steadier figure.
const pairRatio = median(times[0].map((d, i) => d / times[1][i]!));
console.log(
  `typed fxQuery ${formatRate((N / dsl) * 1000)}  SQL ${formatRate((N / sqlMs) * 1000)}  SQL/typed ${(dsl / sqlMs).toFixed(2)}× (median of pairs ${pairRatio.toFixed(2)}×)`,
);
