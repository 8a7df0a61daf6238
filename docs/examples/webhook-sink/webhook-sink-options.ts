import type { RetryOptions } from "@eddy/core";

/** Options of `webhookSink`. Defaults are in {@link WEBHOOK_SINK_DEFAULTS}. */
export interface WebhookSinkOptions<T> {
  /** Where batches are POSTed, as a JSON array. */
  readonly url: string;
  /** The JSON value sent for a record (default: the record itself). */
  readonly toJson?: (record: T) => unknown;
  /** Extra request headers, e.g. `authorization`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Records per request. */
  readonly maxBatchSize?: number;
  /** Requests in flight at once. */
  readonly maxInFlightRequests?: number;
  /** Buffered records at which `write` waits (backpressure). */
  readonly maxBufferedRequests?: number;
  /** Bytes of JSON per request. */
  readonly maxBatchSizeInBytes?: number;
  /** A buffered record is sent at the latest this long (processing time) after it arrived. */
  readonly maxTimeInBufferMS?: number;
  /** Attempts and backoff for requests the endpoint throttles (429), fails (5xx) or never answers. */
  readonly retry?: Partial<RetryOptions>;
  /** Names the sink in logs, metrics and dead letters (default `webhook(<url>)`). */
  readonly name?: string;
}

/** Defaults of {@link WebhookSinkOptions}. */
export const WEBHOOK_SINK_DEFAULTS = {
  maxBatchSize: 100,
  maxInFlightRequests: 4,
  maxBufferedRequests: 1_000,
  maxBatchSizeInBytes: 1024 * 1024,
  maxTimeInBufferMS: 1_000,
} as const;
