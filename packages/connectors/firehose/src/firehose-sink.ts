import { AsyncSinkWriter, type AwsAccess, type Sink, type SinkContext, SinkWriteError } from "@eddy/core";
import { firehoseSinkAccess } from "./firehose-access.ts";
import { FirehoseBatchSubmitter } from "./firehose-batch-submitter.ts";
import { createFirehoseProxy, type FirehoseProxy } from "./firehose-client.ts";
import { convertRecord } from "./firehose-element-converter.ts";
import {
  FIREHOSE_SERVICE_LIMITS,
  FIREHOSE_SINK_DEFAULTS,
  type FirehoseSinkOptions,
  ndjson,
} from "./firehose-sink-options.ts";

/**
 * Writes records to an Amazon Data Firehose delivery stream with PutRecordBatch.
 *
 * Guarantee: at-least-once. Every record written before a checkpoint barrier has been accepted by
 * Firehose when the checkpoint completes (the sink flushes at the barrier); after a restore,
 * records after the checkpoint are sent again, and Firehose itself may deliver a record twice.
 * Consumers that need exactly-once must deduplicate (or use the S3 sink, which is exactly-once).
 *
 * Timing: records leave in batches when `maxBatchSize` records or `maxBatchSizeInBytes` are
 * buffered, or `maxTimeInBufferMS` (processing time, the job's clock) after the oldest buffered
 * one arrived, and at every barrier and at the end of input. Records the service reports failed
 * are sent again alone, after a backoff with jitter, up to `retry.maxAttempts` times; then the job
 * fails. A record that cannot be serialized or is larger than `maxRecordSizeInBytes` goes to the
 * job's dead letters with the reason (or fails the job with `failOnError`).
 *
 * @example
 * clicks.filter((c) => c.page !== "/health").sink(firehoseSink({ deliveryStreamName: "clicks-to-s3" }));
 */
export function firehoseSink<T>(options: FirehoseSinkOptions<T>): Sink<T> {
  return createFirehoseSink(options, (name, context) => {
    const { proxy, fromSettings } = createFirehoseProxy(options.client, name);
    if (fromSettings) {
      context.logger.warn(
        `${name}: client settings given as client are deprecated: pass a FirehoseClient (with maxAttempts: 1)`,
      );
    }
    return proxy;
  });
}

/**
 * The sink over the {@link FirehoseProxy} that `openProxy` makes when the sink opens: what
 * {@link firehoseSink} calls with the SDK-backed proxy, and unit tests with a scripted one.
 */
export function createFirehoseSink<T>(
  options: FirehoseSinkOptions<T>,
  openProxy: (name: string, context: SinkContext) => FirehoseProxy,
): Sink<T> {
  return new FirehoseSink(options, openProxy);
}

interface Running {
  readonly context: SinkContext;
  readonly proxy: FirehoseProxy;
  readonly writer: AsyncSinkWriter<Uint8Array>;
}

class FirehoseSink<T> implements Sink<T> {
  readonly name: string;
  readonly #serialize: (record: T) => string | Uint8Array;
  readonly #maxRecordSize: number;
  readonly #failOnError: boolean;
  #running: Running | undefined;

  constructor(
    private readonly options: FirehoseSinkOptions<T>,
    private readonly openProxy: (name: string, context: SinkContext) => FirehoseProxy,
  ) {
    this.name = options.name ?? `firehose(${options.deliveryStreamName})`;
    const d = FIREHOSE_SINK_DEFAULTS;
    const limits = FIREHOSE_SERVICE_LIMITS;
    this.#maxRecordSize = options.maxRecordSizeInBytes ?? d.maxRecordSizeInBytes;
    if ((options.maxBatchSize ?? d.maxBatchSize) > limits.maxBatchSize)
      throw new RangeError(`${this.name}: maxBatchSize is at most ${limits.maxBatchSize}`);
    if ((options.maxBatchSizeInBytes ?? d.maxBatchSizeInBytes) > limits.maxBatchSizeInBytes)
      throw new RangeError(`${this.name}: maxBatchSizeInBytes is at most ${limits.maxBatchSizeInBytes}`);
    if (this.#maxRecordSize > limits.maxRecordSizeInBytes)
      throw new RangeError(`${this.name}: maxRecordSizeInBytes is at most ${limits.maxRecordSizeInBytes}`);
    this.#serialize = options.serializer ?? ndjson;
    this.#failOnError = options.failOnError ?? d.failOnError;
  }

  awsAccess(): AwsAccess[] {
    return firehoseSinkAccess(this.options.deliveryStreamName);
  }

  open(context: SinkContext): void {
    if (this.#running) return;
    const { options } = this;
    const d = FIREHOSE_SINK_DEFAULTS;
    const proxy = this.openProxy(this.name, context);
    const writer = new AsyncSinkWriter(
      this.name,
      {
        maxBatchSize: options.maxBatchSize ?? d.maxBatchSize,
        maxInFlightRequests: options.maxInFlightRequests ?? d.maxInFlightRequests,
        maxBufferedRequests: options.maxBufferedRequests ?? d.maxBufferedRequests,
        maxBatchSizeInBytes: options.maxBatchSizeInBytes ?? d.maxBatchSizeInBytes,
        maxTimeInBufferMS: options.maxTimeInBufferMS ?? d.maxTimeInBufferMS,
        failOnError: this.#failOnError,
        retry: { ...d.retry, ...options.retry },
      },
      new FirehoseBatchSubmitter(options.deliveryStreamName, proxy),
      options.clock ?? context.clock,
    );
    this.#running = { context, proxy, writer };
  }

  write(values: T[], timestamps: number[]): Promise<void> | undefined {
    const running = this.#running;
    if (!running) throw new SinkWriteError(`${this.name}: write before open (the job opens its sinks)`);
    const { writer } = running;
    for (let i = 0; i < values.length; i++) {
      const converted = convertRecord(values[i]!, this.#serialize, this.#maxRecordSize);
      if ("data" in converted) writer.add(converted.data, converted.data.byteLength);
      else this.#setAside(running.context, values[i]!, timestamps[i], converted.reason, converted.error);
    }
    return writer.afterAdd();
  }

  async snapshot(): Promise<undefined> {
    await this.#running?.writer.flush();
    return undefined;
  }

  async finish(): Promise<void> {
    await this.#running?.writer.flush();
  }

  close(): void {
    this.#running?.writer.close();
    this.#running?.proxy.close();
    this.#running = undefined;
  }

  #setAside(
    context: SinkContext,
    record: T,
    timestamp: number | undefined,
    reason: string,
    error: string,
  ): void {
    if (this.#failOnError) {
      throw new SinkWriteError(`${this.name}: a record is not written because ${error} (failOnError is set)`);
    }
    if (this.options.onInvalidRecord) {
      this.options.onInvalidRecord(record, error);
      return;
    }
    context.deadLetters.send({
      origin: this.name,
      reason,
      error,
      value: record,
      timestamp: timestamp ?? Number.NaN,
    });
  }
}
