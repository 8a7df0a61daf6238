/**
 * Eddy: Flink's model for TypeScript — a typed dataflow DSL and an event-time runtime on RxJS.
 * @packageDocumentation
 */
export { pipeline, Job, type JobResult, type PipelineOptions } from "./pipeline.ts";
export { DataStream } from "./dsl/data-stream.ts";
export { KeyedStream, OverStream, type OverResult } from "./dsl/keyed-stream.ts";
export { WindowedStream, type ProcessWindowFunction, type WindowContext } from "./dsl/windowed-stream.ts";
export { OutputTag, type FailedRecord } from "./dsl/output-tag.ts";
export type { ProcessContext, ProcessFunction } from "./dsl/process-function.ts";

export { ms, seconds, minutes, hours, type Millis } from "./time/duration.ts";
export { systemClock, VirtualClock, type Clock, type Cancel } from "./time/clock.ts";

export {
  boundedOutOfOrderness,
  monotonous,
  type WatermarkGenerator,
  type WatermarkStrategy,
} from "./watermarks/watermark-strategy.ts";

export type { AggregateFunction } from "./aggregates/aggregate-function.ts";
export type { WindowAssigner } from "./windows/assigner.ts";
export { TriggerResult, type Trigger, type TriggerContext } from "./windows/trigger.ts";
export { maxTimestamp, type GlobalWindow, type TimeWindow, type WindowResult } from "./windows/window.ts";
export type { OverFrame } from "./over/over-operator.ts";

export {
  valueState,
  listState,
  mapState,
  type ValueState,
  type ListState,
  type MapState,
  type StateHandles,
} from "./keyed/state-descriptors.ts";
export type {
  KeyedProcessContext,
  KeyedProcessFunction,
  OnTimerContext,
  TimerService,
} from "./keyed/keyed-process-function.ts";

export type { Source, SourceBatch, SourceContext, SourceEvent, SourceReader, SourceSplitEvent } from "./runtime/source.ts";
export type { Sink, SinkContext } from "./runtime/sink.ts";
export type { Operator, OperatorContext, OperatorFactory, OperatorOptions, Output } from "./runtime/operator.ts";
export type { DataBatch, SplitId, StreamElement } from "./runtime/elements.ts";
export { OperatorError, PipelineDefinitionError } from "./runtime/errors.ts";
export { JobMetrics, OperatorMetrics } from "./runtime/metrics.ts";

export { type Key, keyGroupOf, DEFAULT_KEY_GROUPS } from "./state/key-group.ts";
export { KeyedHeap, type KeyEntry, type KeyGroupSnapshot } from "./state/keyed-heap.ts";
export { type Serde, v8Serde } from "./state/serde.ts";

export {
  CHECKPOINT_FORMAT_VERSION,
  CorruptCheckpointError,
  type BlobRef,
  type CheckpointManifest,
  type CheckpointStore,
  type CheckpointToStore,
  type KeyGroupBlobRef,
  type OperatorStateRef,
} from "./checkpoint/checkpoint-store.ts";
export {
  CHECKPOINT_DEFAULTS,
  CheckpointFailedError,
  type CheckpointOptions,
} from "./checkpoint/coordinator.ts";
export { MemoryCheckpointStore } from "./checkpoint/memory-store.ts";
export { checksumOf } from "./checkpoint/checksum.ts";
export { planRetention, blobKeysOf } from "./checkpoint/retention.ts";
export type { StartFrom } from "./checkpoint/restore.ts";
export { consoleLogger, silentLogger, type Logger } from "./checkpoint/logger.ts";
