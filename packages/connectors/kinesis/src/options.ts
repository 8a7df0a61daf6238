import type { Clock, Key, OutputTag } from "@eddy/core";
import type { KinesisDeadLetter } from "./dead-letter.ts";
import type { Decoder } from "./decoders.ts";
import type { KinesisClientOptions } from "./kinesis-client.ts";
import type { KinesisRetryOptions } from "./retry.ts";
import type { InitialPosition } from "./shard-tracker.ts";

/**
 * Options of {@link kinesisSource}; defaults in {@link KINESIS_SOURCE_DEFAULTS}.
 *
 * @example
 * import { KinesisClient } from "@aws-sdk/client-kinesis";
 * const options: KinesisSourceOptions<Tick> = {
 *   stream: "fx-ticks",
 *   decode: json<Tick>(),
 *   initialPosition: "TRIM_HORIZON",
 *   readerType: "EFO",
 *   efoConsumerName: "fx-pricing",
 *   shardIdleTimeoutMs: minutes(1),
 *   client: new KinesisClient({ region: "eu-west-1", maxAttempts: 1 }),
 * };
 * const source = kinesisSource(options);
 */
export interface KinesisSourceOptions<T> extends KinesisClientOptions {
  /** Stream name or ARN. */
  readonly stream: string;
  /** Bytes → value: `json()`, `utf8()`, `raw()` or your own; a throw makes the record a dead letter. */
  readonly decode: Decoder<T>;
  /**
   * Where a job without a checkpoint starts (Flink's `source.init.position`, default `LATEST`).
   * A restored job always resumes from its checkpoint.
   */
  readonly initialPosition?: InitialPosition;
  /** With `AT_TIMESTAMP`: the arrival time (epoch ms) to start at. */
  readonly initialTimestamp?: number;
  /** `POLLING` (GetRecords, the default) or `EFO` (enhanced fan-out, SubscribeToShard). */
  readonly readerType?: "POLLING" | "EFO";
  /** With `EFO`: the stream consumer's name (required). */
  readonly efoConsumerName?: string;
  /**
   * With `EFO`: `JOB_MANAGED` registers the consumer when the job starts and deregisters it when it
   * stops; `SELF_MANAGED` expects it to exist.
   */
  readonly efoLifecycle?: "JOB_MANAGED" | "SELF_MANAGED";
  /** With `EFO`: how long a `SubscribeToShard` call may take to answer (ms). */
  readonly efoSubscriptionTimeoutMs?: number;
  /** How often the shard list is read again to find shards created by resharding (ms). */
  readonly shardDiscoveryIntervalMs?: number;
  /** `Limit` of one GetRecords call (Kinesis allows at most 10,000). */
  readonly getRecordsMaxRecordCount?: number;
  /**
   * Least time between two GetRecords calls on one shard (ms). The default 200 keeps a reader at
   * Kinesis's limit of 5 calls per second per shard; raise it when several applications read.
   */
  readonly getRecordsIntervalMs?: number;
  /**
   * Processing time (ms) after which a shard that is caught up (`millisBehindLatest` 0) and
   * returns nothing is reported idle, so it does not hold the watermark back; it is active again
   * with its next record. Default: never (as `withIdleness` in Flink, an explicit choice, since
   * a record arriving after an idle period may be late).
   */
  readonly shardIdleTimeoutMs?: number;
  /** Retries of throttled and failed calls (backoff with full jitter, bounded; default core's `DEFAULT_RETRY`). */
  readonly retry?: KinesisRetryOptions;
  /** The side output for records that cannot be decoded (default: a tag of its own, `source.deadLetters`). */
  readonly deadLetters?: OutputTag<KinesisDeadLetter>;
  /** Batches read ahead per shard before its reader waits for the job to take them. */
  readonly queuedBatchesPerShard?: number;
  /**
   * The key the stream's records were placed into shards by: their producer wrote each record with
   * `ExplicitHashKey` = its key group's point (`kinesisSink({ explicitHashKey: keyGroupHashKey(key) })`,
   * with the reading job's number of key groups). Then each shard carries exactly the key groups
   * whose points lie in its hash range, and a `keyBy` on this same function (with only `filter` and
   * `withWatermarks` between) is co-partitioned with the source: the job can run on several workers,
   * each owning the key state of the shards it reads. On several workers, a record whose key is in
   * another shard's key groups goes to the dead letters (`not-co-partitioned`). Default: none (a
   * job on several workers then refuses keyed operators at start).
   */
  readonly partitionKey?: (value: T) => Key;
}

/**
 * Defaults of {@link KinesisSourceOptions}, as Flink's Kinesis source where it has the option; each
 * is described at the option of the same name.
 *
 * @example
 * // Two applications read the stream: poll half as often as the default.
 * kinesisSource({ stream: "fx-ticks", decode: json<Tick>(), getRecordsIntervalMs: KINESIS_SOURCE_DEFAULTS.getRecordsIntervalMs * 2 });
 */
