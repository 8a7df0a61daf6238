import type { FirehoseClientConfig } from "@aws-sdk/client-firehose";
import type { AwsSdkClient, Clock } from "@eddy/core";
import { DEFAULT_RETRY, type RetryOptions } from "@eddy/core";

/**
 * Options of {@link firehoseSink}. Names and defaults follow Flink's `KinesisFirehoseSink`.
 *
 * @example
 * import { FirehoseClient } from "@aws-sdk/client-firehose";
 * const options: FirehoseSinkOptions<Click> = {
 *   deliveryStreamName: "clicks-to-s3",
 *   serializer: (c) => `${c.at},${c.user},${c.page}\n`,
 *   maxTimeInBufferMS: seconds(1),
 *   client: new FirehoseClient({ region: "eu-west-1", maxAttempts: 1 }),
 * };
 * clicks.sink(firehoseSink(options));
 */
export interface FirehoseSinkOptions<T> {
  /** The delivery stream (Direct PUT) to write to. */
  readonly deliveryStreamName: string;
  /** Turns a record into the bytes of one Firehose record. Default: {@link ndjson}. */
  readonly serializer?: (record: T) => string | Uint8Array;
  /**
   * The AWS SDK v3 `FirehoseClient` to use, as given: its region, credentials, endpoint and retry
   * settings (not closed by the sink). Eddy retries every failed request and record itself, so the
   * client's own attempts run inside each of Eddy's: build it with `maxAttempts: 1` to keep them
   * from multiplying. Accepted by its shape, so a client from another copy of the SDK works.
   * Default: a client Eddy builds from the SDK's default chain, with `maxAttempts: 1`.
   *
   * Client settings (a `FirehoseClientConfig`) are still accepted here for one release, and
   * configure the client Eddy builds (deprecated: build the client and pass it).
   */
  readonly client?: AwsSdkClient | FirehoseClientConfig;
  /** Records per PutRecordBatch; at most 500 (the service's limit). Default 500. */
  readonly maxBatchSize?: number;
  /** Concurrent PutRecordBatch requests. Default 50. */
  readonly maxInFlightRequests?: number;
  /** Buffered records at which writes wait (backpressure). Default 10 000. */
  readonly maxBufferedRequests?: number;
  /** Bytes per PutRecordBatch; at most 4 MiB (the service's limit). Default 4 MiB. */
  readonly maxBatchSizeInBytes?: number;
  /** The longest a record waits in the buffer (processing time). Default 5000 ms. */
  readonly maxTimeInBufferMS?: number;
  /** The largest record; at most 1000 KiB (the service's limit). Default 1000 KiB. */
  readonly maxRecordSizeInBytes?: number;
  /**
   * Fail the job at the first failed record instead of retrying it, and at a record that cannot be
   * written (too large, cannot be serialized) instead of sending it to the job's dead letters,
   * naming it. Default false.
   */
  readonly failOnError?: boolean;
  /** Backoff and attempts for failed records. Default {@link DEFAULT_RETRY}. */
  readonly retry?: Partial<RetryOptions>;
  /**
   * Takes a record that cannot be serialized or is larger than `maxRecordSizeInBytes`, instead of
   * the job's dead letters.
   * @deprecated Such records go to the job's dead-letter output (`SinkContext.deadLetters`) with
   * their reason; `failOnError: true` fails the job instead.
   */
  readonly onInvalidRecord?: (record: T, reason: string) => void;
  /**
   * Processing time for `maxTimeInBufferMS` and backoff.
   * @deprecated The sink uses the job's clock (`SinkContext.clock`); this option overrides it for one more release.
   */
  readonly clock?: Clock;
  /** The sink's name in the job graph. Default `firehose(<deliveryStreamName>)`. */
  readonly name?: string;
}

/**
 * The service's limits (PutRecordBatch): 500 records, 4 MiB per request, 1000 KiB per record.
 *
 * @example
 * const small: Partial<FirehoseSinkOptions<Click>> = { maxBatchSizeInBytes: FIREHOSE_SERVICE_LIMITS.maxBatchSizeInBytes / 4 };
 */
export const FIREHOSE_SERVICE_LIMITS = {
  maxBatchSize: 500,
  maxBatchSizeInBytes: 4 * 1024 * 1024,
  maxRecordSizeInBytes: 1000 * 1024,
} as const;

/**
 * Defaults of {@link FirehoseSinkOptions}, as in Flink's `KinesisFirehoseSinkBuilder`; each is
 * described at the option of the same name.
 *
 * @example
 * const patient: Partial<FirehoseSinkOptions<Click>> = { retry: { ...FIREHOSE_SINK_DEFAULTS.retry, maxAttempts: 30 } };
 */
export const FIREHOSE_SINK_DEFAULTS = {
  maxBatchSize: 500,
  maxInFlightRequests: 50,
  maxBufferedRequests: 10_000,
  maxBatchSizeInBytes: 4 * 1024 * 1024,
  maxTimeInBufferMS: 5_000,
  maxRecordSizeInBytes: 1000 * 1024,
  failOnError: false,
  retry: DEFAULT_RETRY,
} as const;

/**
 * The default serializer: one JSON document per record, ending in a newline, so the objects
 * Firehose writes to S3 are JSON lines (Firehose itself adds no delimiter).
 *
 * @example
 * ndjson({ page: "/", n: 1 }); // '{"page":"/","n":1}\n'
 * firehoseSink<Click>({ deliveryStreamName: "clicks-to-s3", serializer: ndjson });
 */
export function ndjson(record: unknown): string {
  const text = JSON.stringify(record);
  if (text === undefined) throw new TypeError(`${typeof record} cannot be written as JSON`);
  return `${text}\n`;
}
