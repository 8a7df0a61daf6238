import type { Job } from "@eddy/core";
import { AgentSink, createMetricsLogger, LocalSink, MetricsLogger, Unit } from "aws-embedded-metrics";
import { type JobReading, type NodeReading, readJob } from "../job-reading.ts";

/**
 * Options of {@link cloudWatchMetrics}; defaults in {@link CLOUDWATCH_METRICS_DEFAULTS}.
 *
 * @example
 * const options: CloudWatchMetricsOptions = { namespace: "FxPricing", every: 60_000, output: "stdout" };
 */
export interface CloudWatchMetricsOptions {
  /** The CloudWatch namespace the metrics go to. */
  readonly namespace?: string;
  /** Interval between two reports (ms of the job's processing time). */
  readonly every?: number;
  /**
   * Where the Embedded Metric Format documents go:
   * - `stdout`: one JSON line each on standard output, which CloudWatch Logs extracts metrics from
   *   on ECS (awslogs, FireLens), Fargate, EKS with Fluent Bit, and Lambda;
   * - `agent`: the CloudWatch agent's EMF endpoint (`AWS_EMF_AGENT_ENDPOINT`, default
   *   `tcp://127.0.0.1:25888`), on EC2 or a sidecar;
   * - `auto`: aws-embedded-metrics' own detection (`AWS_EMF_ENVIRONMENT`, Lambda, ECS, EC2 probe).
   */
  readonly output?: "stdout" | "agent" | "auto";
}

/**
 * Defaults of {@link CloudWatchMetricsOptions}: namespace `Eddy`, a report a minute (CloudWatch's
 * standard resolution), on standard output.
 *
 * @example
 * const reportsPerHour = 3_600_000 / CLOUDWATCH_METRICS_DEFAULTS.every; // 60
 */
export const CLOUDWATCH_METRICS_DEFAULTS = {
  /** Metrics go to the `Eddy` namespace. */
  namespace: "Eddy",
  /** One report a minute. */
  every: 60_000,
  /** EMF lines on standard output. */
  output: "stdout",
} as const;

/**
 * A running CloudWatch reporter.
 *
 * @example
 * const reporter: CloudWatchMetricsReporter = cloudWatchMetrics(job);
 * await job.run();
 * await reporter.stop();
 */
export interface CloudWatchMetricsReporter {
  /** Reports now (what changed since the last report), without waiting for the interval. */
  flush(): Promise<void>;
  /** Reports once more and stops. Call it when `job.run()` settles. */
  stop(): Promise<void>;
}

/** One metric of a report: its name, its unit, its value (or values, for a histogram). */
interface Datum {
  readonly name: string;
  readonly unit: Unit;
  readonly value: number | readonly number[];
}

/**
 * Reports a job's metrics to Amazon CloudWatch in the Embedded Metric Format (EMF), through the
 * aws-embedded-metrics library: each report writes one document per dimension set, and CloudWatch
 * Logs turns them into metrics without an API call from the job. Opt in; nothing runs without it.
 *
 * Each report covers the interval since the previous one (counters as differences):
 * - per source, operator and sink (dimensions `Job`, `Operator`): `RecordsIn`, `RecordsOut`,
 *   `DeadLetters`, `LateRecordsDropped`, `FailedRecords` (Count), `WatermarkLag` (Milliseconds,
 *   processing time minus the node's watermark);
 * - per source split, e.g. a Kinesis shard (dimensions `Job`, `Operator`, `Shard`):
 *   `MillisBehindLatest` (Milliseconds);
 * - per job (dimension `Job`): `CheckpointDuration` (Milliseconds) and `CheckpointSize` (Bytes) of
 *   every checkpoint completed in the interval, `CheckpointFailures` and `CheckpointFailedAttempts`
 *   (Count).
 *
 * Time: reports are stamped with the job's processing time and run on its clock.
 *
 * @example
 * const job = pipeline("fx-pricing", { checkpoints: { every: seconds(10), store } });
 * job.source(fromIterable([1, 2, 3])).sink(consoleSink());
 * const reporter = cloudWatchMetrics(job, { namespace: "FxPricing" });
 * try {
 *   await job.run();
 * } finally {
 *   await reporter.stop();
 * }
 */
