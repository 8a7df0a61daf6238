import { Job } from "./job/job.ts";
import type { PipelineOptions } from "./job/pipeline-options.ts";

export { Job } from "./job/job.ts";
export type { JobResult } from "./job/job-run.ts";
export type { PipelineOptions } from "./job/pipeline-options.ts";

/**
 * Creates a job. Add sources with `job.source(...)`, build the pipeline on the returned streams,
 * then `await job.run()`.
 *
 * @example
 * const job = pipeline("word-count");
 * job.source(fromIterable(["a b", "b"]))
 *   .flatMap((line) => line.split(" "))
 *   .keyBy((word) => word)
 *   .reduce((a, b) => a + b)
 *   .sink(consoleSink());
 * await job.run();
 */
export function pipeline(name: string, options: PipelineOptions = {}): Job {
  return new Job(name, options);
}
