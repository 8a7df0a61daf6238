import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type AwsSdkClient,
  type CheckpointStore,
  type ClusterRepartition,
  type LeaseStore,
  type LeaseTimingOptions,
  MemoryLeaseStore,
  type PipelineOptions,
  type StartFrom,
} from "@eddy/core";
import type { EddyLogger } from "@eddy/observability";
import { checkpointStoreAt, redisLeases } from "@eddy/state";
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
import { appRepartition } from "./workers/app-repartition.ts";
import { clusterSettings, leaseTimingFor } from "./workers/cluster-settings.ts";
import { ipcLeaseStore } from "./workers/ipc-lease-store.ts";
import { WORKER_SLOT_ENV } from "./workers/supervisor.ts";
import { type LeaseLocation, workerRoleOf } from "./workers/worker-role.ts";

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
    fromSavepoint: {
      flag: "from-savepoint",
      env: "EDDY_FROM_SAVEPOINT",
      description:
        "start from the savepoint of this name: on workers (`--cluster`, `--workers` with Redis) a savepoint of the whole job, which resets the lease table once (refused while the job runs); alone, a savepoint in the checkpoint store",
      parse: text,
      default: undefined,
      defaultText: "none: resume from the latest checkpoint",
    } as Setting<string | undefined>,
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
    ...clusterSettings(),
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
  /** This process as one worker of a job run on several (`--workers`, `--cluster`); `undefined` alone. */
  readonly cluster: ClusterWorker | undefined;
  /** `--workers N`: this process supervises the worker processes and runs no job itself. */
  readonly supervisor: WorkerSupervision | undefined;
  /** Closes what the runtime opened (the checkpoint store's connection, the lease store, the SDK clients). */
  close(): Promise<void>;
}

/** A {@link Runtime}'s part in a job run on several workers. */
export interface ClusterWorker {
  /** This worker's id, stable across its restarts. */
  readonly workerId: string;
  /** The job's lease table: in Redis, or the supervisor's, reached over IPC. */
  readonly leases: LeaseStore;
  /** From `--failover-time`. */
  readonly timing: LeaseTimingOptions;
  /** Started by a `--workers` supervisor. */
  readonly supervised: boolean;
  /**
   * Where records go when a keyed operator is not co-partitioned with the source: Kinesis (see
   * `appRepartition`); used only by a job that needs it.
   */
  readonly repartition: ClusterRepartition;
}

