import type { CheckpointReading, EdgeReading, NodeReading } from "./job-reading.ts";
import type { JobSample, JobTotals, NodeRates } from "./job-sampler.ts";

/**
 * What `GET /metrics.json` answers (and what the dashboard receives): the latest sample as JSON.
 * `JSON.stringify` turns numbers that are not finite into `null`; a watermark at the end of input
 * is the string `"end"`.
 *
 * @example
 * const metrics = await serveMetrics(job, { port: 0 });
 * const sample = (await (await fetch(`${metrics.url}/metrics.json`)).json()) as JobSampleJson;
 * console.log(sample.totals.recordsInPerSecond, sample.edges.map((e) => `${e.from}->${e.to} ${e.rate}/s`));
 */
export interface JobSampleJson {
  /** The job's name. */
  readonly job: string;
  /** Created, running, or how its last run ended. */
  readonly status: string;
  /** Processing time of the sample (epoch ms). */
  readonly time: number;
  /** Processing time the run started. */
  readonly startedAt: number | undefined;
  /** Processing time the run ended. */
  readonly endedAt: number | undefined;
  /** The job as a whole. */
  readonly totals: JobTotals;
  /** Every node with its counters and `rates`. */
  readonly nodes: readonly (NodeReading & {
    /** Records in and out per second, backpressure and busy shares. */
    readonly rates: NodeRates;
  })[];
  /** Every edge with its records and `rate` (records per second). */
  readonly edges: readonly (EdgeReading & {
    /** Records per second along the edge. */
    readonly rate: number;
  })[];
  /** The checkpoint figures, with the recent history. */
  readonly checkpoints: CheckpointReading;
}

/**
 * One sample as plain JSON-ready data: each node with its rates, each edge with its rate.
 * `JSON.stringify` turns numbers that are not finite into `null`; a watermark at the end of
 * input is the string `"end"`.
 */
export function sampleJson(sample: JobSample): JobSampleJson {
  const { reading } = sample;
  return {
    job: reading.job,
    status: reading.status,
    time: reading.time,
    startedAt: reading.startedAt,
    endedAt: reading.endedAt,
    totals: sample.totals,
    nodes: reading.nodes.map((n) => ({ ...n, rates: sample.rates[n.id]! })),
    edges: reading.edges.map((e, i) => ({ ...e, rate: sample.edgeRates[i]! })),
    checkpoints: reading.checkpoints,
  };
}
