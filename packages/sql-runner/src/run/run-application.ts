import type { InitialPosition } from "@eddy/connector-kinesis";
import {
  type CheckpointStore,
  type Clock,
  type JobResult,
  systemClock,
  UnmatchedStateError,
} from "@eddy/core";
import { DASHBOARD_DEFAULTS, dashboard, type EddyLogger, type HttpEndpoint } from "@eddy/observability";
import {
  type InputStartingPosition,
  loadReferenceData,
  ReferenceDataError,
  type SqlApplication,
  type SqlRow,
} from "@eddy/sql";
import { checkpointStoreAt } from "@eddy/state";
import { ConfigError } from "../config-error.ts";
import { loadApplication } from "../load-application.ts";
import type { RunnerIo } from "../runner-io.ts";
import { applicationJob } from "./application-job.ts";
import { checkAwsResources, createLocalResources } from "./application-resources.ts";
import { type AwsClients, awsClients, type ClientTarget } from "./aws-clients.ts";
import { checkApplication } from "./check-application.ts";
import { errorStreamRow } from "./input-streams.ts";

/**
 * What `eddy-sql run` was asked to do, its flags read and checked.
 *
 * @example
 * const options: RunOptions = {
 *   application: "describe.json",
 *   target: { mode: "aws" },
 *   checkpoints: "redis://127.0.0.1:6379",
 *   checkpointEvery: 5_000,
 *   fresh: false,
 *   shardIdleTimeoutMs: 10_000,
 * };
 */
export interface RunOptions {
  readonly application: string;
  readonly sql?: string;
  readonly target: ClientTarget;
  /** A checkpoint store as `@eddy/state` reads it; undefined: the local stack's Redis, or none on AWS. */
  readonly checkpoints?: string;
  readonly checkpointEvery: number;
  readonly fresh: boolean;
  /** The job's name; default the application's name. */
  readonly job?: string;
  /** Overrides the description's `InputStartingPositionConfiguration`. */
  readonly startingPosition?: InputStartingPosition;
  readonly shardIdleTimeoutMs: number;
  /** Serve the dashboard on this loopback port (0: a free one). */
  readonly dashboard?: number;
  readonly logger: EddyLogger;
  /**
   * The job's processing-time clock; the application's start (`VALUES` rows' ROWTIME and values,
   * `CURRENT_TIMESTAMP`'s start, `ERROR_TIME`) is its time when the run begins, read once, so a
   * test or a replay that injects a clock gets the same rows. Default: the wall clock.
   */
  readonly clock?: Clock;
}

/**
 * KDA's starting positions as the Kinesis source's: `NOW` is `LATEST`; `LAST_STOPPED_POINT` is
 * the job's checkpoint (which always wins when there is one), and the oldest record when there
 * is none. A description without one (a CreateApplication request) starts at `NOW`, the
 * console's default.
 */
function initialPositionOf(position: InputStartingPosition | undefined): InitialPosition {
  return position === "TRIM_HORIZON" || position === "LAST_STOPPED_POINT" ? "TRIM_HORIZON" : "LATEST";
}

async function referenceTables(
  app: SqlApplication,
  clients: AwsClients,
  logger: EddyLogger,
): Promise<Map<string, readonly SqlRow[]>> {
  const tables = new Map<string, readonly SqlRow[]>();
  for (const source of app.referenceData) {
    let table: Awaited<ReturnType<typeof loadReferenceData>>;
    try {
      table = await loadReferenceData(source, { client: clients.s3 });
    } catch (error) {
      if (error instanceof ReferenceDataError) throw new ConfigError(error.message);
      throw error;
    }
    // Rows of the file that cannot be mapped: logged once at start (the table is loaded before the job runs).
    for (const error of table.errors) {
      const row = errorStreamRow(error);
      logger.warn(`error_stream: reference table ${source.table}: ${String(row[2])}: ${String(row[3])}`);
    }
    tables.set(source.table, table.rows);
  }
  return tables;
}

/** Where the job starts: from its latest checkpoint or savepoint, or from the input's start. */
async function resumeNote(store: CheckpointStore | undefined, job: string, fresh: boolean): Promise<string> {
  if (!store) return "starting from the input's starting position";
  if (fresh) return "starting over (--fresh): stored checkpoints are ignored";
  const [latest] = await store.checkpoints(job);
  return latest
    ? `resuming from ${latest.kind === "savepoint" ? "savepoint" : "checkpoint"} ${latest.checkpointId}`
    : `no checkpoint of job ${job} yet: starting from the input's starting position`;
}