/** What a `--workers N` supervisor runs. */
export interface WorkerSupervision {
  /** One worker process per id. */
  readonly workerIds: readonly string[];
  /** The job's lease table: the supervisor's own (served to the workers), or Redis (only read). */
  readonly leases: LeaseStore;
  /** Whether the workers reach the lease table through the supervisor. */
  readonly servesLeases: boolean;
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
  if (settings.fresh && settings.fromSavepoint !== undefined) {
    throw new SettingsError("--fresh and --from-savepoint contradict each other: choose one");
  }
  const checkpoints =
    settings.checkpoints ??
    defaultCheckpoints(mode, connections?.redisUrl, resolve(DATA_DIRECTORY, "checkpoints"));
  const role = workerRoleOf(settings, checkpoints, {
    env: process.env,
    hasParent: process.send !== undefined,
    slots: resolve(DATA_DIRECTORY, "workers", settings.job),
  });
  const logger = appLogger(settings.logLevel);
  // Said once: by the process the person started, not by each worker it supervises.
  const supervised = role.kind === "worker" && role.supervised;
  if (mode === "aws" && isOnThisMachine(checkpoints) && !supervised) {
    logger.warn(
      `checkpoints in ${checkpoints} are lost with the container (a replaced ECS task or pod starts over): pass --checkpoints s3://<bucket>/<prefix> or redis://<host>:<port> to keep them`,
    );
  }
  // On the local stack, S3 is the stand-in; elsewhere the store resolves S3 as the SDK does.
  const store = checkpointStoreFor(checkpoints, connections?.s3);
  const timing = leaseTimingFor(settings.failoverTime);
  const repartition =
    role.kind === "worker"
      ? appRepartition({
          job: settings.job,
          leases: role.leases,
          kinesis: connections?.kinesis,
          createResources,
        })
      : undefined;
  const cluster: ClusterWorker | undefined =
    role.kind === "worker" && repartition
      ? {
          workerId: role.workerId,
          leases: leaseStoreAt(role.leases, settings.job),
          timing,
          supervised: role.supervised,
          repartition: repartition.repartition,
        }
      : undefined;
  const supervisor: WorkerSupervision | undefined =
    role.kind === "supervisor"
      ? {
          workerIds: role.workerIds,
          leases:
            role.leases.kind === "redis" ? leaseStoreAt(role.leases, settings.job) : new MemoryLeaseStore(),
          servesLeases: role.leases.kind === "supervisor",
        }
      : undefined;
  const summary = [
    `${mode} mode${connections ? ` — ${connections.description}` : " — no AWS, no Redis"}`,
    `source ${source}; sinks ${[...sinks].join(", ")}${sinks.has("files") ? ` (files in ${settings.out})` : ""}`,
    store
      ? `checkpoints every ${settings.checkpointEvery < 1_000 ? `${settings.checkpointEvery} ms` : shortDuration(settings.checkpointEvery)} in ${store.description}`
      : "no checkpoints: a restart starts over",
    ...(supervisor
      ? [
          `${supervisor.workerIds.length} worker processes (${supervisor.workerIds.join(", ")}), leases ${supervisor.servesLeases ? "held by this process (a restart of it starts the job over)" : `in ${supervisor.leases.description}`}, failover after ${shortDuration(settings.failoverTime)}`,
        ]
      : []),
    ...(cluster ? [`worker ${cluster.workerId} of the job, leases in ${cluster.leases.description}`] : []),
  ];
  // Each supervised worker serves its dashboard and metrics on the given port plus its slot.
  const portOffset = cluster?.supervised ? Number(process.env[WORKER_SLOT_ENV] ?? 0) : 0;
  const offset = (port: number | undefined) => (port === undefined || port === 0 ? port : port + portOffset);
  return {
    mode,
    source,
    sinks,
    job: settings.job,
    store,
    checkpointEvery: settings.checkpointEvery,
    startFrom: settings.fresh
      ? "fresh"
      : settings.fromSavepoint !== undefined
        ? { savepoint: settings.fromSavepoint }
        : "latest",
    fresh: settings.fresh,
    out: settings.out,
    createResources,
    connections,
    summary,
    observe: {
      dashboard: offset(settings.dashboard),
      metricsPort: offset(settings.metricsPort),
      httpHost: settings.httpHost,
      progress: settings.progress,
      logLevel: settings.logLevel,
    },
    logger,
    cluster,
    supervisor,
    close: async () => {
      await store?.close?.();
      await cluster?.leases.close();
      await repartition?.close();
      await supervisor?.leases.close();
      connections?.close();
    },
  };
}

function leaseStoreAt(location: LeaseLocation, job: string): LeaseStore {
  return location.kind === "redis" ? redisLeases(location.url, { job }) : ipcLeaseStore();
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
 * board, when the console is turned off): that state is dropped rather than refused. As one of
 * several workers, the cluster options carry the worker's repartition (`appRepartition`), which
 * only a job whose keyed operator is not co-partitioned with its source uses.
 */
export function pipelineOptions(runtime: Runtime): PipelineOptions {
  return {
    logger: runtime.logger,
    startFrom: runtime.startFrom,
    allowNonRestoredState: true,
    stopOnSignals: true,
    ...(runtime.store ? { checkpoints: { store: runtime.store, every: runtime.checkpointEvery } } : {}),
    ...(runtime.cluster
      ? {
          cluster: {
            leases: runtime.cluster.leases,
            workerId: runtime.cluster.workerId,
            repartition: runtime.cluster.repartition,
            ...runtime.cluster.timing,
          },
        }
      : {}),
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
  // A producer writes to Kinesis from one process: it is never one of several workers.
  const single = {
    workers: undefined,
    cluster: false,
    workerId: undefined,
    failoverTime: 0,
    fromSavepoint: undefined,
  };
  const runtime = await resolveRuntime({ ...settings, ...single, source: "kinesis", sinks: [], out: "" });
  return { ...runtime, summary: [runtime.summary[0]!, runtime.summary[2]!] };
}
