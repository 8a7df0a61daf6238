import type { Command } from "commander";
import type { CliIo } from "../cli-io.ts";
import { controlToken, jobUrl, refused, requestJob } from "../control-client.ts";
import { tokenFileOption, urlOption } from "../options.ts";
import { UsageError } from "../usage-error.ts";
import { json } from "./checkpoints.ts";
import { jobSavepoint } from "./job-savepoint.ts";

interface ControlFlags {
  readonly url: string;
  readonly tokenFile?: string;
  readonly json?: boolean;
}

interface SavepointFlags extends ControlFlags {
  readonly store?: string;
  readonly name?: string;
  readonly stop?: boolean;
  readonly timeout?: string;
  readonly stages?: string;
}

/**
 * `eddy savepoint`, `eddy stop` and `eddy status`, against a running job's HTTP port; `eddy
 * savepoint <job> --store <url>` of a whole job on several workers, through its lease table.
 */
export function controlCommands(program: Command, io: CliIo): void {
  program
    .command("savepoint")
    .description(
      "take a savepoint: of a running job through its HTTP port (its control endpoints must be on), or with --store of a whole job on several workers through its lease table",
    )
    .argument(
      "[name-or-job]",
      "the savepoint's name (default: the checkpoint id); with --store, the job's name (pipeline(name))",
    )
    .option(
      "--store <url>",
      "the Redis of the job's lease table, redis://<host>:<port>[/<db>]: take a savepoint of the whole job on several workers",
    )
    .option(
      "--name <name>",
      "the savepoint's name (default: the argument over HTTP, savepoint-<epoch ms> with --store)",
    )
    .option("--stop", "with --store: stop every worker once the savepoint is complete")
    .option("--timeout <seconds>", "with --store: how long to wait for the savepoint (default 120)")
    .option(
      "--stages <n>",
      "with --store: the job's number of stages (1 + its repartitions), each with its lease table <job>/stage-<n> (default: the stage tables found in that Redis)",
    )
    .addOption(urlOption(io))
    .addOption(tokenFileOption())
    .option("--json", "print the answer as JSON")
    .action(async (argument: string | undefined, flags: SavepointFlags) => {
      if (flags.store !== undefined) {
        if (argument === undefined)
          throw new UsageError("savepoint --store: name the job (eddy savepoint <job> --store <url>)");
        await jobSavepoint(argument, { ...flags, store: flags.store }, io);
        return;
      }
      if (flags.stop || flags.timeout !== undefined || flags.stages !== undefined) {
        throw new UsageError(
          "savepoint: --stop, --timeout and --stages apply to a savepoint of the whole job (--store); over HTTP use eddy stop",
        );
      }
      if (argument !== undefined && flags.name !== undefined && argument !== flags.name) {
        throw new UsageError(`savepoint: the name is given twice ("${argument}" and --name ${flags.name})`);
      }
      const name = flags.name ?? argument;
      const base = jobUrl(flags.url);
      const token = await controlToken(flags.tokenFile, io);
      const answer = await requestJob(base, "/savepoints", {
        method: "POST",
        token,
        body: name === undefined ? "" : JSON.stringify({ name }),
      });
      if (answer.status !== 200) throw refused("savepoint", base, answer);
      const taken = JSON.parse(answer.text) as { checkpointId: number; name?: string };
      io.out(
        flags.json
          ? json(taken)
          : `savepoint "${taken.name ?? taken.checkpointId}" stored (checkpoint ${taken.checkpointId})\n`,
      );
    });

  program
    .command("stop")
    .description("stop a running job, by default after a final savepoint it restarts from")
    .option("--no-savepoint", "stop without taking a savepoint first")
    .addOption(urlOption(io))
    .addOption(tokenFileOption())
    .option("--json", "print the answer as JSON")
    .action(async (flags: ControlFlags & { savepoint: boolean }) => {
      const base = jobUrl(flags.url);
      const token = await controlToken(flags.tokenFile, io);
      const answer = await requestJob(base, `/stop?savepoint=${flags.savepoint}`, { method: "POST", token });
      if (answer.status !== 202) throw refused("stop", base, answer);
      const stopping = JSON.parse(answer.text) as { job: string; savepoint: boolean };
      io.out(
        flags.json
          ? json(stopping)
          : `job "${stopping.job}" is stopping${stopping.savepoint ? " after a final savepoint" : " without a savepoint"}\n`,
      );
    });

  program
    .command("status")
    .description("whether a running job is alive and ready, its rates and its last checkpoint")
    .addOption(urlOption(io))
    .option("--json", "print JSON instead of text")
    .action(async (flags: ControlFlags) => {
      const base = jobUrl(flags.url);
      const [health, ready, metrics] = await Promise.all([
        requestJob(base, "/healthz", { method: "GET" }),
        requestJob(base, "/readyz", { method: "GET" }),
        requestJob(base, "/metrics.json", { method: "GET" }),
      ]);
      if (health.status === 404 || metrics.status !== 200) {
        throw new Error(
          `status: ${base.origin} does not answer as an Eddy job's serveMetrics (GET /healthz: ${health.status}, GET /metrics.json: ${metrics.status})`,
        );
      }
      const sample = JSON.parse(metrics.text) as JobSample;
      // The status is read live from /healthz; /metrics.json is a periodic sample, which can still
      // say "running" just after the job stopped.
      const live = JSON.parse(health.text) as { readonly status?: string };
      const status = {
        job: sample.job,
        status: live.status ?? sample.status,
        alive: health.status === 200,
        ready: ready.status === 200,
        recordsIn: sample.totals.recordsIn,
        recordsOut: sample.totals.recordsOut,
        recordsInPerSecond: sample.totals.recordsInPerSecond,
        recordsOutPerSecond: sample.totals.recordsOutPerSecond,
        watermarkLagMs: sample.totals.watermarkLagMs ?? null,
        checkpointsCompleted: sample.checkpoints.completed,
        checkpointsFailed: sample.checkpoints.failed,
        lastCheckpointAgeMs: sample.checkpoints.lastAgeMs ?? null,
      };
      if (flags.json) {
        io.out(json(status));
        return;
      }
      const seconds = (ms: number | null) => (ms === null ? "-" : `${(ms / 1000).toFixed(1)} s`);
      io.out(
        [
          `job          ${status.job}`,
          `status       ${status.status} (alive: ${status.alive ? "yes" : "no"}, ready: ${status.ready ? "yes" : "no"})`,
          `records      ${status.recordsIn} in, ${status.recordsOut} out (${status.recordsInPerSecond.toFixed(1)}/s in, ${status.recordsOutPerSecond.toFixed(1)}/s out)`,
          `watermark    ${seconds(status.watermarkLagMs)} behind`,
          `checkpoints  ${status.checkpointsCompleted} completed, ${status.checkpointsFailed} failed; last ${seconds(status.lastCheckpointAgeMs)} ago`,
          "",
        ].join("\n"),
      );
    });
}

/** The part of `/metrics.json` (observability's `JobSampleJson`) the status shows. */
interface JobSample {
  readonly job: string;
  readonly status: string;
  readonly totals: {
    readonly recordsIn: number;
    readonly recordsOut: number;
    readonly recordsInPerSecond: number;
    readonly recordsOutPerSecond: number;
    readonly watermarkLagMs?: number | null;
  };
  readonly checkpoints: {
    readonly completed: number;
    readonly failed: number;
    readonly lastAgeMs?: number | null;
  };
}
