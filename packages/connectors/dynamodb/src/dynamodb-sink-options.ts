import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import type { marshallOptions } from "@aws-sdk/util-dynamodb";
import type { AwsSdkClient, Clock } from "@eddy/core";
import { DEFAULT_RETRY, type RetryOptions } from "@eddy/core";

/**
 * A plain item as lib-dynamodb takes it: strings, numbers, booleans, null, arrays, Sets, Uint8Arrays, nested objects.
 *
 * @example
 * const item: DynamoDbItem = { symbol: "EURUSD", windowEnd: 60_000, prices: [1.08, 1.09], tags: new Set(["fx"]) };
 */
export type DynamoDbItem = Record<string, unknown>;

/**
 * Write only when the condition holds. `BatchWriteItem` takes no conditions, so a conditional sink
 * writes each item with `PutItem` and a `ConditionExpression`; a write the condition rejects
 * (`ConditionalCheckFailedException`) counts as done, since a newer item is already stored.
 *
 * @example
 * const newerOnly: ConditionalWrite = { onlyIfNewer: "updatedAt" };
 * const custom: ConditionalWrite = {
 *   conditionExpression: "attribute_not_exists(#id) OR #status <> :closed",
 *   expressionAttributeNames: { "#id": "id", "#status": "status" },
 *   expressionAttributeValues: () => ({ ":closed": "closed" }),
 * };
 */
export type ConditionalWrite =
  | {
      /**
       * The attribute holding a version or event time: an item is written only if the stored one
       * lacks it or holds a smaller value (`attribute_not_exists(#v) OR #v < :v`), so a replay or a
       * late, older record never overwrites a newer item.
       */
      readonly onlyIfNewer: string;
    }
  | {
      /** A DynamoDB `ConditionExpression` evaluated against the stored item. */
      readonly conditionExpression: string;
      /** The expression's `#names`. */
      readonly expressionAttributeNames?: Record<string, string>;
      /** The expression's `:values`, from the item being written. */
      readonly expressionAttributeValues?: (item: DynamoDbItem) => DynamoDbItem;
    };

/**
 * Options of {@link dynamoDbSink}. Names and defaults follow Flink's `DynamoDbSink`.
 *
 * @example
 * import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
 * const options: DynamoDbSinkOptions<Order> = {
 *   tableName: "orders",
 *   item: (o) => ({ id: o.id, customer: o.customer, amount: o.amount, at: o.at }),
 *   conditionalWrite: { onlyIfNewer: "at" },
 *   client: new DynamoDBClient({ region: "eu-west-1", maxAttempts: 1 }),
 * };
 * orders.sink(dynamoDbSink(options));
 */
