/**
 * The clickstream job built from the app's settings and runtime, without running it: main.ts runs
 * it, and `eddy iam-policy src/job.ts` prints the IAM policy it needs (see the README).
 */
import {
  type AppResources,
  deadLetterConsole,
  jobFromEnvironment,
  outputsOf,
  pipelineOptions,
  type RecordSource,
  type Runtime,
  recordSource,
  type SettingValues,
} from "@eddy/app-kit";
import { dynamoDbSink } from "@eddy/connector-dynamodb";
import { firehoseSink } from "@eddy/connector-firehose";
import { utf8 } from "@eddy/connector-kinesis";
import type { Job } from "@eddy/core";
import { CLICKSTREAM_DEFAULTS, type ClickstreamStreams, clickstreamJob } from "./clickstream.ts";
import { CLICKSTREAM_RESOURCES, CLICKSTREAM_SETTINGS } from "./clickstream-settings.ts";
import { alertConsole } from "./console-view.ts";
import { ACCESS_LOG_DEFAULTS, accessLog } from "./log-generator.ts";

/** The app's settings, as flags and environment give them. */
export type ClickstreamSettings = SettingValues<typeof CLICKSTREAM_SETTINGS>;

/** What the app reads and writes: created on the local stack, created by you on AWS. */
export function clickstreamResources(settings: ClickstreamSettings): AppResources {
  return {
    stream: { name: settings.stream, shards: CLICKSTREAM_RESOURCES.shards },
    table: { name: settings.table, partitionKey: "minute" },
    deliveryStream: { name: settings.deliveryStream, prefix: `clickstream/${settings.deliveryStream}/` },
  };
}

/** The app's job on `runtime`'s source and sinks, its streams and its input. */
export function clickstreamApp(
  settings: ClickstreamSettings,
  runtime: Runtime,
): { job: Job; streams: ClickstreamStreams; input: RecordSource<string> } {
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
      query: settings.sql ? "sql" : "typed",
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
  return { job, streams, input };
}

/**
 * For `eddy iam-policy`: the job of the settings in the environment (`--mode aws` unless
 * `EDDY_MODE` says otherwise), built, never run.
 */
export default (): Promise<Job> => jobFromEnvironment(CLICKSTREAM_SETTINGS, clickstreamApp);
