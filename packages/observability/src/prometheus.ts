import type { Job } from "@eddy/core";
import { collectDefaultMetrics, Registry } from "prom-client";
import type { LeaseTableWatch } from "./cluster/lease-table-watch.ts";
import { registerClusterMetrics } from "./cluster-metrics.ts";
import { type JobReading, readJob } from "./job-reading.ts";
import { type MetricSpec, registerMetricSpecs, type Series } from "./metric-specs.ts";

/**
 * Options of {@link prometheusRegistry}; defaults in {@link PROMETHEUS_DEFAULTS}.
 *
 * @example
 * const options: PrometheusOptions = { prefix: "fx_", processMetrics: false };
 */
export interface PrometheusOptions {
  /** Prefix of every Eddy metric name. */
  readonly prefix?: string;
  /**
   * Also export Node's process metrics (CPU, memory, event-loop lag, GC) with their usual names.
   * They are collected once per process and shared by every registry this returns.
   */
  readonly processMetrics?: boolean;
  /**
   * Register the job's metrics into this registry (e.g. one the application already serves)
   * instead of a new one; process metrics are then the application's business.
   */
  readonly registry?: Registry;
  /**
   * The job runs on several workers: also export the whole job's workers and leases as this
   * watch of its lease table reads them (`eddy_cluster_*`, see {@link registerClusterMetrics}).
   */
  readonly leases?: LeaseTableWatch;
}

/**
 * Defaults of {@link PrometheusOptions}.
 *
 * @example
 * const name = `${PROMETHEUS_DEFAULTS.prefix}operator_records_in_total`;
 */
export const PROMETHEUS_DEFAULTS = {
  /** Every Eddy metric's name starts with `eddy_`. */
  prefix: "eddy_",
  /** Node's process metrics are included. */
  processMetrics: true,
} as const;

const JOB_STATUSES = ["created", "running", "finished", "stopped", "failed"] as const;
const SPLIT_STATUSES = ["active", "idle", "finished"] as const;

/** Timestamps and durations go out in seconds, as Prometheus expects. */
const seconds = (ms: number) => ms / 1000;

/**
 * The metrics, each read from a {@link JobReading}. Label `job_name`, not `job`: Prometheus sets
 * `job` itself from the scrape configuration (Flink's reporter makes the same choice).
 */
