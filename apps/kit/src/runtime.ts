import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { AwsSdkClient, CheckpointStore, PipelineOptions, StartFrom } from "@eddy/core";
import type { EddyLogger } from "@eddy/observability";
import { checkpointStoreAt } from "@eddy/state";
import { checkpointsSetting, defaultCheckpoints, isOnThisMachine } from "./checkpoint-spec.ts";
import { awsConnections, type Connections, localStackConnections } from "./connections.ts";
import { appLogger, type ObserveSettings, observeSettings } from "./observe.ts";
import {
  boolean,
  duration,
  listOf,
  oneOf,
  type Setting,
  SettingsError,
  type SettingValues,
  text,
} from "./settings.ts";
import { shortDuration } from "./style.ts";

export const MODES = ["embedded", "local", "aws"] as const;
export type Mode = (typeof MODES)[number];
export const SOURCE_KINDS = ["generator", "kinesis"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];
export const SINK_KINDS = ["console", "files", "dynamodb", "firehose"] as const;
export type SinkKind = (typeof SINK_KINDS)[number];

// The SDK warns on Node 20 at every client; the apps say once what they connect to instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** `.eddy/` at the repository root: where the apps keep checkpoints and output by default. */
export const DATA_DIRECTORY = fileURLToPath(new URL("../../../.eddy/", import.meta.url));

/**
 * What each mode chooses when a setting is not given. One place, so the README, `--help` and the
 * code agree.
 */
export const MODE_DEFAULTS = {
  embedded: { source: "generator", sinks: ["console", "files"], createResources: false },
  local: { source: "kinesis", sinks: ["console", "dynamodb", "firehose"], createResources: true },
  aws: { source: "kinesis", sinks: ["console", "dynamodb", "firehose"], createResources: false },
} as const satisfies Record<
  Mode,
  { source: SourceKind; sinks: readonly SinkKind[]; createResources: boolean }
>;

/** The settings every app has: mode, source, sinks, checkpoints, output, and how to watch it run. */
export function runtimeSettings(app: string) {
  return {
    mode: {
      flag: "mode",
      env: "EDDY_MODE",
      description:
        "`embedded`: a built-in generator, files and the console, no AWS; `local`: the local stack of `npm run stack`; `aws`: real AWS through the SDK's default credentials and region",
      parse: oneOf(MODES),
      default: "embedded",
    } as Setting<Mode>,
    source: {
      flag: "source",
      env: "EDDY_SOURCE",
      description: "where records come from: `generator` (built in) or `kinesis`",
      parse: oneOf(SOURCE_KINDS),
      default: undefined,
      defaultText: "embedded: `generator`; local, aws: `kinesis`",
    } as Setting<SourceKind | undefined>,
    sinks: {
      flag: "sinks",
      env: "EDDY_SINKS",
      description:
        "where results go, comma-separated: `console`, `files` (JSON lines, exactly once), `dynamodb`, `firehose`",
      parse: listOf(SINK_KINDS),
      default: undefined,
      defaultText: "embedded: `console,files`; local, aws: `console,dynamodb,firehose`",
    } as Setting<SinkKind[] | undefined>,
    checkpoints: {
      flag: "checkpoints",
      env: "EDDY_CHECKPOINTS",
      description:
        "where checkpoints go: `s3://bucket/prefix`, `redis://host:port`, a directory, `memory` (lost on exit) or `none`; with `--mode aws` a directory is lost with the container, so it must be given explicitly",
      parse: checkpointsSetting,
      default: undefined,
      defaultText: "local: the stack's Redis; embedded: `.eddy/checkpoints`; aws: none, it must be given",
    } as Setting<string | undefined>,
    checkpointEvery: {
      flag: "checkpoint-every",
      env: "EDDY_CHECKPOINT_EVERY",
      description: "time between checkpoints (`500ms`, `5s`, `1m`)",
      parse: duration,
      default: 5_000,
      defaultText: "`5s`",
    },
    fresh: {
      flag: "fresh",
      env: "EDDY_FRESH",
      description: "start over: ignore stored checkpoints and replace earlier output files",
      parse: boolean,
      default: false,
      switch: true,
    },
    out: {
      flag: "out",
      env: "EDDY_OUT",
      description: "directory of the `files` sink: one subdirectory of JSON-lines parts per stream",
      parse: text,
      default: resolve(DATA_DIRECTORY, "out", app),
      defaultText: `\`.eddy/out/${app}\``,
    },
    job: {
      flag: "job",
      env: "EDDY_JOB",
      description: "the job's name: its checkpoints are stored under it",
      parse: text,
      default: app,
    },
    stackFile: {
      flag: "stack-file",
      env: "EDDY_STACK_FILE",
      description: "with `--mode local`: the endpoints file `npm run stack` wrote",
      parse: text,
      default: resolve(DATA_DIRECTORY, "stack.json"),
      defaultText: "`.eddy/stack.json`",
    },
    createResources: {
      flag: "create-resources",
      env: "EDDY_CREATE_RESOURCES",
      description: "create missing streams, tables and delivery streams on start (local stack only)",
      parse: boolean,
      default: undefined,
      defaultText: "local: `true`; aws: `false`",
      switch: true,
    } as Setting<boolean | undefined>,
    ...observeSettings(),
  } satisfies Record<string, Setting<unknown>>;
}