/**
 * Runs a KDA application until its input ends or the process is stopped (SIGINT / SIGTERM: a
 * savepoint when checkpointing), printing what it runs with on `io.out`. Resolves with the job's
 * result; configuration errors are {@link ConfigError}s thrown before anything runs.
 *
 * @example
 * declare const options: RunOptions;
 * const result = await runApplication(options, processIo);
 */
export async function runApplication(options: RunOptions, io: RunnerIo): Promise<JobResult> {
  const clock = options.clock ?? systemClock;
  // One instant for planning (VALUES rows are computed then) and for the run.
  const queryStart = clock.now();
  const { app, plan } = await loadApplication({ ...options, queryStart });
  checkApplication(app, plan, options.target);
  const clients = await awsClients(options.target);
  let store: ReturnType<typeof checkpointStoreAt>;
  let ui: HttpEndpoint | undefined;
  try {
    let created: string[] = [];
    if (options.target.mode === "local") created = await createLocalResources(app, clients);
    else await checkAwsResources(app, clients);
    const checkpoints = options.checkpoints ?? clients.localRedis ?? "none";
    try {
      store = checkpointStoreAt(checkpoints, { s3Client: clients.s3, logger: options.logger });
    } catch (error) {
      throw new ConfigError(`--checkpoints ${checkpoints}: ${(error as Error).message}`);
    }
    const reading = {
      initialPosition: initialPositionOf(options.startingPosition ?? app.input?.startingPosition),
      shardIdleTimeoutMs: options.shardIdleTimeoutMs,
    };
    const name = options.job ?? app.name;
    const { job, views } = applicationJob({
      app,
      plan,
      clients,
      referenceRows: await referenceTables(app, clients, options.logger),
      reading,
      name,
      queryStart,
      logger: options.logger,
      views: options.dashboard !== undefined,
      pipeline: {
        clock,
        logger: options.logger,
        startFrom: options.fresh ? "fresh" : "latest",
        stopOnSignals: true,
        ...(store ? { checkpoints: { store, every: options.checkpointEvery } } : {}),
      },
    });
    const lines = [
      `eddy-sql run: application ${app.name} as job ${name}`,
      `  ${options.target.mode} mode: ${clients.describe}`,
      ...created.map((line) => `  uses ${line}`),
      app.input
        ? `  input ${app.input.source.resource.name} → ${app.input.streamNames.join(", ")} (from ${reading.initialPosition} when no checkpoint)`
        : "  no streaming input",
      ...app.outputs.map((o) => `  output ${o.stream} → ${o.kind} ${o.resource.name} (${o.format})`),
      store
        ? `  checkpoints every ${options.checkpointEvery} ms in ${store.description}`
        : "  no checkpoints: a restart starts over",
      `  ${await resumeNote(store, name, options.fresh)}`,
    ];
    if (options.dashboard !== undefined) {
      ui = await dashboard(job, { port: options.dashboard, host: DASHBOARD_DEFAULTS.host, views });
      lines.push(`  dashboard ${ui.url}`);
    }
    io.out(`${lines.join("\n")}\n`);
    const result = await job.run().catch((error: unknown) => {
      // Operator ids follow the plan: a checkpoint with state this plan has no operator for was
      // written by other SQL, and starting would silently drop that state.
      if (error instanceof UnmatchedStateError) {
        throw new ConfigError(
          `checkpoint ${error.checkpointId} of job ${name} holds state of operators this application's plan does not have (${error.operators.join(", ")}): the SQL changed since it was written; start over with --fresh, or run it as another --job`,
        );
      }
      throw error;
    });
    io.out(
      result.outcome === "stopped"
        ? store
          ? "stopped with a savepoint: run the same command again to resume\n"
          : "stopped\n"
        : "finished: the input has ended\n",
    );
    return result;
  } finally {
    await ui?.close();
    await store?.close?.();
    clients.close();
  }
}

/** `--dashboard` without a port. */
export const DEFAULT_DASHBOARD_PORT = DASHBOARD_DEFAULTS.port;
