/**
 * Web clickstream: Apache combined-log lines parsed (malformed ones to a dead-letter output with
 * the reason), hits per page per minute, a top-10 leaderboard per minute, sessions per client IP,
 * and an alert when a minute's 5xx rate departs from its recent history.
 *
 *   tsx src/main.ts                  # embedded: generated lines, console and files
 *   tsx src/main.ts --mode local     # the local stack of `npm run stack`
 *   tsx src/main.ts --mode aws       # real AWS
 *   tsx src/main.ts --dashboard 8080 # and the live dashboard at http://127.0.0.1:8080
 *   tsx src/main.ts --help           # every setting
 */
import { ensureResources, orExit, resolveRuntime, runApp, settingsOrExit } from "@eddy/app-kit";
import { CLICKSTREAM_SETTINGS } from "./clickstream-settings.ts";
import { addConsoleMinutes, minuteHeader } from "./console-view.ts";
import { clickstreamDashboardViews } from "./dashboard-views.ts";
import { clickstreamApp, clickstreamResources } from "./job.ts";

const settings = settingsOrExit(
  "clickstream: page hits, leaderboards, sessions and 5xx anomalies from web server logs",
  CLICKSTREAM_SETTINGS,
);
const runtime = await orExit(resolveRuntime(settings));
await ensureResources(runtime, clickstreamResources(settings));

const { job, streams, input } = clickstreamApp(settings, runtime);
if (runtime.sinks.has("console")) addConsoleMinutes(streams);

await runApp(job, runtime, {
  title: "clickstream: page hits, leaderboards, sessions and 5xx anomalies from web server logs",
  lines: [
    `log lines from ${input.description}`,
    `sessions end after ${settings.sessionGap / 60_000} min without a request; alerts at ${settings.alertThreshold} σ above the 5xx rate's EWMA (α ${settings.alertAlpha})`,
  ],
  ...(runtime.sinks.has("console") ? { header: minuteHeader() } : {}),
  views: () => clickstreamDashboardViews(streams),
});
