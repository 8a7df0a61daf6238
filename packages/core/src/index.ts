/**
 * Eddy: Flink's model for TypeScript — a typed dataflow DSL and an event-time runtime on RxJS.
 * @packageDocumentation
 * @module @eddy/core
 */

export type { AggregateFunction } from "./aggregates/aggregate-function.ts";
export { type AvgAccumulator, avg } from "./aggregates/avg.ts";
export { type ColumnarAccumulator, numberColumn } from "./aggregates/columnar.ts";
export { count } from "./aggregates/count.ts";
export { type FirstAccumulator, first } from "./aggregates/first.ts";
export { type LastAccumulator, last } from "./aggregates/last.ts";
export { max } from "./aggregates/max.ts";
export { min } from "./aggregates/min.ts";
export type { SlidingAccumulator } from "./aggregates/sliding/sliding-accumulator.ts";
export { type Stats, type StatsAccumulator, stats } from "./aggregates/stats.ts";
export { sum } from "./aggregates/sum.ts";
export { type TopNAccumulator, topN } from "./aggregates/top-n.ts";
export {
  ARN_PLACEHOLDERS,
  type AwsAccess,
  awsAccessOf,
  awsArn,
  type DeclaresAwsAccess,
} from "./aws/aws-access.ts";
export { CheckpointFailedError } from "./checkpoint/checkpoint-failed-error.ts";
export { CHECKPOINT_DEFAULTS, type CheckpointOptions } from "./checkpoint/checkpoint-options.ts";
export {
  type BlobRef,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointManifest,
  type CheckpointStore,
  type CheckpointToStore,
  CorruptCheckpointError,
  type KeyGroupBlobRef,
  type OperatorStateRef,
  type SplitWatermarksOf,
} from "./checkpoint/checkpoint-store.ts";
export {
  blobsFreedBy,
  CheckpointDeletionRefusedError,
  type CheckpointStoreAdmin,
  type DeleteCheckpointOptions,
  isCheckpointStoreAdmin,
  refuseDeletingLatest,
  savepointNameOf,
} from "./checkpoint/checkpoint-store-admin.ts";
export { checksumOf } from "./checkpoint/checksum.ts";
export { MemoryCheckpointStore } from "./checkpoint/memory-store.ts";
export { blobKeysOf, blobRefsOf, planRetention } from "./checkpoint/retention.ts";
export { isSharedBlobStore, type SharedBlobStore } from "./checkpoint/shared-blob-store.ts";
export type {
  JobSavepoint,
  SavepointDecision,
  SavepointLease,
  SavepointRequest,
  SavepointRestore,
  SavepointStore,
  SavepointWrite,
} from "./cluster/job-savepoint.ts";
export { holderOf, isFinished, type Lease, type NewLease, newLease, SHARD_END } from "./cluster/lease.ts";
export {
  type HeldLease,
  LeaseCoordinator,
  type LeaseCoordinatorOptions,
} from "./cluster/lease-coordinator.ts";
export { LEASE_DEFAULTS, type LeaseTimingOptions } from "./cluster/lease-defaults.ts";
export type { AssignmentReason, LeaseEvent } from "./cluster/lease-events.ts";
export type {
  AssignLeaseRequest,
  CheckpointLeaseRequest,
  KeyGroupPointer,
  LeaderFence,
  LeaderLock,
  LeaderWrite,
  LeaseCounters,
  LeaseRefusal,
  LeaseStore,
  LeaseTableSnapshot,
  LeaseWrite,
  PublishedCommittables,
  PublishedKeyGroup,
  PublishedLease,
  PublishRequest,
  PublishResult,
  ReleaseLeaseRequest,
  RenewLeaseRequest,
  StartHandoffRequest,
  TakeLeaseRequest,
  WorkerRecord,
  WorkerWrite,
} from "./cluster/lease-store.ts";
export { MemoryLeaseStore } from "./cluster/memory-lease-store.ts";
export { type TakeJobSavepointOptions, takeJobSavepoint } from "./cluster/take-job-savepoint.ts";
export { takeStagedJobSavepoint } from "./cluster/take-staged-job-savepoint.ts";
export { DataStream } from "./dsl/data-stream.ts";
export { KeyedStream, type OverResult, OverStream } from "./dsl/keyed-stream.ts";
export type { ProcessContext, ProcessFunction } from "./dsl/process-function.ts";
export { type ProcessWindowFunction, type WindowContext, WindowedStream } from "./dsl/windowed-stream.ts";
export {
  type IamPolicy,
  type IamPolicyOptions,
  type IamStatement,
  iamPolicy,
  policyOf,
} from "./iam/iam-policy.ts";
export { type AwsCall, checkPolicy } from "./iam/policy-check.ts";
export {
  AsyncSinkWriter,
  type AsyncSinkWriterOptions,
  type BatchResult,
  type BatchSubmitter,
  type RejectedEntry,
  SinkWriteError,
} from "./io/async-sink-writer.ts";
export { type AwsSdkClient, isAwsSdkClient } from "./io/aws-sdk-client.ts";
export { type CollectedRecord, type Collector, collectSink } from "./io/collect-sink.ts";
export { type ConsoleSinkOptions, consoleSink } from "./io/console-sink.ts";
export { type FromAsyncIterableOptions, fromAsyncIterable } from "./io/from-async-iterable.ts";
export { type FromIterableOptions, fromIterable } from "./io/from-iterable.ts";
export { type GeneratorSourceOptions, generatorSource } from "./io/generator-source.ts";
export { type JsonLinesSinkOptions, jsonLinesSink, type PendingPart } from "./io/json-lines-sink.ts";
export {
  type InvalidLineHandler,
  type JsonLinesPosition,
  type JsonLinesSourceOptions,
  jsonLinesSource,
} from "./io/json-lines-source.ts";
export { SOURCE_DEFAULTS } from "./io/source-support.ts";
export type { ClusterOptions, ClusterRepartition } from "./job/cluster-options.ts";
export { type StartFrom, UnmatchedStateError } from "./job/job-restore.ts";
export { checkpointToPosition, type PublishedPosition } from "./job/published-state.ts";
export {
  type CollectedCheckpoints,
  collectWorkerCheckpoints,
  type WorkerCheckpointCollection,
} from "./job/worker-checkpoint-collection.ts";
export type {
  KeyedProcessContext,
  KeyedProcessFunction,
  OnTimerContext,
  TimerService,
} from "./keyed/keyed-process-function.ts";
export {
  type ListState,
  type ListStateDescriptor,
  listState,
  type MapState,
  type MapStateDescriptor,
  mapState,
  type StateDescriptor,
  type StateHandles,
  type ValueState,
  type ValueStateDescriptor,
  valueState,
} from "./keyed/state-descriptors.ts";
export { consoleLogger, type Logger, silentLogger } from "./logging/logger.ts";
export type { OverFrame } from "./over/over-operator.ts";
export { Job, type JobResult, type PipelineOptions, pipeline } from "./pipeline.ts";
export {
  type RepartitionChannel,
  type RepartitionMessage,
  type RepartitionStreamWriter,
  repartitionStreamName,
} from "./repartition/repartition-channel.ts";
export {
  backoffDelay,
  DEFAULT_RETRY,
  RetriesExhaustedError,
  type RetryingSettings,
  type RetryOptions,
  retrying,
  retryOptions,
  sleep,
} from "./retry/retry-policy.ts";
export type { ConnectorContext } from "./runtime/connector-context.ts";
export { type DeadLetter, type DeadLetterOutput, loggingDeadLetters } from "./runtime/dead-letters.ts";
export type { DataBatch, SplitId, StreamElement } from "./runtime/elements.ts";
export { OperatorError, PipelineDefinitionError } from "./runtime/errors.ts";
export type { EdgeDescription, JobDescription, NodeDescription, StageDescription } from "./runtime/graph.ts";
export {
  CHECKPOINT_HISTORY_LIMIT,
  CheckpointMetrics,
  type CheckpointRecord,
  JobMetrics,
  type JobStatus,
  type OperatorCounters,
  OperatorMetrics,
  type SplitMetrics,
} from "./runtime/metrics.ts";
export type {
  Operator,
  OperatorContext,
  OperatorFactory,
  OperatorOptions,
  Output,
} from "./runtime/operator.ts";
export { type FailedRecord, OutputTag } from "./runtime/output-tag.ts";
export type { Sink, SinkContext, SinkWriter } from "./runtime/sink.ts";
export {
  isSplittable,
  type Source,
  type SourceBatch,
  type SourceContext,
  type SourceEvent,
  type SourceReader,
  type SourceSplit,
  type SourceSplitEvent,
  type SplitListingContext,
  type SplittableSource,
} from "./runtime/source.ts";
export { writerToken } from "./runtime/writer-token.ts";
export { DEFAULT_KEY_GROUPS, type Key, keyGroupOf } from "./state/key-group.ts";
export {
  type KeyEntry,
  KeyedHeap,
  type KeyGroupSnapshot,
  type OpaqueKeyGroupSnapshot,
} from "./state/keyed-heap.ts";
export { type Serde, v8Serde } from "./state/serde.ts";
export { type Cancel, type Clock, systemClock, VirtualClock } from "./time/clock.ts";
export { hours, type Millis, minutes, ms, seconds } from "./time/duration.ts";
export {
  boundedOutOfOrderness,
  monotonous,
  type WatermarkGenerator,
  type WatermarkStrategy,
} from "./watermarks/watermark-strategy.ts";
export type { WindowAssigner } from "./windows/assigner.ts";
export {
  type GlobalWindowAssigner,
  global,
  type SessionWindowAssigner,
  type SlidingWindowAssigner,
  session,
  sliding,
  slidingProcessingTime,
  type TumblingWindowAssigner,
  tumbling,
  tumblingProcessingTime,
  windowStart,
} from "./windows/assigners.ts";
export { type Trigger, type TriggerContext, TriggerResult } from "./windows/trigger.ts";
export {
  continuousEventTimeTrigger,
  countTrigger,
  eventTimeTrigger,
  type MergeTriggerContext,
  mergedTriggerStates,
  neverTrigger,
  processingTimeTrigger,
  purging,
} from "./windows/triggers.ts";
export { type GlobalWindow, maxTimestamp, type TimeWindow, type WindowResult } from "./windows/window.ts";
