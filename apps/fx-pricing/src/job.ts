/**
 * The FX pricing job built from the app's settings and runtime, without running it: main.ts runs
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
import type { Job } from "@eddy/core";
import { alertConsole } from "./console-view.ts";
import { type FxStreams, fxPricingJob } from "./fx-pricing.ts";
import { FX_RESOURCES, FX_SETTINGS } from "./fx-settings.ts";
import { bySymbol, FX_TICK_DEFAULTS, type FxTick, fxTicks, parseFxTick } from "./fx-tick.ts";

/** The app's settings, as flags and environment give them. */
export type FxSettings = SettingValues<typeof FX_SETTINGS>;

const utf8 = new TextDecoder();

/** What the app reads and writes: created on the local stack, created by you on AWS. */
export function fxResources(settings: FxSettings): AppResources {
  return {
    stream: { name: settings.stream, shards: FX_RESOURCES.shards },
    table: { name: settings.table, partitionKey: "symbol" },
    deliveryStream: { name: settings.deliveryStream, prefix: `fx-pricing/${settings.deliveryStream}/` },
  };
}

/** The app's job on `runtime`'s source and sinks, its streams and its input. */
export function fxPricingApp(
  settings: FxSettings,
  runtime: Runtime,
): { job: Job; streams: FxStreams; input: RecordSource<FxTick> } {
  const input = recordSource(runtime, {
    name: "fx-ticks",
    generate: fxTicks({ ...FX_TICK_DEFAULTS, seed: settings.seed }),
    ratePerSecond: settings.rate,
    count: settings.ticks,
    stream: settings.stream,
    decode: (bytes) => parseFxTick(JSON.parse(utf8.decode(bytes))),
    // On several workers the generator is split by symbol, as the job keys.
    partitionKey: bySymbol,
  });
  const { job, streams } = fxPricingJob({
    name: runtime.job,
    pipeline: pipelineOptions(runtime),
    input,
    options: {
      alertThreshold: settings.alertThreshold,
      alertWithin: settings.alertWithin,
      outOfOrderness: settings.outOfOrderness,
      query: settings.sql ? "sql" : "typed",
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
  return { job, streams, input };
}

/**
 * For `eddy iam-policy`: the job of the settings in the environment (`--mode aws` unless
 * `EDDY_MODE` says otherwise), built, never run.
 */
export default (): Promise<Job> => jobFromEnvironment(FX_SETTINGS, fxPricingApp);
