/**
 * Amazon S3 for Eddy: an exactly-once JSON-lines sink (two-phase commit on checkpoints) and a
 * bounded JSON-lines source for replay and backfill.
 * @packageDocumentation
 * @module @eddy/connector-s3
 */

export { DEFAULT_RETRY, type RetryOptions } from "@eddy/core";
export type { PendingFile, S3SinkState } from "./pending-file.ts";
export { isRetryableS3Error } from "./s3-error-classifier.ts";
export { s3Sink } from "./s3-sink.ts";
export {
  eventTimePartition,
  jsonLine,
  MIN_MULTIPART_PART_SIZE,
  S3_SINK_DEFAULTS,
  type S3SinkOptions,
} from "./s3-sink-options.ts";
export { type S3SourceOptions, type S3SourcePosition, s3Source } from "./s3-source.ts";
