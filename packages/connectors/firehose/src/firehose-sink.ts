import { AsyncSinkWriter, type Sink, SinkWriteError, systemClock } from "@eddy/core";
import { FirehoseBatchSubmitter } from "./firehose-client.ts";
import {
  FIREHOSE_SERVICE_LIMITS,
  FIREHOSE_SINK_DEFAULTS,
  type FirehoseSinkOptions,
  ndjson,
} from "./firehose-sink-options.ts";

const encoder = new TextEncoder();

/**
 * Writes records to an Amazon Data Firehose delivery stream with PutRecordBatch.
 *
 * Guarantee: at-least-once. Every record written before a checkpoint barrier has been accepted by
 * Firehose when the checkpoint completes (the sink flushes at the barrier); after a restore,
 * records after the checkpoint are sent again, and Firehose itself may deliver a record twice.
 * Consumers that need exactly-once must deduplicate (or use the S3 sink, which is exactly-once).
 *
 * Timing: records leave in batches when `maxBatchSize` records or `maxBatchSizeInBytes` are
 * buffered, or `maxTimeInBufferMS` (processing time) after the oldest buffered one arrived, and at
 * every barrier and at the end of input. Records the service reports failed are sent again alone,
 * after a backoff with jitter, up to `retry.maxAttempts` times; then the job fails.
 *
 * @example
 * clicks.filter((c) => c.page !== "/health").sink(firehoseSink({ deliveryStreamName: "clicks-to-s3" }));
 */
export function firehoseSink<T>(options: FirehoseSinkOptions<T>): Sink<T> {
  return new FirehoseSink(options);
}

class FirehoseSink<T> implements Sink<T> {
  readonly name: string;
  readonly #serialize: (record: T) => string | Uint8Array;
  readonly #maxRecordSize: number;
  readonly #submitter: FirehoseBatchSubmitter;
  readonly #writer: AsyncSinkWriter<Uint8Array>;

  constructor(private readonly options: FirehoseSinkOptions<T>) {
    this.name = options.name ?? `firehose(${options.deliveryStreamName})`;
    const d = FIREHOSE_SINK_DEFAULTS;
    const maxBatchSize = options.maxBatchSize ?? d.maxBatchSize;
    const maxBatchSizeInBytes = options.maxBatchSizeInBytes ?? d.maxBatchSizeInBytes;
    this.#maxRecordSize = options.maxRecordSizeInBytes ?? d.maxRecordSizeInBytes;
    const limits = FIREHOSE_SERVICE_LIMITS;
    if (maxBatchSize > limits.maxBatchSize)
      throw new RangeError(`${this.name}: maxBatchSize is at most ${limits.maxBatchSize}`);
    if (maxBatchSizeInBytes > limits.maxBatchSizeInBytes)
      throw new RangeError(`${this.name}: maxBatchSizeInBytes is at most ${limits.maxBatchSizeInBytes}`);
    if (this.#maxRecordSize > limits.maxRecordSizeInBytes)
      throw new RangeError(`${this.name}: maxRecordSizeInBytes is at most ${limits.maxRecordSizeInBytes}`);
    this.#serialize = options.serializer ?? ndjson;
    this.#submitter = new FirehoseBatchSubmitter(options.deliveryStreamName, options.client);
    this.#writer = new AsyncSinkWriter(
      this.name,
      {
        maxBatchSize,
        maxInFlightRequests: options.maxInFlightRequests ?? d.maxInFlightRequests,
        maxBufferedRequests: options.maxBufferedRequests ?? d.maxBufferedRequests,
        maxBatchSizeInBytes,
        maxTimeInBufferMS: options.maxTimeInBufferMS ?? d.maxTimeInBufferMS,
        failOnError: options.failOnError ?? d.failOnError,
        retry: { ...d.retry, ...options.retry },
      },
      this.#submitter,
      options.clock ?? systemClock,
    );
  }

  write(values: T[]): Promise<void> | undefined {
    const writer = this.#writer;
    const serialize = this.#serialize;
    const max = this.#maxRecordSize;
    let i = 0;
    while (i < values.length) {
      try {
        for (; i < values.length; i++) {
          const serialized = serialize(values[i]!);
          const bytes = typeof serialized === "string" ? encoder.encode(serialized) : serialized;
          if (bytes.byteLength > max) {
            this.#invalid(
              values[i]!,
              `the record is ${bytes.byteLength} bytes, more than maxRecordSizeInBytes (${max})`,
            );
            continue;
          }
          writer.add(bytes, bytes.byteLength);
        }
      } catch (error) {
        if (error instanceof SinkWriteError) throw error;
        this.#invalid(
          values[i]!,
          `it cannot be serialized: ${error instanceof Error ? error.message : String(error)}`,
        );
        i++;
      }
    }
    return writer.afterAdd();
  }

  async snapshot(): Promise<undefined> {
    await this.#writer.flush();
    return undefined;
  }

  async finish(): Promise<void> {
    await this.#writer.flush();
  }

  close(): void {
    this.#writer.close();
    this.#submitter.destroy();
  }

  #invalid(record: T, reason: string): void {
    const handler = this.options.onInvalidRecord;
    if (!handler) throw new SinkWriteError(`${this.name}: a record is not written because ${reason}`);
    handler(record, reason);
  }
}
