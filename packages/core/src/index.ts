/**
 * Eddy: Flink's model for TypeScript — a typed dataflow DSL and an event-time runtime on RxJS.
 * @packageDocumentation
 */

export type { AggregateFunction } from "./aggregates/aggregate-function.ts";
export {
  type BlobRef,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointManifest,
  type CheckpointStore,
  type CheckpointToStore,
  CorruptCheckpointError,
  type KeyGroupBlobRef,
  type OperatorStateRef,
} from "./checkpoint/checkpoint-store.ts";
export { checksumOf } from "./checkpoint/checksum.ts";
export {
  CHECKPOINT_DEFAULTS,
  CheckpointFailedError,
  type CheckpointOptions,
} from "./checkpoint/coordinator.ts";
export { consoleLogger, type Logger, silentLogger } from "./checkpoint/logger.ts";
export { MemoryCheckpointStore } from "./checkpoint/memory-store.ts";
export type { StartFrom } from "./checkpoint/restore.ts";
export { blobKeysOf, planRetention } from "./checkpoint/retention.ts";
export { DataStream } from "./dsl/data-stream.ts";
export { KeyedStream, type OverResult, OverStream } from "./dsl/keyed-stream.ts";
export { type FailedRecord, OutputTag } from "./dsl/output-tag.ts";
export type { ProcessContext, ProcessFunction } from "./dsl/process-function.ts";
export { type ProcessWindowFunction, type WindowContext, WindowedStream } from "./dsl/windowed-stream.ts";
export type {
  KeyedProcessContext,
  KeyedProcessFunction,
  OnTimerContext,
  TimerService,
} from "./keyed/keyed-process-function.ts";

export {
  type ListState,
  listState,
  type MapState,
  mapState,
  type StateHandles,
  type ValueState,
  valueState,
} from "./keyed/state-descriptors.ts";
export type { OverFrame } from "./over/over-operator.ts";
export { Job, type JobResult, type PipelineOptions, pipeline } from "./pipeline.ts";
export type { DataBatch, SplitId, StreamElement } from "./runtime/elements.ts";
export { OperatorError, PipelineDefinitionError } from "./runtime/errors.ts";
export { JobMetrics, OperatorMetrics } from "./runtime/metrics.ts";
export type {
  Operator,
  OperatorContext,
  OperatorFactory,
  OperatorOptions,
  Output,
} from "./runtime/operator.ts";
export type { Sink, SinkContext } from "./runtime/sink.ts";
export type {
  Source,
  SourceBatch,
  SourceContext,
  SourceEvent,
  SourceReader,
  SourceSplitEvent,
} from "./runtime/source.ts";
export { DEFAULT_KEY_GROUPS, type Key, keyGroupOf } from "./state/key-group.ts";
export { type KeyEntry, KeyedHeap, type KeyGroupSnapshot } from "./state/keyed-heap.ts";
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
export { type Trigger, type TriggerContext, TriggerResult } from "./windows/trigger.ts";
export { type GlobalWindow, maxTimestamp, type TimeWindow, type WindowResult } from "./windows/window.ts";
