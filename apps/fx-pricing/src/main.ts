/**
 * FX pricing on the embedded default: a generated FX tick stream, per-tick rolling statistics over
 * the preceding hour (the Kinesis Data Analytics query below), and one-minute OHLC bars.
 *
 *   npm run demo
 *
 * KDA SQL this job replaces:
 *   SELECT STREAM "symbol", "price",
 *     MIN("price") OVER W1, MAX("price") OVER W1, AVG("price") OVER W1,
 *     FIRST_VALUE("price") OVER R1 AS previous_price, "price" - FIRST_VALUE("price") OVER R1 AS change
 *   FROM "SOURCE_SQL_STREAM_001"
 *   WINDOW W1 AS (PARTITION BY "symbol" RANGE INTERVAL '1' HOUR PRECEDING),
 *          R1 AS (PARTITION BY "symbol" ROWS 1 PRECEDING);
 */
import {
  boundedOutOfOrderness,
  collectSink,
  consoleSink,
  type DataStream,
  first,
  generatorSource,
  hours,
  minutes,
  pipeline,
  seconds,
  stats,
  type TimeWindow,
  tumbling,
  type WindowResult,
} from "@eddy/core";
import { type FxTick, fxTickAt } from "./fx-tick.ts";
import { type Bar, ohlc } from "./ohlc.ts";

const SIMULATED_HOURS = Number(process.env.FX_HOURS ?? 3);
const TICK_EVERY_MS = 250;
const START = Date.UTC(2026, 10, 21, 9, 0, 0);

const job = pipeline("fx-pricing");
const ticks = job
  .source(
    generatorSource({
      count: (SIMULATED_HOURS * 3_600_000) / TICK_EVERY_MS,
      generate: (i) => fxTickAt(i, { start: START, everyMs: TICK_EVERY_MS, disorderMs: 2_000 }),
    }),
    { name: "fx-ticks" },
  )
  .withWatermarks(boundedOutOfOrderness(seconds(5)), (t) => t.timestamp * 1000);

// MIN/MAX/AVG over the preceding hour, then the previous price (ROWS 1 PRECEDING) and the change.
const rows = ticks
  .keyBy((t) => t.symbol)
  .over({ range: hours(1) })
  .aggregate(
    stats((t: FxTick) => t.price),
    { name: "hour-stats" },
  )
  .keyBy((r) => r.key)
  .over({ rows: 1 })
  .aggregate(
    first((r) => r.record.price),
    { name: "previous-price" },
  )
  .map(({ record: { record: tick, value: hour }, value: previous }) => ({
    symbol: tick.symbol,
    time: new Date(tick.timestamp * 1000).toISOString().slice(11, 19),
    price: tick.price,
    hourMin: hour.min,
    hourMax: hour.max,
    hourAvg: round(hour.avg),
    previous,
    change: round(tick.price - previous),
  }));

type Row = typeof rows extends DataStream<infer R> ? R : never;
const latest = collectSink<Row>();
rows.sink(latest.sink, { name: "rows" });

const bars = ticks
  .keyBy((t) => t.symbol)
  .window(tumbling(minutes(1)))
  .aggregate(
    ohlc((t: FxTick) => t.price),
    { name: "one-minute-bars" },
  );
bars
  .filter((b) => b.key === "EURUSD" && b.window.start % minutes(15) === 0)
  .sink(consoleSink({ format: formatBar }), { name: "console" });

const started = performance.now();
await job.run();
const elapsed = (performance.now() - started) / 1000;

const last = new Map(latest.values().map((r) => [r.symbol, r]));
console.log(`\nLast row per symbol (rolling one-hour statistics, previous price and change):`);
console.table([...last.values()]);
console.log(`${latest.values().length} rows from ${SIMULATED_HOURS} h of ticks in ${elapsed.toFixed(2)} s`);

function formatBar(b: WindowResult<string, TimeWindow, Bar>): string {
  const at = new Date(b.window.start).toISOString().slice(11, 16);
  const v = b.value;
  return `${b.key} ${at}  open ${v.open}  high ${v.high}  low ${v.low}  close ${v.close}  ticks ${v.ticks}`;
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
