/**
 * Amazon Data Firehose sink for Eddy (at-least-once).
 * @packageDocumentation
 * @module @eddy/connector-firehose
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
export { isRetryableFirehoseError } from "./firehose-error-classifier.ts";
export { firehoseSink } from "./firehose-sink.ts";
export {
  FIREHOSE_SERVICE_LIMITS,
  FIREHOSE_SINK_DEFAULTS,
  type FirehoseSinkOptions,
  ndjson,
} from "./firehose-sink-options.ts";
