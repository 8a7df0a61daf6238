import { AsyncSinkWriter, type AwsAccess, type Sink, type SinkContext, SinkWriteError } from "@eddy/core";
import { dynamoDbSinkAccess } from "./dynamodb-access.ts";
import { DynamoDbBatchSubmitter } from "./dynamodb-batch-submitter.ts";
import { createDynamoDbProxy, type DynamoDbProxy } from "./dynamodb-client.ts";
import { type ConverterSettings, convertRecord } from "./dynamodb-element-converter.ts";
import {
  DYNAMODB_SERVICE_LIMITS,
  DYNAMODB_SINK_DEFAULTS,
  type DynamoDbSinkOptions,
} from "./dynamodb-sink-options.ts";
import type { DynamoDbWriteRequest } from "./dynamodb-write-request.ts";

/**
 * Writes records to a DynamoDB table as items: upserts (and deletes) with BatchWriteItem, or
 * conditional puts (e.g. only if newer) with PutItem.
 *
 * Guarantee: idempotent, hence effectively exactly-once, when each item's key is deterministic
 * (derived from the record): the sink flushes at every checkpoint barrier, and a replay after a
 * restore writes the same items again, leaving the table as an uninterrupted run would. Within the
 * sink, writes to one key keep their order (a newer write replaces a buffered older one and never
 * overtakes one in flight), so the last write of a key wins.
 *
 * Timing: requests leave in batches of `maxBatchSize` (25), or `maxTimeInBufferMS` (processing
 * time, the job's clock) after the oldest buffered one arrived, and at every barrier and at the end
 * of input. Unprocessed items and throttled requests are sent again alone, after a backoff with
 * jitter, up to `retry.maxAttempts` times; then the job fails. A record whose item cannot be built,
 * lacks a key attribute, is too large, or that DynamoDB refuses (`ValidationException`, found by
 * writing the batch's items one by one) goes to the job's dead letters with the reason (or fails
 * the job with `failOnError`).
 *
 * @example
 * const perMinute = ticks.keyBy((t) => t.symbol).window(tumbling(minutes(1))).aggregate(stats((t) => t.price));
 * perMinute.sink(dynamoDbSink({
 *   tableName: "fx-stats",
 *   item: (r) => ({ symbol: r.key, windowEnd: r.window.end, ...r.value }),
 * }));
 */
export function dynamoDbSink<T>(options: DynamoDbSinkOptions<T>): Sink<T> {
  return createDynamoDbSink(options, (name, context) => {
    const { proxy, fromSettings } = createDynamoDbProxy(options.client, name);
    if (fromSettings) {
      context.logger.warn(
        `${name}: client settings given as client are deprecated: pass a DynamoDBClient (with maxAttempts: 1)`,
      );
    }
    return proxy;
  });
}

/**
 * The sink over the {@link DynamoDbProxy} that `openProxy` makes when the sink opens: what
 * {@link dynamoDbSink} calls with the SDK-backed proxy, and unit tests with a scripted one.
 */
export function createDynamoDbSink<T>(
  options: DynamoDbSinkOptions<T>,
  openProxy: (name: string, context: SinkContext) => DynamoDbProxy,
): Sink<T> {
  return new DynamoDbSink(options, openProxy);
}

interface Running {
  readonly context: SinkContext;
  readonly proxy: DynamoDbProxy;
  readonly writer: AsyncSinkWriter<DynamoDbWriteRequest>;
  readonly converter: ConverterSettings<unknown>;
}

class DynamoDbSink<T> implements Sink<T> {
  readonly name: string;
  readonly #maxRecordSize: number;
  readonly #failOnError: boolean;
  #running: Running | undefined;

  constructor(
    private readonly options: DynamoDbSinkOptions<T>,
    private readonly openProxy: (name: string, context: SinkContext) => DynamoDbProxy,
  ) {
    this.name = options.name ?? `dynamodb(${options.tableName})`;
    const d = DYNAMODB_SINK_DEFAULTS;
    const limits = DYNAMODB_SERVICE_LIMITS;
    this.#maxRecordSize = options.maxRecordSizeInBytes ?? d.maxRecordSizeInBytes;
    if ((options.maxBatchSize ?? d.maxBatchSize) > limits.maxBatchSize)
      throw new RangeError(`${this.name}: maxBatchSize is at most ${limits.maxBatchSize}`);
    if ((options.maxBatchSizeInBytes ?? d.maxBatchSizeInBytes) > limits.maxBatchSizeInBytes)
      throw new RangeError(`${this.name}: maxBatchSizeInBytes is at most ${limits.maxBatchSizeInBytes}`);
    if (this.#maxRecordSize > limits.maxRecordSizeInBytes)
      throw new RangeError(`${this.name}: maxRecordSizeInBytes is at most ${limits.maxRecordSizeInBytes}`);
    if (options.overwriteByPartitionKeys?.length === 0)
      throw new RangeError(`${this.name}: no key attributes to de-duplicate by`);
    this.#failOnError = options.failOnError ?? d.failOnError;
  }

  awsAccess(): AwsAccess[] {
    return dynamoDbSinkAccess(this.options);
  }

  async open(context: SinkContext): Promise<void> {
    if (this.#running) return;
    const { options } = this;
    const d = DYNAMODB_SINK_DEFAULTS;
    const proxy = this.openProxy(this.name, context);
    let keyAttributes: readonly string[];
    try {
      keyAttributes = options.overwriteByPartitionKeys ?? (await proxy.primaryKey(options.tableName));
    } catch (error) {
      proxy.close();
      throw error;
    }
    const submitter = new DynamoDbBatchSubmitter(options.tableName, proxy, options.conditionalWrite);
    submitter.useKeyAttributes(keyAttributes);
    const writer = new AsyncSinkWriter<DynamoDbWriteRequest>(
      this.name,
      {
        maxBatchSize: options.maxBatchSize ?? d.maxBatchSize,
        maxInFlightRequests: options.maxInFlightRequests ?? d.maxInFlightRequests,
        maxBufferedRequests: options.maxBufferedRequests ?? d.maxBufferedRequests,
        maxBatchSizeInBytes: options.maxBatchSizeInBytes ?? d.maxBatchSizeInBytes,
        maxTimeInBufferMS: options.maxTimeInBufferMS ?? d.maxTimeInBufferMS,
        failOnError: this.#failOnError,
        retry: { ...d.retry, ...options.retry },
        onRejected: (request, reason) =>
          context.deadLetters.send({
            origin: this.name,
            reason: "rejected",
            error: `DynamoDB refused ${submitter.describe(request)}: ${reason}`,
            value: request.record,
            timestamp: Number.NaN,
          }),
      },
      submitter,
      options.clock ?? context.clock,
    );
    const custom = options.conditionalWrite;
    const converter: ConverterSettings<T> = {
      item: options.item,
      deleteKey: options.deleteKey,
      marshallOptions: options.marshallOptions,
      conditionValues:
        custom && "conditionExpression" in custom ? custom.expressionAttributeValues : undefined,
      keyAttributes,
      maxRecordSizeInBytes: this.#maxRecordSize,
    };
    this.#running = { context, proxy, writer, converter: converter as ConverterSettings<unknown> };
  }

  write(values: T[], timestamps: number[]): Promise<void> | undefined {
    const running = this.#running;
    if (!running) throw new SinkWriteError(`${this.name}: write before open (the job opens its sinks)`);
    const { writer, converter } = running;
    for (let i = 0; i < values.length; i++) {
      const converted = convertRecord(values[i], converter);
      if ("request" in converted) writer.add(converted.request, converted.size, converted.request.key);
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