export type RuntimeSettings = SettingValues<ReturnType<typeof runtimeSettings>>;

/** What an app runs with, resolved from its settings: one code path for every mode. */
export interface Runtime {
  readonly mode: Mode;
  readonly source: SourceKind;
  readonly sinks: ReadonlySet<SinkKind>;
  readonly job: string;
  readonly store: CheckpointStore | undefined;
  readonly checkpointEvery: number;
  readonly startFrom: StartFrom;
  readonly fresh: boolean;
  readonly out: string;
  readonly createResources: boolean;
  /** The local stack or AWS; `undefined` in embedded mode. */
  readonly connections: Connections | undefined;
  /** Lines describing the choices, for the startup banner. */
  readonly summary: readonly string[];
  /** Dashboard, metrics, progress and log level. */
  readonly observe: ObserveSettings;
  /** Structured logs (pino, JSON lines on stderr) at the chosen level. */
  readonly logger: EddyLogger;
  /** Closes what the runtime opened (the checkpoint store's connection, the SDK clients). */
  close(): Promise<void>;
}

/**
 * Resolves settings into a {@link Runtime}: fills the mode's defaults, reads the local stack's
 * endpoints when needed, and opens the checkpoint store. Throws when the choices do not fit
 * together (AWS sinks in embedded mode, Redis checkpoints without a Redis).
 */
