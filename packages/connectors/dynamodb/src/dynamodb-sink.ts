import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { AsyncSinkWriter, type Sink, SinkWriteError, systemClock } from "@eddy/core";
import { DynamoDbTableClient } from "./dynamodb-client.ts";
import {
  DYNAMODB_SERVICE_LIMITS,
  DYNAMODB_SINK_DEFAULTS,
  type DynamoDbItem,
  type DynamoDbSinkOptions,
} from "./dynamodb-sink-options.ts";
import { type DynamoDbWriteRequest, itemSize, keyOf } from "./dynamodb-write-request.ts";

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
 * time) after the oldest buffered one arrived, and at every barrier and at the end of input.
 * Unprocessed items and throttled requests are sent again alone, after a backoff with jitter, up
 * to `retry.maxAttempts` times; then the job fails.
 *
 * @example
 * const perMinute = ticks.keyBy((t) => t.symbol).window(tumbling(minutes(1))).aggregate(stats((t) => t.price));
 * perMinute.sink(dynamoDbSink({
 *   tableName: "fx-stats",
 *   item: (r) => ({ symbol: r.key, windowEnd: r.window.end, ...r.value }),
 * }));
 */
export function dynamoDbSink<T>(options: DynamoDbSinkOptions<T>): Sink<T> {
  return new DynamoDbSink(options);
}

class DynamoDbSink<T> implements Sink<T> {
  readonly name: string;
  readonly #table: DynamoDbTableClient;
  readonly #writer: AsyncSinkWriter<DynamoDbWriteRequest>;
  readonly #maxRecordSize: number;
  #keyAttributes: readonly string[] | undefined;

  constructor(private readonly options: DynamoDbSinkOptions<T>) {
    this.name = options.name ?? `dynamodb(${options.tableName})`;
    const d = DYNAMODB_SINK_DEFAULTS;
    const limits = DYNAMODB_SERVICE_LIMITS;
    const maxBatchSize = options.maxBatchSize ?? d.maxBatchSize;
    const maxBatchSizeInBytes = options.maxBatchSizeInBytes ?? d.maxBatchSizeInBytes;
    this.#maxRecordSize = options.maxRecordSizeInBytes ?? d.maxRecordSizeInBytes;
    if (maxBatchSize > limits.maxBatchSize)
      throw new RangeError(`${this.name}: maxBatchSize is at most ${limits.maxBatchSize}`);
    if (maxBatchSizeInBytes > limits.maxBatchSizeInBytes)
      throw new RangeError(`${this.name}: maxBatchSizeInBytes is at most ${limits.maxBatchSizeInBytes}`);
    if (this.#maxRecordSize > limits.maxRecordSizeInBytes)
      throw new RangeError(`${this.name}: maxRecordSizeInBytes is at most ${limits.maxRecordSizeInBytes}`);
    this.#table = new DynamoDbTableClient(options.tableName, options.client, options.conditionalWrite);
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
      this.#table,
      options.clock ?? systemClock,
    );
    if (options.overwriteByPartitionKeys) this.#useKeys(options.overwriteByPartitionKeys);
  }

  async open(): Promise<void> {
    if (this.#keyAttributes === undefined) this.#useKeys(await this.#table.primaryKey());
  }

  write(values: T[]): Promise<void> | undefined {
    const keys = this.#keyAttributes;
    if (keys === undefined) return this.open().then(() => this.write(values));
    const { item, deleteKey, marshallOptions, conditionalWrite } = this.options;
    const customValues =
      conditionalWrite && "conditionExpression" in conditionalWrite
        ? conditionalWrite.expressionAttributeValues
        : undefined;
    const writer = this.#writer;
    let i = 0;
    while (i < values.length) {
      try {
        for (; i < values.length; i++) {
          const record = values[i]!;
          const removed = deleteKey?.(record);
          const plain: DynamoDbItem = removed ?? item(record);
          const attributes = marshall(plain, marshallOptions) as Record<string, AttributeValue>;
          const key = keyOf(attributes, keys);
          if (key === undefined) {
            this.#invalid(
              record,
              `its ${removed ? "key" : "item"} lacks one of the key attributes ${keys.join(", ")}`,
            );
            continue;
          }
          const size = itemSize(attributes);
          if (size > this.#maxRecordSize) {
            this.#invalid(
              record,
              `its item is about ${size} bytes, more than maxRecordSizeInBytes (${this.#maxRecordSize})`,
            );
            continue;
          }
          const conditionValues =
            customValues && !removed
              ? (marshall(customValues(plain), marshallOptions) as Record<string, AttributeValue>)
              : undefined;
          writer.add({ kind: removed ? "delete" : "put", attributes, key, conditionValues }, size, key);
        }
      } catch (error) {
        if (error instanceof SinkWriteError) throw error;
        this.#invalid(
          values[i]!,
          `its item cannot be built: ${error instanceof Error ? error.message : String(error)}`,
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
    this.#table.destroy();
  }

  #useKeys(keys: readonly string[]): void {
    if (keys.length === 0) throw new RangeError(`${this.name}: no key attributes to de-duplicate by`);
    this.#keyAttributes = keys;
    this.#table.useKeyAttributes(keys);
  }

  #invalid(record: T, reason: string): void {
    const handler = this.options.onInvalidRecord;
    if (!handler) throw new SinkWriteError(`${this.name}: a record is not written because ${reason}`);
    handler(record, reason);
  }
}
