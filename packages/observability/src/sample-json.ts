import type { CheckpointReading, EdgeReading, NodeReading } from "./job-reading.ts";
import type { JobSample, JobTotals, NodeRates } from "./job-sampler.ts";

/** A {@link JobSample} as the JSON endpoint and the dashboard send it. */
export interface JobSampleJson {
  readonly job: string;
  readonly status: string;
  readonly time: number;
  readonly startedAt: number | undefined;
  readonly endedAt: number | undefined;
  readonly totals: JobTotals;
  readonly nodes: readonly (NodeReading & { readonly rates: NodeRates })[];
  readonly edges: readonly (EdgeReading & { readonly rate: number })[];
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
