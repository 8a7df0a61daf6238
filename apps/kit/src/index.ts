/**
 * What the example apps share, so each app's own files are about its job: settings from flags and
 * environment ({@link readSettings}), the runtime they choose ({@link resolveRuntime}: embedded,
 * local stack or AWS), sources and sinks by mode, resources on the local stack, the producer job,
 * the dashboard, metrics, progress line and structured logs ({@link observe}), console styling, and
 * running the job on several workers ({@link superviseWorkers} for `--workers N`).
 * @packageDocumentation
 */
export { awsConnections, type Connections, localStackConnections } from "./connections.ts";
export { deadLetterConsole } from "./console-sinks.ts";
export { type DeadLetter, kinesisDeadLetter, operatorDeadLetter, withUndecodable } from "./dead-letters.ts";
export { jobFromEnvironment } from "./job-module.ts";
export {
  appLogger,
  LOG_LEVELS,
  type LogLevel,
  type Observation,
  type ObserveSettings,
  type ObserveTarget,
  observe,
  observeSettings,
} from "./observe.ts";
export { outputsOf, type StreamOutputs, sinkAll } from "./outputs.ts";
export { type ProducerOptions, producerJob, runProducer } from "./producer.ts";
export { hashOf, noise, seededRandom } from "./random.ts";
export {
  type AppResources,
  createResources,
  ensureDeliveryStream,
  ensureDynamoDbTable,
  ensureKinesisStream,
  ensureResources,
} from "./resources.ts";
export { type AppBanner, runApp } from "./run.ts";
export {
  type ClusterWorker,
  checkpointStoreFor,
  DATA_DIRECTORY,
  MODE_DEFAULTS,
  MODES,
  type Mode,
  pipelineOptions,
  producerSettings,
  type Runtime,
  type RuntimeSettings,
  resolveProducerRuntime,
  resolveRuntime,
  runtimeSettings,
  SINK_KINDS,
  type SinkKind,
  SOURCE_KINDS,
  type SourceKind,
  type WorkerSupervision,
} from "./runtime.ts";
export {
  boolean,
  duration,
  helpText,
  integer,
  listOf,
  oneOf,
  orExit,
  percentage,
  positiveNumber,
  readmeSettingsTable,
  readSettings,
  type Setting,
  SettingsError,
  type SettingValues,
  settingsOrExit,
  settingsTable,
  text,
} from "./settings.ts";
export {
  APP_KINESIS_DEFAULTS,
  GENERATOR_SPLITS,
  type RecordSource,
  type RecordSourceOptions,
  recordSource,
} from "./sources.ts";
export { clockTime, dateTime, shortDuration, style, thousands } from "./style.ts";
export { clusterSettings, leaseTimingFor } from "./workers/cluster-settings.ts";
export { type IpcLeaseStoreOptions, ipcLeaseStore } from "./workers/ipc-lease-store.ts";
export { serveLeases } from "./workers/lease-server.ts";
export { type LeaseTables, supervisorLeaseTables } from "./workers/lease-tables.ts";
export {
  describeHoldings,
  SUPERVISOR_DEFAULTS,
  type SupervisorOptions,
  type SupervisorOutcome,
  superviseWorkers,
} from "./workers/supervisor.ts";
export { SUPERVISED_WORKER_ENV, type WorkerRole, workerRoleOf } from "./workers/worker-role.ts";
export { claimWorkerIds } from "./workers/worker-slots.ts";
