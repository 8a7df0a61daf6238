import { clockTime } from "@eddy/app-kit";
import { seconds } from "@eddy/core";
import { type DashboardView, lineChart, table } from "@eddy/observability";
import type { FxBar, FxRow, FxStreams } from "./fx-pricing.ts";
import type { PriceMoveAlert } from "./price-move-alerts.ts";

/** The ids of the app's dashboard views, for links and the browser test. */
export const FX_VIEW_IDS = { prices: "prices", bars: "latest-bars" } as const;

/** `▲ +0.62% in 41 s`: short, as it is drawn next to its marker on a small chart. */
function alertLabel(a: PriceMoveAlert): string {
  const sign = a.change > 0 ? "+" : "−";
  const within = Math.round((a.time - a.fromTime) / 1_000);
  return `${a.direction === "up" ? "▲" : "▼"} ${sign}${Math.abs(a.change * 100).toFixed(2)}% in ${within} s`;
}

/**
 * The FX app's views of the dashboard, fed by the streams the job already has (they are sinks):
 *
 * - every symbol's price with its rolling one-hour min/max band (the KDA query's columns), one
 *   small chart per symbol, with its price-move alerts marked on it;
 * - the latest one-minute bar of every symbol.
 *
 * Presentation only, like the console board: the job's results are the same with or without them.
 */
export function fxDashboardViews(streams: FxStreams): DashboardView[] {
  const prices = lineChart({
    title: "Price per symbol, with its one-hour min and max",
    id: FX_VIEW_IDS.prices,
    layout: "grid",
    series: (r: FxRow) => r.symbol,
    value: (r) => r.price,
    band: (r) => [r.minPrice, r.maxPrice],
    time: (r) => r.timestamp * 1_000,
    // A symbol ticks every 2 s of event time: one point per 10 s keeps an hour at 360 points.
    resolution: seconds(10),
  });
  streams.rows.sink(prices, { name: "dashboard-prices" });
  streams.alerts.sink(
    prices.markers({
      label: alertLabel,
      series: (a) => a.symbol,
      time: (a) => a.time,
      severity: () => "warning",
    }),
    { name: "dashboard-alerts" },
  );

  const bars = table({
    title: "Latest one-minute bar per symbol",
    id: FX_VIEW_IDS.bars,
    rows: (b: FxBar) => ({
      symbol: b.symbol,
      minute: clockTime(b.start),
      open: b.open,
      high: b.high,
      low: b.low,
      close: b.close,
      "change %": Math.round(((b.close - b.open) / b.open) * 1e6) / 1e4,
      ticks: b.ticks,
    }),
    key: (row) => row.symbol,
    sortBy: "symbol",
    descending: false,
  });
  streams.bars.sink(bars, { name: "dashboard-bars" });
  return [prices, bars];
}