export interface DynamoDbSinkOptions<T> {
  /** The table to write to (it must exist; the sink reads its key schema when it opens). */
  readonly tableName: string;
  /**
   * The item to put for a record. Its key attributes must come from the record's content (an id, a
   * window's key and end), never from a clock or a random id: a replay after a restore then
   * overwrites the same items instead of adding new ones.
   */
  readonly item: (record: T) => DynamoDbItem;
  /** When it returns a key (the primary key attributes), the record deletes that item instead. */
  readonly deleteKey?: (record: T) => DynamoDbItem | undefined;
  /**
   * Attributes that identify an item for de-duplication: of two writes to one key, only the
   * latest is sent (DynamoDB rejects a batch naming one key twice). Default: the table's primary
   * key, read with DescribeTable when the sink opens.
   */
  readonly overwriteByPartitionKeys?: readonly string[];
  /** Conditional writes (e.g. only if newer). Default: unconditional upserts with BatchWriteItem. */
  readonly conditionalWrite?: ConditionalWrite;
  /** How items are marshalled (as lib-dynamodb's `marshallOptions`; same defaults). */
  readonly marshallOptions?: marshallOptions;
  /**
   * The AWS SDK v3 `DynamoDBClient` to use, as given: its region, credentials, endpoint and retry
   * settings (not closed by the sink). Eddy retries unprocessed items and failed requests itself,
   * so the client's own attempts run inside each of Eddy's: build it with `maxAttempts: 1` to keep
   * them from multiplying. Accepted by its shape, so a client from another copy of the SDK works.
   * Default: a client Eddy builds from the SDK's default chain, with `maxAttempts: 1`.
   *
   * Client settings (a `DynamoDBClientConfig`) are still accepted here for one release, and
   * configure the client Eddy builds (deprecated: build the client and pass it).
   */
  readonly client?: AwsSdkClient | DynamoDBClientConfig;
  /** Write requests per BatchWriteItem; at most 25 (the service's limit). Default 25. */
  readonly maxBatchSize?: number;
  /** Concurrent requests. Default 50. */
  readonly maxInFlightRequests?: number;
  /** Buffered requests at which writes wait (backpressure). Default 10 000. */
  readonly maxBufferedRequests?: number;
  /** Bytes per batch; at most 16 MiB (the service's limit). Default 16 MiB. */
  readonly maxBatchSizeInBytes?: number;
  /** The longest a request waits in the buffer (processing time). Default 5000 ms. */
  readonly maxTimeInBufferMS?: number;
  /** The largest item; at most 400 KB (the service's limit). Default 400 KB. */
  readonly maxRecordSizeInBytes?: number;
  /**
   * Fail the job at the first unprocessed item instead of retrying it, and at a record that cannot
   * be written (no key, too large, refused by DynamoDB) instead of sending it to the job's dead
   * letters, naming it. Default false.
   */
  readonly failOnError?: boolean;
  /** Backoff and attempts for unprocessed items and throttled requests. Default {@link DEFAULT_RETRY}. */
  readonly retry?: Partial<RetryOptions>;
  /**
   * Takes a record whose item cannot be built or marshalled, lacks a key attribute, or is too
   * large, instead of the job's dead letters.
   * @deprecated Such records go to the job's dead-letter output (`SinkContext.deadLetters`) with
   * their reason; `failOnError: true` fails the job instead.
   */
  readonly onInvalidRecord?: (record: T, reason: string) => void;
  /**
   * Processing time for `maxTimeInBufferMS` and backoff.
   * @deprecated The sink uses the job's clock (`SinkContext.clock`); this option overrides it for one more release.
   */
  readonly clock?: Clock;
  /** The sink's name in the job graph. Default `dynamodb(<tableName>)`. */
  readonly name?: string;
}

/**
 * The service's limits (BatchWriteItem): 25 requests, 16 MiB per batch, 400 KiB per item.
 *
 * @example
 * const options: Partial<DynamoDbSinkOptions<Order>> = { maxBatchSize: DYNAMODB_SERVICE_LIMITS.maxBatchSize };
 */
export const DYNAMODB_SERVICE_LIMITS = {
  maxBatchSize: 25,
  maxBatchSizeInBytes: 16 * 1024 * 1024,
  maxRecordSizeInBytes: 400 * 1024,
} as const;

/**
 * Defaults of {@link DynamoDbSinkOptions}, as in Flink's `DynamoDbSinkBuilder`; each is described
 * at the option of the same name.
 *
 * @example
 * const gentle: Partial<DynamoDbSinkOptions<Order>> = {
 *   maxInFlightRequests: DYNAMODB_SINK_DEFAULTS.maxInFlightRequests / 10,
 *   retry: { ...DYNAMODB_SINK_DEFAULTS.retry, maxAttempts: 20 },
 * };
 */
export const DYNAMODB_SINK_DEFAULTS = {
  maxBatchSize: 25,
  maxInFlightRequests: 50,
  maxBufferedRequests: 10_000,
  maxBatchSizeInBytes: 16 * 1024 * 1024,
  maxTimeInBufferMS: 5_000,
  maxRecordSizeInBytes: 400 * 1024,
  failOnError: false,
  retry: DEFAULT_RETRY,
} as const;
