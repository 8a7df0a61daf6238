import { minutes } from "@eddy/core";
import { type DashboardView, lineChart, table } from "@eddy/observability";
import type { ClickstreamStreams, Leaderboard } from "./clickstream.ts";
import type { ErrorRate, ErrorRateAlert } from "./error-rate-anomalies.ts";

/** The ids of the app's dashboard views, for links and the browser test. */
export const CLICKSTREAM_VIEW_IDS = { topPages: "top-pages", errorRate: "error-rate" } as const;

/** `5xx 29.3% (56.8 σ above 0.9%)`: short, as it is drawn next to its marker. */
function alertLabel(a: ErrorRateAlert): string {
  return `5xx ${(a.rate * 100).toFixed(1)}% (${a.zScore.toFixed(1)} σ above ${(a.expected * 100).toFixed(1)}%)`;
}

/**
 * The clickstream app's views of the dashboard, fed by the streams the job already has (they are
 * sinks):
 *
 * - the latest minute's ten busiest pages, a leaderboard each minute replaces;
 * - the 5xx rate of every minute, with the anomaly alerts marked on it.
 *
 * Presentation only, like the console lines: the job's results are the same with or without them.
 */
export function clickstreamDashboardViews(streams: ClickstreamStreams): DashboardView[] {
  const topPages = table({
    title: "Top pages of the latest minute",
    id: CLICKSTREAM_VIEW_IDS.topPages,
    rows: (board: Leaderboard) => board.pages,
    sortBy: "hits",
  });
  streams.leaderboard.sink(topPages, { name: "dashboard-top-pages" });

  // Both plotted at the minute's start, so an alert sits on the point it is about.
  const errorRate = lineChart({
    title: "5xx rate per minute",
    id: CLICKSTREAM_VIEW_IDS.errorRate,
    unit: "%",
    series: () => "5xx",
    value: (r: ErrorRate) => Math.round(r.rate * 1e5) / 1e3,
    time: (r) => r.start,
    resolution: minutes(1),
    span: minutes(180),
  });
  streams.errorRates.sink(errorRate, { name: "dashboard-error-rate" });
  streams.alerts.sink(
    errorRate.markers({ label: alertLabel, time: (a) => a.start, severity: () => "critical" }),
    { name: "dashboard-alerts" },
  );
  return [topPages, errorRate];
}