export function cloudWatchMetrics(
  job: Job,
  options: CloudWatchMetricsOptions = {},
): CloudWatchMetricsReporter {
  const namespace = options.namespace ?? CLOUDWATCH_METRICS_DEFAULTS.namespace;
  const every = options.every ?? CLOUDWATCH_METRICS_DEFAULTS.every;
  const output = options.output ?? CLOUDWATCH_METRICS_DEFAULTS.output;
  if (!(every > 0)) throw new RangeError(`cloudWatchMetrics: every must be > 0 ms, got ${every}`);
  if (namespace.length < 1 || namespace.length > 255) {
    throw new RangeError(`cloudWatchMetrics: namespace must have 1 to 255 characters, got "${namespace}"`);
  }
  const newLogger = loggerFactory(output);
  let previous: JobReading | undefined;
  let stopped = false;
  let flushing: Promise<void> = Promise.resolve();

  const report = async () => {
    const reading = readJob(job, Number.POSITIVE_INFINITY);
    const documents = emfDocuments(reading, previous);
    previous = reading;
    for (const { dimensions, data } of documents) {
      const logger = newLogger();
      logger.setNamespace(namespace);
      logger.setDimensions(dimensions, false);
      logger.setTimestamp(new Date(reading.time));
      for (const datum of data) {
        for (const value of typeof datum.value === "number" ? [datum.value] : datum.value) {
          logger.putMetric(datum.name, value, datum.unit);
        }
      }
      await logger.flush();
    }
  };
  const flush = () => {
    flushing = flushing.then(report);
    return flushing;
  };

  let cancel = job.clock.schedule(job.clock.now() + every, function tick() {
    void flush();
    if (!stopped) cancel = job.clock.schedule(job.clock.now() + every, tick);
  });
  return {
    flush,
    async stop() {
      if (stopped) return flushing;
      stopped = true;
      cancel();
      return flush();
    },
  };
}

function loggerFactory(output: "stdout" | "agent" | "auto"): () => MetricsLogger {
  if (output === "auto") return createMetricsLogger;
  const sink = output === "stdout" ? new LocalSink() : new AgentSink("eddy");
  const environment = {
    probe: async () => true,
    getName: () => "eddy",
    getType: () => "eddy",
    getLogGroupName: () => "eddy",
    configureContext: () => {},
    getSink: () => sink,
  };
  return () => new MetricsLogger(async () => environment);
}

/** One EMF document: its dimension set and its metrics. */
interface EmfDocument {
  readonly dimensions: Record<string, string>;
  readonly data: readonly Datum[];
}

/** What a report writes, from this reading and the one before (counters become differences). */
export function emfDocuments(reading: JobReading, previous: JobReading | undefined): EmfDocument[] {
  const documents: EmfDocument[] = [];
  const before = new Map(previous?.nodes.map((n) => [n.id, n]));
  const delta = (node: NodeReading, of: (n: NodeReading) => number) => {
    const earlier = before.get(node.id);
    return of(node) - (earlier === undefined ? 0 : of(earlier));
  };
  for (const node of reading.nodes) {
    // A union or side-output node only routes records: its figures are its inputs'.
    if (node.kind === "union" || node.kind === "side-output") continue;
    const data: Datum[] = [
      { name: "RecordsIn", unit: Unit.Count, value: delta(node, (n) => n.recordsIn) },
      { name: "RecordsOut", unit: Unit.Count, value: delta(node, (n) => n.recordsOut) },
      { name: "DeadLetters", unit: Unit.Count, value: delta(node, (n) => n.deadLetters) },
      { name: "LateRecordsDropped", unit: Unit.Count, value: delta(node, (n) => n.lateRecordsDropped) },
      { name: "FailedRecords", unit: Unit.Count, value: delta(node, (n) => n.failedRecords) },
    ];
    if (node.watermarkLagMs !== undefined) {
      data.push({ name: "WatermarkLag", unit: Unit.Milliseconds, value: node.watermarkLagMs });
    }
    documents.push({ dimensions: { Job: reading.job, Operator: node.id }, data });
    for (const split of node.splits ?? []) {
      if (split.millisBehindLatest === undefined) continue;
      documents.push({
        dimensions: { Job: reading.job, Operator: node.id, Shard: split.split },
        data: [{ name: "MillisBehindLatest", unit: Unit.Milliseconds, value: split.millisBehindLatest }],
      });
    }
  }
  const c = reading.checkpoints;
  const since = previous?.time ?? Number.NEGATIVE_INFINITY;
  const completed = c.history.filter((r) => r.status === "completed" && r.endedAt > since);
  const data: Datum[] = [
    { name: "CheckpointFailures", unit: Unit.Count, value: c.failed - (previous?.checkpoints.failed ?? 0) },
    {
      name: "CheckpointFailedAttempts",
      unit: Unit.Count,
      value: c.failedAttempts - (previous?.checkpoints.failedAttempts ?? 0),
    },
  ];
  if (completed.length > 0) {
    data.push(
      { name: "CheckpointDuration", unit: Unit.Milliseconds, value: completed.map((r) => r.durationMs) },
      { name: "CheckpointSize", unit: Unit.Bytes, value: completed.map((r) => r.bytesWritten) },
    );
  }
  documents.push({ dimensions: { Job: reading.job }, data });
  return documents;
}