export const KINESIS_SOURCE_DEFAULTS = {
  initialPosition: "LATEST",
  readerType: "POLLING",
  efoLifecycle: "JOB_MANAGED",
  efoSubscriptionTimeoutMs: 60_000,
  shardDiscoveryIntervalMs: 10_000,
  getRecordsMaxRecordCount: 10_000,
  getRecordsIntervalMs: 200,
  queuedBatchesPerShard: 2,
} as const;

/**
 * Options of {@link kinesisSink}; defaults in {@link KINESIS_SINK_DEFAULTS}.
 *
 * @example
 * import { KinesisClient } from "@aws-sdk/client-kinesis";
 * const options: KinesisSinkOptions<Tick> = {
 *   stream: "fx-ticks-enriched",
 *   partitionKey: (t) => t.symbol,
 *   aggregation: true,
 *   maxInFlightRequests: 1, // keeps each key's records in order, retries aside
 *   client: new KinesisClient({ region: "eu-west-1", maxAttempts: 1 }),
 * };
 * ticks.sink(kinesisSink(options));
 */
export interface KinesisSinkOptions<T> extends KinesisClientOptions {
  /** Stream name or ARN. */
  readonly stream: string;
  /** The record's partition key (1–256 characters): records of one key go to one shard, in order. */
  readonly partitionKey: (value: T) => string;
  /** Optional explicit hash key (a decimal 128-bit number) that overrides the partition key's hash. */
  readonly explicitHashKey?: (value: T) => string | undefined;
  /** Value → bytes (default: JSON as UTF-8). A string is written as UTF-8. */
  readonly serialize?: (value: T) => Uint8Array | string;
  /**
   * Packs records of one partition key into KPL aggregates (read back by this source, the KCL and
   * Flink), up to `maxBytes` each (default 51,200, the KPL's). Fewer, larger Kinesis records:
   * cheaper and faster when keys repeat.
   */
  readonly aggregation?: boolean | { readonly maxBytes?: number; readonly maxRecords?: number };
  /** Records per PutRecords call (Flink: 500, Kinesis's limit). */
  readonly maxBatchSize?: number;
  /** PutRecords calls in flight at once (Flink: 50). */
  readonly maxInFlightRequests?: number;
  /** Records buffered before `write` makes the job wait (backpressure) (Flink: 10,000). */
  readonly maxBufferedRequests?: number;
  /** Bytes per PutRecords call, data and partition keys (Flink: 5 MiB, Kinesis's limit). */
  readonly maxBatchSizeInBytes?: number;
  /** The longest a record waits in the buffer before a partial batch is sent (ms) (Flink: 5,000). */
  readonly maxTimeInBufferMS?: number;
  /**
   * Largest record, data and partition key (Flink: 1 MiB, Kinesis's limit): a larger one goes to
   * the job's dead letters (`too-large`), or fails the job with `failOnError`.
   */
  readonly maxRecordSizeInBytes?: number;
  /**
   * Fail the job, naming the record, when Kinesis rejects an entry of a PutRecords call or a record
   * cannot be written (too large, a partition key Kinesis refuses) (Flink: false — a failed entry is
   * retried with backoff until `retry.maxAttempts`; a record that can never be written goes to the
   * job's dead letters).
   */
  readonly failOnError?: boolean;
  /** Retries of throttled and failed entries and calls (backoff with full jitter, bounded; default core's `DEFAULT_RETRY`). */
  readonly retry?: KinesisRetryOptions;
  /**
   * Time for `maxTimeInBufferMS` and backoff.
   * @deprecated The sink uses the job's clock (`SinkContext.clock`); this option overrides it for one more release.
   */
  readonly clock?: Clock;
}

/**
 * Defaults of {@link KinesisSinkOptions}: exactly those of Flink's `KinesisStreamsSink`; each is
 * described at the option of the same name.
 *
 * @example
 * kinesisSink<Tick>({ stream: "fx-ticks", partitionKey: (t) => t.symbol, maxTimeInBufferMS: KINESIS_SINK_DEFAULTS.maxTimeInBufferMS / 10 });
 */
export const KINESIS_SINK_DEFAULTS = {
  maxBatchSize: 500,
  maxInFlightRequests: 50,
  maxBufferedRequests: 10_000,
  maxBatchSizeInBytes: 5 * 1024 * 1024,
  maxTimeInBufferMS: 5_000,
  maxRecordSizeInBytes: 1024 * 1024,
  failOnError: false,
} as const;

/**
 * Default size cap of one KPL aggregate written by the sink (the KPL's `AggregationMaxSize`).
 *
 * @example
 * kinesisSink<Tick>({ stream: "fx-ticks", partitionKey: (t) => t.symbol, aggregation: { maxBytes: AGGREGATION_MAX_BYTES * 4 } });
 */
export const AGGREGATION_MAX_BYTES = 51_200;
