import { type DeadLetter, type RecordSource, sinkAll, withUndecodable } from "@eddy/app-kit";
import {
  boundedOutOfOrderness,
  type DataStream,
  first,
  hours,
  type Job,
  minutes,
  OutputTag,
  type PipelineOptions,
  pipeline,
  type Sink,
  seconds,
  stats,
  tumbling,
} from "@eddy/core";
import { fxQuerySql } from "./fx-query-sql.ts";
import type { FxRow } from "./fx-row.ts";
import { bySymbol, type FxTick } from "./fx-tick.ts";
import { ohlc } from "./ohlc.ts";
import { type PriceMoveAlert, priceMoveAlerts } from "./price-move-alerts.ts";

export type { FxRow } from "./fx-row.ts";

/** A one-minute candlestick of one symbol; `start` and `end` in epoch ms, `end` exclusive. */
export interface FxBar {
  readonly symbol: string;
  readonly start: number;
  readonly end: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly ticks: number;
}

/** Options of {@link fxPricing}; defaults in {@link FX_PRICING_DEFAULTS}. */
export interface FxPricingOptions {
  /** How late a tick may arrive, in event time, and still count (the watermark's bound). */
  readonly outOfOrderness: number;
  /** Alert when a price moves this much (0.005 = 0.5%)… */
  readonly alertThreshold: number;
  /** …within this much event time. */
  readonly alertWithin: number;
  /**
   * How `rows` are computed: `typed`, by {@link fxQuery}, or `sql`, by the KDA SQL text itself
   * through `@eddy/sql` ({@link fxQuerySql}); the same rows either way.
   */
  readonly query: "typed" | "sql";
}

export const FX_PRICING_DEFAULTS: FxPricingOptions = {
  outOfOrderness: seconds(5),
  alertThreshold: 0.005,
  alertWithin: seconds(60),
  query: "typed",
};

/** The streams of the FX pricing job, by name: what sinks (and dashboards) attach to. */
export interface FxStreams {
  readonly ticks: DataStream<FxTick>;
  /** Per tick: hour min/max/avg, previous price and change (the KDA query). */
  readonly rows: DataStream<FxRow>;
  /** Per symbol and minute: open, high, low, close. */
  readonly bars: DataStream<FxBar>;
  /** Prices that moved more than the threshold within the window. */
  readonly alerts: DataStream<PriceMoveAlert>;
  /** Ticks too late to count (older than the watermark when they arrived), with the typed query. */
  readonly lateTicks?: DataStream<FxTick>;
  /**
   * What the query could not use, as dead letters: late ticks with the typed query, the SQL
   * application's `error_stream` rows (late rows among them) with `query: "sql"`.
   */
  readonly queryDeadLetters: DataStream<DeadLetter>;
}

/**
 * Prices carry four decimals: aggregate them as whole ten-thousandths, so sums are exact and the
 * hour's average does not depend on the order ticks were added in (a restore rebuilds the over
 * aggregate's internal order differently; exact sums give the same average either way).
 */
const PRICE_UNITS = 10_000;
const toUnits = (price: number) => Math.round(price * PRICE_UNITS);
const fromUnits = (units: number) => units / PRICE_UNITS;

/**
 * The Kinesis Data Analytics query of {@link FxRow} on ticks that carry event time and
 * watermarks: per tick, the min, max and average price of its symbol over the preceding hour
 * (`OVER (PARTITION BY symbol RANGE INTERVAL '1' HOUR PRECEDING)`, the bound inclusive), and the
 * previous tick's price and the change (`ROWS 1 PRECEDING`), in event-time order (ties in
 * arrival order). A row comes out once the watermark passes its tick; ticks already behind the
 * watermark when they arrive go to `lateTicks`. `apps/fx-pricing/src/fx-query.sql` is the same
 * query in SQL.
 *
 * @example
 * const { rows } = fxQuery(ticks.withWatermarks(boundedOutOfOrderness(seconds(5)), (t) => t.timestamp * 1000));
 * rows.sink(consoleSink());
 */
export function fxQuery(ticks: DataStream<FxTick>): {
  readonly rows: DataStream<FxRow>;
  readonly lateTicks: DataStream<FxTick>;
} {
  const late = new OutputTag<FxTick>("late-ticks");
  // W1: MIN/MAX/AVG("price") OVER (PARTITION BY "symbol" RANGE INTERVAL '1' HOUR PRECEDING)
  const hour = ticks
    .keyBy(bySymbol)
    .over({ range: hours(1) })
    .sideOutputLateData(late)
    .aggregate(
      stats((t: FxTick) => toUnits(t.price)),
      { name: "hour-stats" },
    );

  // R1: FIRST_VALUE("price") OVER (PARTITION BY "symbol" ROWS 1 PRECEDING), the previous price
  // The hour's results are partitioned by symbol already: keyed again without a shuffle.
  const rows = hour
    .reinterpretAsKeyed((r) => r.key)
    .over({ rows: 1 })
    .aggregate(
      first((r) => r.record.price),
      { name: "previous-price" },
    )
    .map(
      ({ record: { record: tick, value: hour }, value: previous }): FxRow => ({
        symbol: tick.symbol,
        timestamp: tick.timestamp,
        price: tick.price,
        minPrice: fromUnits(hour.min),
        maxPrice: fromUnits(hour.max),
        avgPrice: fromUnits(hour.avg),
        previousPrice: previous,
        change: tick.price - previous,
      }),
      { name: "rows" },
    );
  return { rows, lateTicks: hour.getSideOutput(late) };
}

