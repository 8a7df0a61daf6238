/**
 * A live dashboard for a running job: FX-like ticks for six symbols, a rolling one-minute band per
 * symbol, ten-second statistics with alerts when a symbol moves too much, and a leaderboard.
 * Open the printed address; the job graph, rates, watermarks, checkpoints and the custom views
 * update every second. Ctrl-C takes a savepoint and stops.
 *
 *   npx tsx packages/observability/examples/dashboard-demo.ts            (port 8081)
 *   PORT=9000 npx tsx packages/observability/examples/dashboard-demo.ts --for 30
 */
import {
  boundedOutOfOrderness,
  type FailedRecord,
  generatorSource,
  type Job,
  MemoryCheckpointStore,
  minutes,
  OutputTag,
  pipeline,
  seconds,
  stats,
  tumbling,
} from "@eddy/core";
import {
  type Dashboard,
  dashboard,
  lineChart,
  type ProgressReporter,
  pinoLogger,
  progressReporter,
  table,
} from "../src/index.ts";

interface Tick {
  readonly symbol: string;
  readonly price: number;
  readonly at: number;
}

const SYMBOLS = [
  ["EURUSD", 1.085],
  ["GBPUSD", 1.267],
  ["USDJPY", 151.2],
  ["AUDUSD", 0.654],
  ["USDCHF", 0.883],
  ["USDCAD", 1.361],
] as const;

/** Options of {@link startDemo}. */
export interface DemoOptions {
  readonly port?: number;
  /** Ticks per second (default 3000). */
  readonly ratePerSecond?: number;
  /** Dashboard refresh (ms, default 1000). */
  readonly refreshEvery?: number;
  /** Print progress lines (default true). */
  readonly progress?: boolean;
}

/** A deterministic pseudo-random number in [0, 1) for `i`: ticks are a pure function of their index. */
function noise(i: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return x - Math.floor(x);
}

/** Builds the job and its dashboard; the job is running when this returns. */
export async function startDemo(options: DemoOptions = {}): Promise<{
  job: Job;
  dashboard: Dashboard;
  progress: ProgressReporter | undefined;
  running: Promise<unknown>;
}> {
  const rate = options.ratePerSecond ?? 3_000;
  const start = Date.now();
  const job = pipeline("fx-dashboard-demo", {
    checkpoints: { every: seconds(2), store: new MemoryCheckpointStore() },
    logger: pinoLogger({ level: "warn" }),
  });

  const invalid = new OutputTag<FailedRecord<Tick>>("invalid-ticks");
  const ticks = job
    .source(
      generatorSource<Tick>({
        name: "fx-ticks",
        ratePerSecond: rate,
        generate: (i) => {
          const [symbol, base] = SYMBOLS[i % SYMBOLS.length]!;
          const drift =
            Math.sin(i / (rate * 20) + (i % SYMBOLS.length)) * 0.004 + Math.sin(i / (rate * 3)) * 0.0015;
          // One tick in ten thousand is broken: it goes to the error output, the job goes on.
          const price = i % 10_000 === 9_999 ? Number.NaN : base * (1 + drift + (noise(i) - 0.5) * 0.0008);
          // Event time follows the wall clock, with up to 300 ms of disorder.
          return { symbol, price, at: start + (i * 1000) / rate - noise(i + 7) * 300 };
        },
      }),
      { name: "fx-ticks" },
    )
    .map(
      (t) => {
        if (!Number.isFinite(t.price)) throw new Error(`tick of ${t.symbol} has no price`);
        return t;
      },
      { name: "validate", errors: invalid },
    );
  ticks.getSideOutput(invalid).sink({ name: "dead-letters", write() {} });

  const timed = ticks.withWatermarks(boundedOutOfOrderness(500), (t) => t.at, { name: "event-time" });

  // Price per symbol with its rolling one-minute band (the FX app would use hours(1)).
  const prices = lineChart({
    title: "Price per symbol",
    layout: "grid",
    span: minutes(5),
    series: (r: { key: string; record: Tick; value: { min: number; max: number } }) => r.key,
    value: (r) => r.record.price,
    band: (r) => [r.value.min, r.value.max],
  });
  timed
    .keyBy((t) => t.symbol)
    .over({ range: minutes(1) })
    .aggregate(
      stats((t) => t.price),
      { name: "rolling-1m" },
    )
    .sink(prices);

  // Ten-second statistics: a leaderboard of the most active symbols, and alerts on big moves.
  const tenSeconds = timed
    .keyBy((t) => t.symbol)
    .window(tumbling(seconds(10)))
    .aggregate(
      stats((t) => t.price),
      { name: "stats-10s" },
    );
  const leaderboard = table({
    title: "Most volatile symbols (10 s)",
    rows: (r: { key: string; value: { count: number; min: number; max: number; avg: number } }) => ({
      symbol: r.key,
      ticks: r.value.count,
      "range %": Math.round(((r.value.max - r.value.min) / r.value.avg) * 1e5) / 1e3,
    }),
    key: (row) => row.symbol,
    sortBy: "range %",
  });
  tenSeconds.sink(leaderboard);
  const moves = lineChart({
    title: "Range per 10 s",
    unit: "%",
    span: minutes(5),
    series: (r: { key: string; window: { end: number }; value: { min: number; max: number; avg: number } }) =>
      r.key,
    value: (r) => ((r.value.max - r.value.min) / r.value.avg) * 100,
    // Plotted at the end of their window, where the alerts about them are marked too.
    time: (r) => r.window.end,
    resolution: seconds(10),
  });
  tenSeconds.sink(moves);
  tenSeconds
    .filter((r) => (r.value.max - r.value.min) / r.value.avg > 0.0035, { name: "big-moves" })
    .sink(
      moves.markers({
        label: (r) => `${r.key} moved ${(((r.value.max - r.value.min) / r.value.avg) * 100).toFixed(2)}%`,
        series: (r) => r.key,
        time: (r) => r.window.end,
        severity: () => "warning",
      }),
    );

  const ui = await dashboard(job, {
    port: options.port ?? 8081,
    views: [prices, moves, leaderboard],
    refreshEvery: options.refreshEvery ?? 1_000,
  });
  const progress = (options.progress ?? true) ? progressReporter(job, { every: seconds(10) }) : undefined;
  const running = job.run();
  return { job, dashboard: ui, progress, running };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const forIndex = process.argv.indexOf("--for");
  const {
    job,
    dashboard: ui,
    progress,
    running,
  } = await startDemo({ port: Number(process.env.PORT ?? 8081) });
  console.log(`dashboard: ${ui.url}  (metrics: ${ui.url}/metrics, ${ui.url}/metrics.json)`);
  if (forIndex > 0) setTimeout(() => void job.stop(), Number(process.argv[forIndex + 1]) * 1000);
  try {
    await running;
  } finally {
    progress?.stop();
    await ui.close();
  }
}