const SPECS: readonly MetricSpec<JobReading>[] = [
  {
    name: "job_status",
    help: "1 for the job's current status (created, running, finished, stopped, failed), else 0.",
    type: "gauge",
    labels: ["job_name", "status"],
    series: (r) => JOB_STATUSES.map((status) => [{ job_name: r.job, status }, r.status === status ? 1 : 0]),
  },
  {
    name: "job_start_time_seconds",
    help: "Processing time the job's current run started, in seconds since the epoch.",
    type: "gauge",
    labels: ["job_name"],
    series: (r) => (r.startedAt === undefined ? [] : [[{ job_name: r.job }, seconds(r.startedAt)]]),
  },
  {
    name: "operator_info",
    help: "One series per node of the job graph: its kind (source, operator, union, side-output, sink) and label.",
    type: "gauge",
    labels: ["job_name", "operator_name", "kind", "label"],
    series: (r) =>
      r.nodes.map((n) => [{ job_name: r.job, operator_name: n.id, kind: n.kind, label: n.label }, 1]),
  },
  {
    name: "operator_records_in_total",
    help: "Records received by the node (sinks: written).",
    type: "counter",
    labels: ["job_name", "operator_name"],
    series: (r) => perNode(r, (n) => (n.kind === "source" ? undefined : n.recordsIn)),
  },
  {
    name: "operator_records_out_total",
    help: "Records sent on the node's main output (sources: read).",
    type: "counter",
    labels: ["job_name", "operator_name"],
    series: (r) => perNode(r, (n) => (n.kind === "sink" ? undefined : n.recordsOut)),
  },
  {
    name: "operator_side_output_records_total",
    help: "Records the node sent to a side output (late data, errors, dead letters), by tag.",
    type: "counter",
    labels: ["job_name", "operator_name", "tag"],
    series: (r) =>
      r.nodes.flatMap((n) =>
        Object.entries(n.sideOutputRecords).map(
          ([tag, records]): Series => [{ job_name: r.job, operator_name: n.id, tag }, records],
        ),
      ),
  },
  {
    name: "operator_late_records_side_output_total",
    help: "Records later than the watermark plus allowed lateness, routed to the late side output.",
    type: "counter",
    labels: ["job_name", "operator_name"],
    series: (r) => perNode(r, (n) => (n.kind === "operator" ? n.lateRecordsSideOutput : undefined)),
  },
  {
    name: "operator_late_records_dropped_total",
    help: "Late records of an operator without a late side output: counted, not emitted.",
    type: "counter",
    labels: ["job_name", "operator_name"],
    series: (r) => perNode(r, (n) => (n.kind === "operator" ? n.lateRecordsDropped : undefined)),
  },
  {
    name: "operator_failed_records_total",
    help: "Records that failed in a user function and went to the operator's error output.",
    type: "counter",
    labels: ["job_name", "operator_name"],
    series: (r) => perNode(r, (n) => (n.kind === "operator" ? n.failedRecords : undefined)),
  },
  {
    name: "operator_dead_letters_total",
    help: "Records a source or sink could not read or write, set aside as dead letters with their reason.",
    type: "counter",
    labels: ["job_name", "operator_name"],
    series: (r) => perNode(r, (n) => (n.kind === "source" || n.kind === "sink" ? n.deadLetters : undefined)),
  },
  {
    name: "operator_watermark_seconds",
    help: "The node's current watermark (event time, seconds since the epoch); +Inf once the input ended.",
    type: "gauge",
    labels: ["job_name", "operator_name"],
    series: (r) =>
      perNode(r, (n) =>
        n.watermark === undefined
          ? undefined
          : n.watermark === "end"
            ? Number.POSITIVE_INFINITY
            : seconds(n.watermark),
      ),
  },
  {
    name: "operator_watermark_lag_seconds",
    help: "Processing time minus the node's watermark: how far event time is behind.",
    type: "gauge",
    labels: ["job_name", "operator_name"],
    series: (r) =>
      perNode(r, (n) => (n.watermarkLagMs === undefined ? undefined : seconds(n.watermarkLagMs))),
  },
  {
    name: "operator_backpressured_seconds_total",
    help: "Sources: time spent waiting because sinks had too many writes in flight (backpressure).",
    type: "counter",
    labels: ["job_name", "operator_name"],
    series: (r) => perNode(r, (n) => (n.kind === "source" ? seconds(n.backPressuredTimeMs) : undefined)),
  },
  {
    name: "operator_busy_seconds_total",
    help: "Sinks: time with an asynchronous write queued or in flight.",
    type: "counter",
    labels: ["job_name", "operator_name"],
    series: (r) => perNode(r, (n) => (n.kind === "sink" ? seconds(n.busyTimeMs) : undefined)),
  },
  {
    name: "edge_records_total",
    help: "Records sent along an edge of the job graph (from one node to a node reading it).",
    type: "counter",
    labels: ["job_name", "from", "to"],
    series: (r) => r.edges.map((e) => [{ job_name: r.job, from: e.from, to: e.to }, e.records]),
  },
  {
    name: "source_split_behind_latest_seconds",
    help: "How far a split's reader is behind the split's newest record (Kinesis MillisBehindLatest / 1000).",
    type: "gauge",
    labels: ["job_name", "operator_name", "split"],
    series: (r) =>
      perSplit(r, (s) => (s.millisBehindLatest === undefined ? undefined : seconds(s.millisBehindLatest))),
  },
  {
    name: "source_split_position",
    help: "A split's position after its last record handed downstream, for sources whose position is a number.",
    type: "gauge",
    labels: ["job_name", "operator_name", "split"],
    series: (r) => perSplit(r, (s) => (typeof s.position === "number" ? s.position : undefined)),
  },
  {
    name: "source_split_status",
    help: "1 for a split's current status (active, idle, finished), else 0.",
    type: "gauge",
    labels: ["job_name", "operator_name", "split", "status"],
    series: (r) =>
      r.nodes.flatMap((n) =>
        (n.splits ?? []).flatMap((s) =>
          SPLIT_STATUSES.map(
            (status): Series => [
              { job_name: r.job, operator_name: n.id, split: s.split, status },
              s.status === status ? 1 : 0,
            ],
          ),
        ),
      ),
  },
  {
    name: "checkpoints_completed_total",
    help: "Checkpoints stored.",
    type: "counter",
    labels: ["job_name"],
    series: (r) => [[{ job_name: r.job }, r.checkpoints.completed]],
  },
  {
    name: "checkpoints_failed_total",
    help: "Checkpoints that could not be stored within the tolerated failures.",
    type: "counter",
    labels: ["job_name"],
    series: (r) => [[{ job_name: r.job }, r.checkpoints.failed]],
  },
  {
    name: "checkpoint_failed_attempts_total",
    help: "Attempts to store a checkpoint that failed and were retried or given up.",
    type: "counter",
    labels: ["job_name"],
    series: (r) => [[{ job_name: r.job }, r.checkpoints.failedAttempts]],
  },
  {
    name: "checkpoint_last_duration_seconds",
    help: "From the last completed checkpoint's barrier until the store had it.",
    type: "gauge",
    labels: ["job_name"],
    series: (r) => optional(r, r.checkpoints.lastDurationMs, seconds),
  },
  {
    name: "checkpoint_last_size_bytes",
    help: "Bytes the last completed checkpoint wrote (not those it shares with earlier ones).",
    type: "gauge",
    labels: ["job_name"],
    series: (r) => optional(r, r.checkpoints.lastDurationMs, () => r.checkpoints.lastBytesWritten),
  },
  {
    name: "checkpoint_last_key_groups_written",
    help: "Key-group blobs the last completed checkpoint wrote.",
    type: "gauge",
    labels: ["job_name"],
    series: (r) => optional(r, r.checkpoints.lastDurationMs, () => r.checkpoints.lastKeyGroupsWritten),
  },
  {
    name: "checkpoint_last_completed_timestamp_seconds",
    help: "Processing time the last checkpoint was stored, in seconds since the epoch.",
    type: "gauge",
    labels: ["job_name"],
    series: (r) => optional(r, r.checkpoints.lastCompletedAt, seconds),
  },
  {
    name: "checkpoint_last_age_seconds",
    help: "Processing time since the last checkpoint was stored.",
    type: "gauge",
    labels: ["job_name"],
    series: (r) => optional(r, r.checkpoints.lastAgeMs, seconds),
  },
];

