import { type Job, type JobResult, PipelineDefinitionError, UnmatchedStateError } from "@eddy/core";
import type { DashboardView } from "@eddy/observability";
import { type Observation, observe } from "./observe.ts";
import type { Runtime, WorkerSupervision } from "./runtime.ts";
import { dateTime, style } from "./style.ts";
import { superviseWorkers, type WorkerConfigError } from "./workers/supervisor.ts";

/** What {@link runApp} prints before the run, and the app's dashboard views. */
export interface AppBanner {
  readonly title: string;
  readonly lines: readonly string[];
  /** Printed last, e.g. the header of the console's columns. */
  readonly header?: string;
  /**
   * The app's views of the dashboard, attached to the job's streams. Called only when the
   * dashboard is on, before the run: a job nobody watches gets no extra sinks.
   */
  readonly views?: () => readonly DashboardView[];
}

/**
 * Runs an app's job: prints what it runs with and where it resumes from, starts the dashboard,
 * metrics and progress line the settings ask for, runs until the input ends or Ctrl-C (which
 * takes a savepoint), says how to go on, and closes the runtime.
 *
 * With `--workers N` it runs no job itself: it starts N worker processes of the same command and
 * supervises them (see {@link superviseWorkers}). As one of several workers, a job that cannot
 * run on several (a source that cannot split, a keyed operator not co-partitioned with it) is
 * one line and exit status 2, told to the supervisor too.
 */
export async function runApp(job: Job, runtime: Runtime, banner: AppBanner): Promise<JobResult> {
  if (runtime.supervisor) return supervise(runtime, runtime.supervisor, banner);
  const worker = runtime.cluster;
  // A supervised worker whose supervisor is gone stops (gracefully): nobody would restart it.
  const onOrphaned = () => process.kill(process.pid, "SIGTERM");
  if (worker?.supervised) process.once("disconnect", onOrphaned);
  let observation: Observation | undefined;
  try {
    observation = await observe(job, {
      settings: runtime.observe,
      logger: runtime.logger,
      consolePrints: runtime.sinks.has("console"),
      ...(worker ? { leases: worker.leases } : {}),
      ...(banner.views ? { views: banner.views } : {}),
    });
    if (worker?.supervised) {
      // The supervisor printed the banner; a worker says only where to watch it.
      for (const line of observation.lines) console.log(`  ${worker.workerId}: ${line}`);
    } else {
      console.log(style("bold", banner.title));
      for (const line of [...runtime.summary, ...banner.lines]) console.log(style("dim", `  ${line}`));
      for (const line of observation.lines) console.log(`  ${line}`);
      console.log(style("dim", `  ${await resumeNote(job.name, runtime)}`));
      console.log(style("dim", "  Ctrl-C stops with a savepoint; run the same command again to resume\n"));
      if (banner.header !== undefined) console.log(banner.header);
    }
    const result = await runOrExplain(job, runtime);
    if (worker?.supervised) return result;
    const end =
      result.outcome === "stopped"
        ? runtime.store
          ? "stopped; the savepoint is stored: run again to resume, or add --fresh to start over"
          : "stopped (no checkpoints: a restart starts over)"
        : "finished: the input has ended";
    console.log(style("bold", `\n${end}`));
    return result;
  } catch (error) {
    if (error instanceof UnmatchedStateError) {
      console.error(
        style(
          "red",
          "\nthe stored checkpoint is from a differently configured job: add --fresh to start over",
        ),
      );
    }
    throw error;
  } finally {
    await observation?.close();
    await runtime.close();
    if (worker?.supervised) {
      process.off("disconnect", onOrphaned);
      process.disconnect?.();
    }
  }
}

/** Runs `job`; as a worker, a job that cannot run on several workers is one line and status 2. */
async function runOrExplain(job: Job, runtime: Runtime): Promise<JobResult> {
  try {
    return await job.run();
  } catch (error) {
    if (!runtime.cluster || !(error instanceof PipelineDefinitionError)) throw error;
    if (runtime.cluster.supervised && process.send) {
      const report: WorkerConfigError = { type: "eddy:config-error", message: error.message };
      await new Promise<void>((resolve) => process.send!(report, () => resolve()));
    } else console.error(error.message);
    await runtime.close();
    process.exit(2);
  }
}

/** `--workers N`: the banner, then the worker processes until they are all done. */
async function supervise(
  runtime: Runtime,
  supervision: WorkerSupervision,
  banner: AppBanner,
): Promise<JobResult> {
  console.log(style("bold", banner.title));
  for (const line of [...runtime.summary, ...banner.lines]) console.log(style("dim", `  ${line}`));
  console.log(style("dim", "  Ctrl-C stops every worker; run the same command again to resume\n"));
  try {
    const ended = await superviseWorkers({
      workerIds: supervision.workerIds,
      leases: supervision.leases,
      servesLeases: supervision.servesLeases,
      script: process.argv[1]!,
      args: process.argv.slice(2),
      print: (line) => console.log(style("dim", line)),
    });
    if (ended.outcome === "config-error") {
      console.error(ended.message);
      await runtime.close();
      process.exit(2);
    }
    console.log(
      style(
        "bold",
        `\n${ended.outcome === "finished" ? "finished: the input has ended" : "stopped: every worker stopped"}`,
      ),
    );
    return { outcome: ended.outcome, restoredFrom: undefined };
  } finally {
    await runtime.close();
  }
}

async function resumeNote(job: string, runtime: Runtime): Promise<string> {
  if (!runtime.store) return "starting from the beginning";
  if (runtime.fresh) return "starting over (--fresh): stored checkpoints are ignored";
  const [latest] = await runtime.store.checkpoints(job);
  if (!latest) return `no checkpoint of job "${job}" yet: starting from the beginning`;
  const what =
    latest.kind === "savepoint" ? `savepoint ${latest.checkpointId}` : `checkpoint ${latest.checkpointId}`;
  return `resuming from ${what}, taken ${dateTime(latest.completedAt)} UTC`;
}
