import type { Job, JobResult } from "@eddy/core";
import type { DashboardView } from "@eddy/observability";
import { type Observation, observe } from "./observe.ts";
import type { Runtime } from "./runtime.ts";
import { dateTime, style } from "./style.ts";

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
 */
export async function runApp(job: Job, runtime: Runtime, banner: AppBanner): Promise<JobResult> {
  let observation: Observation | undefined;
  try {
    observation = await observe(job, {
      settings: runtime.observe,
      logger: runtime.logger,
      consolePrints: runtime.sinks.has("console"),
      ...(banner.views ? { views: banner.views } : {}),
    });
    console.log(style("bold", banner.title));
    for (const line of [...runtime.summary, ...banner.lines]) console.log(style("dim", `  ${line}`));
    for (const line of observation.lines) console.log(`  ${line}`);
    console.log(style("dim", `  ${await resumeNote(job.name, runtime)}`));
    console.log(style("dim", "  Ctrl-C stops with a savepoint; run the same command again to resume\n"));
    if (banner.header !== undefined) console.log(banner.header);
    const result = await job.run();
    const end =
      result.outcome === "stopped"
        ? runtime.store
          ? "stopped; the savepoint is stored: run again to resume, or add --fresh to start over"
          : "stopped (no checkpoints: a restart starts over)"
        : "finished: the input has ended";
    console.log(style("bold", `\n${end}`));
    return result;
  } catch (error) {
    if (/holds state of operators this job does not have/.test(String(error))) {
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
