import type { Job, JobResult, Logger } from "@eddy/core";
import type { Runtime } from "./runtime.ts";
import { dateTime, style } from "./style.ts";

/** The runtime's log lines, dimmed so they stand apart from results. */
export const appLogger: Logger = {
  info: (message) => console.error(style("dim", `· ${message}`)),
  warn: (message) => console.error(style("yellow", `! ${message}`)),
  error: (message) => console.error(style("red", `✗ ${message}`)),
};

/**
 * Runs an app's job: prints what it runs with and where it resumes from, runs until the input
 * ends or Ctrl-C (which takes a savepoint), says how to go on, and closes the runtime.
 */
export async function runApp(
  job: Job,
  runtime: Runtime,
  banner: { readonly title: string; readonly lines: readonly string[]; readonly header?: string },
): Promise<JobResult> {
  console.log(style("bold", banner.title));
  for (const line of [...runtime.summary, ...banner.lines]) console.log(style("dim", `  ${line}`));
  console.log(style("dim", `  ${await resumeNote(job.name, runtime)}`));
  console.log(style("dim", "  Ctrl-C stops with a savepoint; run the same command again to resume\n"));
  if (banner.header !== undefined) console.log(banner.header);
  try {
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
