/**
 * See a running Eddy job: Prometheus and JSON metrics, CloudWatch metrics (EMF), a live web dashboard with custom views,
 * progress lines and structured logs. Nothing here runs unless called: a job without it only
 * increments its counters.
 * @packageDocumentation
 * @module @eddy/observability
 */

export {
  CLOUDWATCH_METRICS_DEFAULTS,
  type CloudWatchMetricsOptions,
  type CloudWatchMetricsReporter,
  cloudWatchMetrics,
} from "./cloudwatch/cloudwatch-metrics.ts";
export {
  holdingsOf,
  LEASE_TABLE_WATCH_DEFAULTS,
  type LeaseMoves,
  type LeaseTableReading,
  type LeaseTableWatch,
  type LeaseTableWatchOptions,
  movesBetween,
  type WorkerHoldings,
  watchLeaseTable,
} from "./cluster/lease-table-watch.ts";
export { workersViews } from "./cluster/workers-views.ts";
export { registerClusterMetrics } from "./cluster-metrics.ts";
export {
  DASHBOARD_DEFAULTS,
  type Dashboard,
  type DashboardOptions,
  dashboard,
} from "./dashboard/dashboard.ts";
export type { ControlOptions } from "./http/control-routes.ts";
export type { HttpEndpoint } from "./http/listen.ts";
export {
  type CheckpointReading,
  type EdgeReading,
  type JobReading,
  type NodeReading,
  readJob,
  type WatermarkReading,
} from "./job-reading.ts";
export {
  type JobSample,
  JobSampler,
  type JobTotals,
  type NodeRates,
  SAMPLER_DEFAULTS,
  type SamplerOptions,
} from "./job-sampler.ts";
export { type EddyLogger, LOG_LEVEL_ENV, type PinoLoggerOptions, pinoLogger } from "./pino-logger.ts";
export {
  PROGRESS_DEFAULTS,
  type ProgressOptions,
  type ProgressReporter,
  type ProgressStream,
  progressReporter,
} from "./progress-reporter.ts";
export { PROMETHEUS_DEFAULTS, type PrometheusOptions, prometheusRegistry } from "./prometheus.ts";
export type { JobSampleJson } from "./sample-json.ts";
export {
  type MetricsServer,
  SERVE_METRICS_DEFAULTS,
  type ServeMetricsOptions,
  serveMetrics,
} from "./serve-metrics.ts";
export {
  LINE_CHART_DEFAULTS,
  LineChart,
  type LineChartOptions,
  lineChart,
  type MarkerOptions,
} from "./views/line-chart.ts";
export { type Row, type RowOf, TABLE_DEFAULTS, Table, type TableOptions, table } from "./views/table.ts";
export type { DashboardView } from "./views/view.ts";
