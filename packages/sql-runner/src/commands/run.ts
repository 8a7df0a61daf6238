import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pinoLogger } from "@eddy/observability";
import type { InputStartingPosition } from "@eddy/sql";
import { parseCheckpointStoreUrl } from "@eddy/state";
import { type Command, InvalidArgumentError, Option } from "commander";
import { DEFAULT_DASHBOARD_PORT, runApplication } from "../run/run-application.ts";
import type { RunnerIo } from "../runner-io.ts";

/** `500ms`, `5s`, `2m` or a number of milliseconds. */
function duration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) throw new InvalidArgumentError("expected a duration such as 500ms, 5s or 1m");
  const factor = { ms: 1, s: 1_000, m: 60_000 }[(match[2] ?? "ms") as "ms" | "s" | "m"];
  const value = Number(match[1]) * factor;
  if (value <= 0) throw new InvalidArgumentError("must be more than 0");
  return value;
}

function port(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65_535)
    throw new InvalidArgumentError("expected a port number in 0..65535");
  return value;
}

/** A checkpoint store as `@eddy/state` reads it, `dir:PATH` being the directory PATH. */
function checkpointStore(text: string): string {
  const spec = text.replace(/^dir:/, "");
  try {
    parseCheckpointStoreUrl(spec);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return spec;
}

/** `.eddy/stack.json` of the nearest folder up from here that has one (the repository's). */
function defaultStackFile(from = process.cwd()): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, ".eddy", "stack.json");
    if (existsSync(candidate)) return candidate;
    // None anywhere up: name the one in the working directory in the error.
    if (dirname(dir) === dir) return resolve(from, ".eddy", "stack.json");
  }
}

interface RunFlags {
  application: string;
  sql?: string;
  mode: "aws" | "local";
  stackFile?: string;
  lambdaEndpoint?: string;
  checkpoints?: string;
  checkpointEvery: number;
  fresh?: boolean;
  job?: string;
  startingPosition?: InputStartingPosition;
  idleTimeout: number;
  dashboard?: number | true;
  logLevel: "trace" | "debug" | "info" | "warn" | "error" | "silent";
}

/**
 * `eddy-sql run`: the application wired onto Eddy's connectors, checkpoints and dashboard, run
 * until its input ends or Ctrl-C (a savepoint).
 */
export function runCommand(program: Command, io: RunnerIo): void {
  program
    .command("run")
    .description("run an application: its input, SQL, reference data and outputs, with checkpoints")
    .requiredOption(
      "-a, --application <file>",
      "the application description JSON (aws kinesisanalytics describe-application)",
    )
    .option("-s, --sql <file>", "the application's SQL (default: the description's ApplicationCode)")
    .addOption(
      new Option("--mode <mode>", "aws: the SDK's default credentials and region; local: the local stack")
        .choices(["aws", "local"])
        .default("aws"),
    )
    .option(
      "--stack-file <file>",
      "with --mode local: the endpoints file of `npm run stack` (default .eddy/stack.json)",
    )
    .option(
      "--lambda-endpoint <url>",
      "with --mode local: a local Lambda Invoke server, for preprocessing and Lambda outputs",
    )
    .option(
      "--checkpoints <store>",
      "redis://host:port, dir:PATH (or a directory), s3://bucket/prefix, or none (default: the local stack's Redis; none on AWS)",
      checkpointStore,
    )
    .option("--checkpoint-every <duration>", "time between checkpoints", duration, 5_000)
    .option("--fresh", "ignore stored checkpoints and start over")
    .option(
      "--job <name>",
      "the job's name, under which checkpoints are stored (default: the application's name)",
    )
    .addOption(
      new Option(
        "--starting-position <position>",
        "where the input starts without a checkpoint (default: the description's, else NOW)",
      ).choices(["NOW", "TRIM_HORIZON", "LAST_STOPPED_POINT"]),
    )
    .option(
      "--idle-timeout <duration>",
      "a quiet shard stops holding back the watermark after this long",
      duration,
      10_000,
    )
    .option(
      "--dashboard [port]",
      `serve the dashboard on 127.0.0.1 (default port ${DEFAULT_DASHBOARD_PORT}; 0: a free one)`,
      port,
    )
    .addOption(
      new Option("--log-level <level>", "structured logs on stderr from this level on")
        .choices(["trace", "debug", "info", "warn", "error", "silent"])
        .default("info"),
    )
    .action(async (flags: RunFlags) => {
      const logger = pinoLogger({ level: flags.logLevel, destination: process.stderr });
      const checkpoints = flags.checkpoints;
      await runApplication(
        {
          application: flags.application,
          ...(flags.sql === undefined ? {} : { sql: flags.sql }),
          target:
            flags.mode === "local"
              ? {
                  mode: "local",
                  stackFile: flags.stackFile ?? defaultStackFile(),
                  ...(flags.lambdaEndpoint === undefined ? {} : { lambdaEndpoint: flags.lambdaEndpoint }),
                }
              : { mode: "aws" },
          ...(checkpoints === undefined ? {} : { checkpoints }),
          checkpointEvery: flags.checkpointEvery,
          fresh: flags.fresh === true,
          ...(flags.job === undefined ? {} : { job: flags.job }),
          ...(flags.startingPosition === undefined ? {} : { startingPosition: flags.startingPosition }),
          shardIdleTimeoutMs: flags.idleTimeout,
          ...(flags.dashboard === undefined
            ? {}
            : { dashboard: flags.dashboard === true ? DEFAULT_DASHBOARD_PORT : flags.dashboard }),
          logger,
        },
        io,
      );
    });
}