/**
 * The FX pricing dataflow on a stream of ticks: event time from each tick's `timestamp`, then
 *
 * - `rows`: per tick, the min, max and average price of the symbol over the preceding hour and
 *   the previous tick's price and the change: Kinesis Data Analytics' `OVER (PARTITION BY symbol
 *   RANGE INTERVAL '1' HOUR PRECEDING)` and `ROWS 1 PRECEDING`, in event-time order (KDA orders
 *   by arrival). A row comes out once the watermark passes its tick;
 * - `bars`: one-minute OHLC bars per symbol, when the watermark passes the minute's end;
 * - `alerts`: moves of `alertThreshold` or more within `alertWithin` ({@link priceMoveAlerts}).
 *
 * Ticks more than `outOfOrderness` behind the newest one are late: they go to `lateTicks`.
 *
 * @example
 * const { rows } = fxPricing(job.source(ticks));
 * rows.sink(consoleSink());
 */
export function fxPricing(input: DataStream<FxTick>, overrides: Partial<FxPricingOptions> = {}): FxStreams {
  const options = { ...FX_PRICING_DEFAULTS, ...overrides };
  const ticks = input.withWatermarks(
    boundedOutOfOrderness(options.outOfOrderness),
    (t) => t.timestamp * 1000,
  );

  const query = options.query === "sql" ? sqlQuery(ticks) : typedQuery(ticks);

  const bars = ticks
    .keyBy(bySymbol)
    .window(tumbling(minutes(1)))
    .aggregate(
      ohlc(
        (t: FxTick) => t.price,
        (t) => t.timestamp,
      ),
      { name: "one-minute-bars" },
    )
    .map((b): FxBar => ({ symbol: b.key, start: b.window.start, end: b.window.end, ...b.value }), {
      name: "bars",
    });

  const alerts = ticks
    .keyBy(bySymbol)
    .process(priceMoveAlerts({ threshold: options.alertThreshold, within: options.alertWithin }), {
      name: "price-move-alerts",
    });

  return { ticks, bars, alerts, ...query };
}

/** {@link fxQuerySql}, its error rows as what the query could not use. */
function sqlQuery(ticks: DataStream<FxTick>) {
  const { rows, deadLetters } = fxQuerySql(ticks);
  return { rows, queryDeadLetters: deadLetters };
}

/** {@link fxQuery}, its late ticks also as dead letters. */
function typedQuery(ticks: DataStream<FxTick>) {
  const { rows, lateTicks } = fxQuery(ticks);
  const queryDeadLetters = lateTicks.map(
    (tick, timestamp): DeadLetter => ({
      reason: "late: the watermark had passed this tick's event time when it arrived",
      record: JSON.stringify(tick),
      origin: "operator hour-stats",
      timestamp,
    }),
    { name: "late-ticks" },
  );
  return { rows, lateTicks, queryDeadLetters };
}

/** What {@link fxPricingJob} is built from: a source, sinks per stream, and how to checkpoint. */
export interface FxPricingWiring {
  readonly name: string;
  readonly pipeline: PipelineOptions;
  readonly input: RecordSource<FxTick>;
  readonly options?: Partial<FxPricingOptions>;
  readonly sinks: {
    readonly rows?: readonly Sink<FxRow>[];
    readonly bars?: readonly Sink<FxBar>[];
    readonly alerts?: readonly Sink<PriceMoveAlert>[];
    /** Ticks the source could not decode, and what the query could not use (late ticks…). */
    readonly deadLetters?: readonly Sink<DeadLetter>[];
  };
}

/**
 * The FX pricing job: `fxPricing` on the wiring's source, each stream sent to its sinks. Returns
 * the job, to run, and its streams, for more sinks or a dashboard.
 */
export function fxPricingJob(wiring: FxPricingWiring): { job: Job; streams: FxStreams } {
  const job = pipeline(wiring.name, wiring.pipeline);
  const input = job.source(wiring.input.source, { name: "fx-ticks" });
  const streams = fxPricing(input, wiring.options);
  sinkAll(streams.rows, wiring.sinks.rows ?? []);
  sinkAll(streams.bars, wiring.sinks.bars ?? []);
  sinkAll(streams.alerts, wiring.sinks.alerts ?? []);

  sinkAll(withUndecodable(streams.queryDeadLetters, input, wiring.input), wiring.sinks.deadLetters ?? []);
  return { job, streams };
}
