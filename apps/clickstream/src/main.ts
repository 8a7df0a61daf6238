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
import { utf8 } from "@eddy/connector-kinesis";
import { CLICKSTREAM_DEFAULTS, clickstreamJob } from "./clickstream.ts";
import { CLICKSTREAM_RESOURCES, CLICKSTREAM_SETTINGS } from "./clickstream-settings.ts";
import { addConsoleMinutes, alertConsole, minuteHeader } from "./console-view.ts";
import { clickstreamDashboardViews } from "./dashboard-views.ts";
import { ACCESS_LOG_DEFAULTS, accessLog } from "./log-generator.ts";

const settings = settingsOrExit(
  "clickstream: page hits, leaderboards, sessions and 5xx anomalies from web server logs",
  CLICKSTREAM_SETTINGS,
);
const runtime = await orExit(resolveRuntime(settings));
await ensureResources(runtime, {
  stream: { name: settings.stream, shards: CLICKSTREAM_RESOURCES.shards },
  table: { name: settings.table, partitionKey: "minute" },
  deliveryStream: { name: settings.deliveryStream, prefix: `clickstream/${settings.deliveryStream}/` },
});

const input = recordSource(runtime, {
  name: "access-log",
  generate: accessLog({ ...ACCESS_LOG_DEFAULTS, seed: settings.seed, everyMs: settings.interval }),
  ratePerSecond: settings.rate,
  count: settings.lines,
  stream: settings.stream,
  decode: utf8(),
});

const { job, streams } = clickstreamJob({
  name: runtime.job,
  pipeline: pipelineOptions(runtime),
  input,
  options: {
    outOfOrderness: settings.outOfOrderness,
    sessionGap: settings.sessionGap,
    anomalies: {
      ...CLICKSTREAM_DEFAULTS.anomalies,
      threshold: settings.alertThreshold,
      alpha: settings.alertAlpha,
    },
  },
  sinks: {
    // Every parsed request, as JSON lines in S3 (too many for files or the console).
    hits: outputsOf(runtime, {
      stream: "hits",
      files: false,
      firehose: (c, name) =>
        firehoseSink({ name, deliveryStreamName: settings.deliveryStream, client: c.firehose }),
    }),
    pageHits: outputsOf(runtime, { stream: "page-hits" }),
    // One item per minute, keyed by the minute: a replay rewrites the same item.
    leaderboard: outputsOf(runtime, {
      stream: "leaderboard",
      dynamodb: (c, name) =>
        dynamoDbSink({
          name,
          tableName: settings.table,
          client: c.dynamodb,
          item: (board) => ({ minute: new Date(board.start).toISOString().slice(0, 16), ...board }),
        }),
    }),
    sessions: outputsOf(runtime, { stream: "sessions" }),
    errorRates: outputsOf(runtime, { stream: "error-rates" }),
    alerts: outputsOf(runtime, { stream: "alerts", console: alertConsole }),
    deadLetters: outputsOf(runtime, { stream: "dead-letters", console: deadLetterConsole }),
  },
});
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
