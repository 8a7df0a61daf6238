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
import {
  deadLetterConsole,
  ensureResources,
  orExit,
  outputsOf,
  pipelineOptions,
  recordSource,
  resolveRuntime,
  runApp,
  settingsOrExit,
} from "@eddy/app-kit";
import { dynamoDbSink } from "@eddy/connector-dynamodb";
import { firehoseSink } from "@eddy/connector-firehose";
import { addConsoleBoard, alertConsole, boardHeader } from "./console-view.ts";
import { fxDashboardViews } from "./dashboard-views.ts";
import { fxPricingJob } from "./fx-pricing.ts";
import { FX_RESOURCES, FX_SETTINGS } from "./fx-settings.ts";
import { FX_TICK_DEFAULTS, fxTicks, parseFxTick } from "./fx-tick.ts";

const settings = settingsOrExit(
  "fx-pricing: rolling FX statistics, one-minute bars and price-move alerts",
  FX_SETTINGS,
);
const runtime = await orExit(resolveRuntime(settings));
await ensureResources(runtime, {
  stream: { name: settings.stream, shards: FX_RESOURCES.shards },
  table: { name: settings.table, partitionKey: "symbol" },
  deliveryStream: { name: settings.deliveryStream, prefix: `fx-pricing/${settings.deliveryStream}/` },
});

const utf8 = new TextDecoder();
const input = recordSource(runtime, {
  name: "fx-ticks",
  generate: fxTicks({ ...FX_TICK_DEFAULTS, seed: settings.seed }),
  ratePerSecond: settings.rate,
  count: settings.ticks,
  stream: settings.stream,
  decode: (bytes) => parseFxTick(JSON.parse(utf8.decode(bytes))),
});

const { job, streams } = fxPricingJob({
  name: runtime.job,
  pipeline: pipelineOptions(runtime),
  input,
  options: {
    alertThreshold: settings.alertThreshold,
    alertWithin: settings.alertWithin,
    outOfOrderness: settings.outOfOrderness,
  },
  sinks: {
    rows: outputsOf(runtime, {
      stream: "rows",
      // The latest row per symbol: the key comes from the row, so a replay rewrites the same item.
      dynamodb: (c, name) =>
        dynamoDbSink({ name, tableName: settings.table, client: c.dynamodb, item: (row) => ({ ...row }) }),
      // Every row, as JSON lines in S3.
      firehose: (c, name) =>
        firehoseSink({ name, deliveryStreamName: settings.deliveryStream, client: c.firehose }),
    }),
    bars: outputsOf(runtime, { stream: "bars" }),
    alerts: outputsOf(runtime, { stream: "alerts", console: alertConsole }),
    deadLetters: outputsOf(runtime, { stream: "dead-letters", console: deadLetterConsole }),
  },
});
if (runtime.sinks.has("console")) addConsoleBoard(streams);

await runApp(job, runtime, {
  title: "fx-pricing: rolling one-hour statistics per tick, one-minute bars, price-move alerts",
  lines: [
    `ticks from ${input.description}`,
    `alerts on moves of ${settings.alertThreshold * 100}% within ${settings.alertWithin / 1000} s`,
  ],
  ...(runtime.sinks.has("console") ? { header: boardHeader() } : {}),
  views: () => fxDashboardViews(streams),
});
