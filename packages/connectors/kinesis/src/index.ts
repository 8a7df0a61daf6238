/**
 * Kinesis Data Streams for Eddy: a source that survives throttling, resharding and restarts, and
 * an at-least-once batching sink.
 * @packageDocumentation
 * @module @eddy/connector-kinesis
 */

export type { KinesisDeadLetter } from "./dead-letter.ts";
export { type Decoder, json, type RecordMetadata, raw, utf8 } from "./decoders.ts";
export { backoffDelay, KinesisSinkError, RETRY_DEFAULTS, type RetryOptions } from "./deprecated.ts";
export { classifyError, type ErrorClass, KinesisRetriesExhaustedError } from "./errors.ts";
export { keyGroupHashKey, keyGroupPoint } from "./key-group-points.ts";
export {
  createStreamAdmin,
  createStreamProxy,
  type KinesisClientOptions,
  type KinesisConnection,
  type StreamAdmin,
  type StreamProxy,
} from "./kinesis-client.ts";
export { type KinesisRepartitionOptions, kinesisRepartition } from "./kinesis-repartition.ts";
export { type KinesisSink, type KinesisSinkMetrics, kinesisSink } from "./kinesis-sink.ts";
export { type KinesisSource, type KinesisSourceMetrics, kinesisSource } from "./kinesis-source.ts";
export { aggregate, type Deaggregated, deaggregate, KPL_MAGIC, type UserRecord } from "./kpl-aggregation.ts";
export {
  AGGREGATION_MAX_BYTES,
  KINESIS_SINK_DEFAULTS,
  KINESIS_SOURCE_DEFAULTS,
  type KinesisSinkOptions,
  type KinesisSourceOptions,
} from "./options.ts";
export type { KinesisRetryOptions } from "./retry.ts";
export type { ShardPosition } from "./shard-position.ts";
export type { ShardMetrics, ShardStatus } from "./shard-reader.ts";
export type { InitialPosition } from "./shard-tracker.ts";
