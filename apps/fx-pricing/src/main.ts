/**
 * FX pricing: per tick, the rolling one-hour min/max/average and the previous price (Kinesis Data
 * Analytics' OVER query), one-minute OHLC bars, and alerts on sharp moves.
 *
 *   npm run demo                                   # embedded: generated ticks, console and files
 *   tsx src/main.ts --mode local                   # the local stack of `npm run stack`
 *   tsx src/main.ts --mode aws --stream fx-ticks   # real AWS
 *   tsx src/main.ts --dashboard 8080               # and the live dashboard at http://127.0.0.1:8080
 *   tsx src/main.ts --help                         # every setting
 */
import { ensureResources, orExit, resolveRuntime, runApp, settingsOrExit } from "@eddy/app-kit";
import { addConsoleBoard, boardHeader } from "./console-view.ts";
import { fxDashboardViews } from "./dashboard-views.ts";
import { FX_SETTINGS } from "./fx-settings.ts";
import { fxPricingApp, fxResources } from "./job.ts";

const settings = settingsOrExit(
  "fx-pricing: rolling FX statistics, one-minute bars and price-move alerts",
  FX_SETTINGS,
);
const runtime = await orExit(resolveRuntime(settings));
await ensureResources(runtime, fxResources(settings));

const { job, streams, input } = fxPricingApp(settings, runtime);
// The board is one view of every symbol: on several workers each sees only its own symbols, and
// the board's window (keyed by one key) is not co-partitioned with the ticks, so it is left out
// there; alerts still print as each worker raises them.
const board = runtime.sinks.has("console") && runtime.cluster === undefined;
if (board) addConsoleBoard(streams);

await runApp(job, runtime, {
  title: "fx-pricing: rolling one-hour statistics per tick, one-minute bars, price-move alerts",
  lines: [
    `ticks from ${input.description}`,
    `alerts on moves of ${settings.alertThreshold * 100}% within ${settings.alertWithin / 1000} s`,
  ],
  ...(board ? { header: boardHeader() } : {}),
  views: () => fxDashboardViews(streams),
});