/**
 * A prom-client registry with the job's metrics: per operator records in and out, late records
 * side-output and dropped, failed records, watermark and watermark lag, backpressure (sources) and
 * busy time (sinks); records per edge; per source split the lag behind the head, the position
 * and the status; per job the checkpoints (completed, failed, last duration, size, key groups,
 * age). Every value is read from the job when Prometheus scrapes (collect callbacks), so the
 * registry adds nothing to the job's record path.
 *
 * Names follow Prometheus' conventions (`_total` counters, seconds, bytes) with the prefix
 * `eddy_`; labels are `job_name`, `operator_name` (the node id of `job.describe()`), `split`, `tag`.
 *
 * @example
 * const registry = prometheusRegistry(job);
 * const text = await registry.metrics(); // eddy_operator_records_in_total{job_name="fx",operator_name="stats"} 1200
 */
export function prometheusRegistry(job: Job, options: PrometheusOptions = {}): Registry {
  const prefix = options.prefix ?? PROMETHEUS_DEFAULTS.prefix;
  const registry = options.registry ?? new Registry();
  // One reading serves every metric of a scrape: the cache is dropped once the scrape's turn of
  // the event loop is over.
  let cached: JobReading | undefined;
  const read = (): JobReading => {
    if (!cached) {
      cached = readJob(job);
      setImmediate(() => {
        cached = undefined;
      });
    }
    return cached;
  };
  registerMetricSpecs(registry, SPECS, read, prefix);
  if (options.leases) registerClusterMetrics(registry, options.leases, { job: job.name, prefix });
  if (options.registry || !(options.processMetrics ?? PROMETHEUS_DEFAULTS.processMetrics)) return registry;
  return Registry.merge([registry, processRegistry()]);
}

let sharedProcessRegistry: Registry | undefined;

/**
 * Node's process metrics, collected once: prom-client's collectors install a GC observer and an
 * event-loop monitor that are never removed, so a registry each would pile them up.
 */
function processRegistry(): Registry {
  if (!sharedProcessRegistry) {
    sharedProcessRegistry = new Registry();
    collectDefaultMetrics({ register: sharedProcessRegistry });
  }
  return sharedProcessRegistry;
}

function perNode(r: JobReading, value: (node: JobReading["nodes"][number]) => number | undefined): Series[] {
  const series: Series[] = [];
  for (const node of r.nodes) {
    const v = value(node);
    if (v !== undefined) series.push([{ job_name: r.job, operator_name: node.id }, v]);
  }
  return series;
}

function perSplit(
  r: JobReading,
  value: (split: NonNullable<JobReading["nodes"][number]["splits"]>[number]) => number | undefined,
): Series[] {
  const series: Series[] = [];
  for (const node of r.nodes) {
    for (const split of node.splits ?? []) {
      const v = value(split);
      if (v !== undefined) series.push([{ job_name: r.job, operator_name: node.id, split: split.split }, v]);
    }
  }
  return series;
}

/** A job-level series only once there is a value (e.g. after the first checkpoint). */
function optional(r: JobReading, present: number | undefined, value: (present: number) => number): Series[] {
  return present === undefined ? [] : [[{ job_name: r.job }, value(present)]];
}
