/**
 * Amazon DynamoDB sink for Eddy: idempotent upserts with deterministic keys.
 * @packageDocumentation
 * @module @eddy/connector-dynamodb
 */
export {
  AsyncSinkWriter,
  type AsyncSinkWriterOptions,
  type BatchResult,
  type BatchSubmitter,
  DEFAULT_RETRY,
  type RetryOptions,
  SinkWriteError,
} from "@eddy/core";
export {
  isConditionFailed,
  isInvalidDynamoDbRequest,
  isRetryableDynamoDbError,
} from "./dynamodb-error-classifier.ts";
export { dynamoDbSink } from "./dynamodb-sink.ts";
export {
  type ConditionalWrite,
  DYNAMODB_SERVICE_LIMITS,
  DYNAMODB_SINK_DEFAULTS,
  type DynamoDbItem,
  type DynamoDbSinkOptions,
} from "./dynamodb-sink-options.ts";
export type { DynamoDbWriteRequest } from "./dynamodb-write-request.ts";