export async function resolveRuntime(settings: RuntimeSettings): Promise<Runtime> {
  const mode = settings.mode;
  const defaults = MODE_DEFAULTS[mode];
  const source = settings.source ?? defaults.source;
  const sinks = new Set<SinkKind>(settings.sinks ?? defaults.sinks);
  const needsAws = source === "kinesis" || sinks.has("dynamodb") || sinks.has("firehose");
  if (mode === "embedded" && needsAws) {
    throw new SettingsError(
      "embedded mode uses no AWS: choose --mode local (the local stack) or --mode aws for Kinesis, DynamoDB or Firehose",
    );
  }
  const connections =
    mode === "local"
      ? await localStackConnections(settings.stackFile)
      : mode === "aws"
        ? await awsConnections()
        : undefined;
  const createResources = settings.createResources ?? defaults.createResources;
  if (createResources && mode === "aws") {
    throw new SettingsError(
      "--create-resources works against the local stack only: on AWS, create the stream, table and delivery stream as the README shows",
    );
  }
  const checkpoints =
    settings.checkpoints ??
    defaultCheckpoints(mode, connections?.redisUrl, resolve(DATA_DIRECTORY, "checkpoints"));
  const logger = appLogger(settings.logLevel);
  if (mode === "aws" && isOnThisMachine(checkpoints)) {
    logger.warn(
      `checkpoints in ${checkpoints} are lost with the container (a replaced ECS task or pod starts over): pass --checkpoints s3://<bucket>/<prefix> or redis://<host>:<port> to keep them`,
    );
  }
  // On the local stack, S3 is the stand-in; elsewhere the store resolves S3 as the SDK does.
  const store = checkpointStoreFor(checkpoints, connections?.s3);
  const summary = [
    `${mode} mode${connections ? ` — ${connections.description}` : " — no AWS, no Redis"}`,
    `source ${source}; sinks ${[...sinks].join(", ")}${sinks.has("files") ? ` (files in ${settings.out})` : ""}`,
    store
      ? `checkpoints every ${settings.checkpointEvery < 1_000 ? `${settings.checkpointEvery} ms` : shortDuration(settings.checkpointEvery)} in ${store.description}`
      : "no checkpoints: a restart starts over",
  ];
  return {
    mode,
    source,
    sinks,
    job: settings.job,
    store,
    checkpointEvery: settings.checkpointEvery,
    startFrom: settings.fresh ? "fresh" : "latest",
    fresh: settings.fresh,
    out: settings.out,
    createResources,
    connections,
    summary,
    observe: {
      dashboard: settings.dashboard,
      metricsPort: settings.metricsPort,
      httpHost: settings.httpHost,
      progress: settings.progress,
      logLevel: settings.logLevel,
    },
    logger,
    close: async () => {
      await store?.close?.();
      connections?.close();
    },
  };
}

/**
 * A checkpoint store from its description: `none`, `memory`, `redis://…` (or `rediss://…`),
 * `s3://<bucket>/<prefix>` (through `s3Client`, else a client of the SDK's defaults), or a
 * directory.
 */
export function checkpointStoreFor(spec: string, s3Client?: AwsSdkClient): CheckpointStore | undefined {
  return checkpointStoreAt(spec, { s3Client });
}

/**
 * Pipeline options from the runtime: its checkpoint store and interval, fresh or latest start, and
 * its structured logger. A checkpoint may hold state of operators the job no longer has (the console
 * board, when the console is turned off): that state is dropped rather than refused.
 */
export function pipelineOptions(runtime: Runtime): PipelineOptions {
  return {
    logger: runtime.logger,
    startFrom: runtime.startFrom,
    allowNonRestoredState: true,
    stopOnSignals: true,
    ...(runtime.store ? { checkpoints: { store: runtime.store, every: runtime.checkpointEvery } } : {}),
  };
}

/** The settings of a producer: where to write (local stack or AWS) and its own checkpoints. */
export function producerSettings(app: string) {
  const all = runtimeSettings(`${app}-producer`);
  return {
    mode: {
      ...all.mode,
      description: "`local`: the local stack of `npm run stack`; `aws`: real AWS",
      parse: oneOf(["local", "aws"] as const),
      default: "local",
    } as Setting<Mode>,
    checkpoints: all.checkpoints,
    checkpointEvery: all.checkpointEvery,
    fresh: {
      ...all.fresh,
      description: "start over from the first record instead of where the last run stopped",
    },
    job: all.job,
    stackFile: all.stackFile,
    createResources: {
      ...all.createResources,
      description: "create the stream if it is missing (local stack only)",
    },
    ...observeSettings(),
  } satisfies Record<string, Setting<unknown>>;
}

/** A producer's runtime: it reads nothing and writes to Kinesis. */
export async function resolveProducerRuntime(
  settings: SettingValues<ReturnType<typeof producerSettings>>,
): Promise<Runtime> {
  const runtime = await resolveRuntime({ ...settings, source: "kinesis", sinks: [], out: "" });
  return { ...runtime, summary: [runtime.summary[0]!, runtime.summary[2]!] };
}
