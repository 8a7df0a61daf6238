import { type Cancel, type Clock, PipelineDefinitionError, type Sink, systemClock } from "@eddy/core";
import { backoffDelay, RETRY_DEFAULTS, type RetryOptions } from "./backoff.ts";
import { classifyError, errorMessage, KinesisRetriesExhaustedError, KinesisSinkError } from "./errors.ts";
import { createStreamProxy, type StreamProxy } from "./kinesis-client.ts";
import {
  AGGREGATE_FIXED_BYTES,
  aggregate,
  aggregatedRecordOverhead,
  type UserRecord,
} from "./kpl-aggregation.ts";
import { AGGREGATION_MAX_BYTES, KINESIS_SINK_DEFAULTS, type KinesisSinkOptions } from "./options.ts";
import { type BufferedEntry, EntryBuffer, entrySize } from "./sink-batching.ts";

/**
 * What `sink.metrics()` reports.
 *
 * @example
 * const sink = kinesisSink<Tick>({ stream: "fx-ticks", partitionKey: (t) => t.symbol });
 * ticks.sink(sink);
 * const figures: KinesisSinkMetrics = sink.metrics();
 * console.log(`${figures.records} records in ${figures.requests} requests, ${figures.buffered} buffered`);
 */
export interface KinesisSinkMetrics {
  /** User records accepted by `write`. */
  readonly records: number;
  /** PutRecords calls made (retries included). */
  readonly requests: number;
  /** Entries retried after Kinesis rejected them or the call failed. */
  readonly retriedEntries: number;
  /** Records waiting in the buffer (or in an open aggregate, or for a retry). */
  readonly buffered: number;
  /** PutRecords calls in flight now. */
  readonly inFlightRequests: number;
}

/**
 * A Kinesis Data Streams sink: a {@link Sink} with its metrics.
 *
 * @example
 * const sink: KinesisSink<Tick> = kinesisSink({ stream: "fx-ticks", partitionKey: (t) => t.symbol });
 * ticks.sink(sink);
 * setInterval(() => console.log(sink.metrics().retriedEntries, "entries retried"), 10_000).unref();
 */
export interface KinesisSink<T> extends Sink<T> {
  /** Counters of the running sink (a snapshot). */
  metrics(): KinesisSinkMetrics;
}

interface Resolved {
  readonly maxBatchSize: number;
  readonly maxInFlightRequests: number;
  readonly maxBufferedRequests: number;
  readonly maxBatchSizeInBytes: number;
  readonly maxTimeInBufferMS: number;
  readonly maxRecordSizeInBytes: number;
  readonly failOnError: boolean;
  readonly retry: RetryOptions;
  readonly aggregation: { readonly maxBytes: number; readonly maxRecords: number } | undefined;
}

const encoder = new TextEncoder();
const defaultSerialize = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));

/**
 * Writes records to a Kinesis data stream with PutRecords, batched like Flink's
 * `KinesisStreamsSink` and with its option names and defaults ({@link KINESIS_SINK_DEFAULTS}).
 *
 * - Records are buffered and sent in batches of at most `maxBatchSize` records and
 *   `maxBatchSizeInBytes` bytes, with up to `maxInFlightRequests` calls at once; a partial batch
 *   leaves after `maxTimeInBufferMS`.
 * - Only the entries Kinesis rejected are retried (with backoff and jitter, at most
 *   `retry.maxAttempts` times each, then the job fails saying so); with `failOnError` the first
 *   rejected entry fails the job. A call that fails as a whole (throttling, network) is retried the
 *   same way; a fatal error (no such stream, no permission) fails the job at once.
 * - Backpressure: while `maxBufferedRequests` records wait, `write` returns a promise, which holds
 *   the job's sources.
 * - At-least-once: a checkpoint barrier (`snapshot`) and the end of input (`finish`) wait until
 *   every buffered record is stored, so a checkpoint never completes with records in the buffer or
 *   a request in flight. After a crash, records since the last checkpoint are written again:
 *   consumers may see duplicates (de-duplicate downstream by a record id if that matters).
 *   With retries or several requests in flight, records of one partition key may also be stored
 *   out of their order; set `maxInFlightRequests: 1` to limit that to retries.
 * - A record larger than `maxRecordSizeInBytes` (data and partition key) can never be written:
 *   `write` fails with an error naming its partition key and size.
 * - With `aggregation`, records of one partition key are packed into KPL aggregates.
 *
 * @example
 * const perMinute = ticks.keyBy((t) => t.symbol).window(tumbling(minutes(1))).aggregate(stats((t) => t.price));
 * perMinute.sink(kinesisSink({ stream: "fx-stats", partitionKey: (r) => r.key }));
 */
export function kinesisSink<T>(options: KinesisSinkOptions<T>): KinesisSink<T> {
  return new KinesisSinkWriter(options);
}

function resolve<T>(options: KinesisSinkOptions<T>): Resolved {
  const d = KINESIS_SINK_DEFAULTS;
  const agg = options.aggregation;
  const r: Resolved = {
    maxBatchSize: options.maxBatchSize ?? d.maxBatchSize,
    maxInFlightRequests: options.maxInFlightRequests ?? d.maxInFlightRequests,
    maxBufferedRequests: options.maxBufferedRequests ?? d.maxBufferedRequests,
    maxBatchSizeInBytes: options.maxBatchSizeInBytes ?? d.maxBatchSizeInBytes,
    maxTimeInBufferMS: options.maxTimeInBufferMS ?? d.maxTimeInBufferMS,
    maxRecordSizeInBytes: options.maxRecordSizeInBytes ?? d.maxRecordSizeInBytes,
    failOnError: options.failOnError ?? d.failOnError,
    retry: { ...RETRY_DEFAULTS, ...options.retry },
    aggregation: agg
      ? {
          maxBytes: (typeof agg === "object" ? agg.maxBytes : undefined) ?? AGGREGATION_MAX_BYTES,
          maxRecords: (typeof agg === "object" ? agg.maxRecords : undefined) ?? Number.POSITIVE_INFINITY,
        }
      : undefined,
  };
  const fail = (message: string) => {
    throw new PipelineDefinitionError(`kinesisSink(${options.stream}): ${message}`);
  };
  if (!options.stream) fail("a stream name or ARN is required");
  if (!(r.maxBatchSize >= 1 && r.maxBatchSize <= 500))
    fail(`maxBatchSize must be in 1..500, got ${r.maxBatchSize}`);
  if (!(r.maxInFlightRequests >= 1)) fail(`maxInFlightRequests must be >= 1, got ${r.maxInFlightRequests}`);
  if (!(r.maxBufferedRequests >= r.maxBatchSize)) {
    fail(`maxBufferedRequests (${r.maxBufferedRequests}) must be >= maxBatchSize (${r.maxBatchSize})`);
  }
  if (!(r.maxRecordSizeInBytes <= r.maxBatchSizeInBytes)) {
    fail(
      `maxRecordSizeInBytes (${r.maxRecordSizeInBytes}) must be <= maxBatchSizeInBytes (${r.maxBatchSizeInBytes})`,
    );
  }
  if (r.aggregation && !(r.aggregation.maxBytes <= r.maxRecordSizeInBytes)) {
    fail(`aggregation.maxBytes (${r.aggregation.maxBytes}) must be <= maxRecordSizeInBytes`);
  }
  return r;
}

interface OpenAggregate {
  readonly records: UserRecord[];
  bytes: number;
}

class KinesisSinkWriter<T> implements KinesisSink<T> {
  readonly name: string;
  readonly #options: KinesisSinkOptions<T>;
  readonly #r: Resolved;
  readonly #clock: Clock;
  readonly #serialize: (value: T) => Uint8Array | string;
  readonly #buffer = new EntryBuffer();
  readonly #aggregates = new Map<string, OpenAggregate>();
  #aggregatedRecords = 0;
  #proxy: StreamProxy | undefined;
  #inFlight = 0;
  /** Entries waiting for a retry's backoff. */
  #delayed = 0;
  #timer: Cancel | undefined;
  readonly #retryTimers = new Set<Cancel>();
  #flushing = 0;
  #failure: Error | undefined;
  #waiters: (() => void)[] = [];
  #records = 0;
  #requests = 0;
  #retried = 0;

  constructor(options: KinesisSinkOptions<T>) {
    this.#options = options;
    this.#r = resolve(options);
    this.#clock = options.clock ?? systemClock;
    this.#serialize = options.serialize ?? (defaultSerialize as (value: T) => Uint8Array);
    this.name = `kinesis(${options.stream})`;
  }

  open(): void {
    this.#proxy ??= createStreamProxy(this.#options.connection);
  }

  write(values: T[]): Promise<void> | undefined {
    this.#throwIfFailed();
    this.open();
    const { partitionKey, explicitHashKey } = this.#options;
    const maxRecord = this.#r.maxRecordSizeInBytes;
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      const serialized = this.#serialize(value);
      const data = typeof serialized === "string" ? encoder.encode(serialized) : serialized;
      const key = partitionKey(value);
      const size = entrySize(data, key);
      if (size > maxRecord) {
        throw new KinesisSinkError(
          `kinesisSink(${this.#options.stream}): the record with partition key "${key}" is ${size} bytes ` +
            `(data and partition key), more than maxRecordSizeInBytes (${maxRecord}); Kinesis would refuse it`,
        );
      }
      const hashKey = explicitHashKey?.(value);
      if (this.#r.aggregation) this.#aggregate({ data, partitionKey: key, explicitHashKey: hashKey }, size);
      else this.#buffer.push({ data, partitionKey: key, explicitHashKey: hashKey, size, attempts: 0 });
    }
    this.#records += values.length;
    this.#pump(false);
    this.#armTimer();
    if (this.#pending() >= this.#r.maxBufferedRequests) {
      return this.#until(() => this.#pending() < this.#r.maxBufferedRequests);
    }
    return undefined;
  }

  /** The barrier: every buffered record is stored before the checkpoint may complete. */
  async snapshot(): Promise<undefined> {
    await this.#flushAll();
    return undefined;
  }

  async finish(): Promise<void> {
    await this.#flushAll();
  }

  close(): void {
    this.#timer?.();
    this.#timer = undefined;
    for (const cancel of this.#retryTimers) cancel();
    this.#retryTimers.clear();
    this.#proxy?.close();
    this.#proxy = undefined;
  }

  metrics(): KinesisSinkMetrics {
    return {
      records: this.#records,
      requests: this.#requests,
      retriedEntries: this.#retried,
      buffered: this.#pending(),
      inFlightRequests: this.#inFlight,
    };
  }

  #pending(): number {
    return this.#buffer.length + this.#aggregatedRecords + this.#delayed;
  }

  #aggregate(record: UserRecord, size: number): void {
    const { maxBytes, maxRecords } = this.#r.aggregation!;
    const added = aggregatedRecordOverhead(record);
    if (AGGREGATE_FIXED_BYTES + added > maxBytes) {
      // Too large to share an aggregate: it travels alone, as a plain record.
      this.#buffer.push({ ...record, size, attempts: 0 });
      return;
    }
    let open = this.#aggregates.get(record.partitionKey);
    if (open && (open.bytes + added > maxBytes || open.records.length >= maxRecords)) {
      this.#closeAggregate(record.partitionKey, open);
      open = undefined;
    }
    if (!open) {
      open = { records: [], bytes: AGGREGATE_FIXED_BYTES };
      this.#aggregates.set(record.partitionKey, open);
    }
    open.records.push(record);
    open.bytes += added;
    this.#aggregatedRecords++;
  }

  #closeAggregate(partitionKey: string, open: OpenAggregate): void {
    this.#aggregates.delete(partitionKey);
    this.#aggregatedRecords -= open.records.length;
    const first = open.records[0]!;
    const data = open.records.length === 1 ? first.data : aggregate(open.records);
    this.#buffer.push({
      data,
      partitionKey,
      explicitHashKey: first.explicitHashKey,
      size: entrySize(data, partitionKey),
      attempts: 0,
    });
  }

  #closeAllAggregates(): void {
    for (const [key, open] of this.#aggregates) this.#closeAggregate(key, open);
  }

  /** Starts requests: full batches, or everything when flushing. */
  #pump(force: boolean): void {
    const { maxBatchSize, maxBatchSizeInBytes, maxInFlightRequests } = this.#r;
    const all = force || this.#flushing > 0;
    if (all) this.#closeAllAggregates();
    while (
      this.#failure === undefined &&
      this.#inFlight < maxInFlightRequests &&
      this.#buffer.length > 0 &&
      (all || this.#buffer.hasFullBatch(maxBatchSize, maxBatchSizeInBytes))
    ) {
      this.#send(this.#buffer.takeBatch(maxBatchSize, maxBatchSizeInBytes));
    }
  }

  #send(batch: BufferedEntry[]): void {
    this.#inFlight++;
    this.#requests++;
    const proxy = this.#proxy!;
    proxy
      .putRecords(this.#options.stream, batch)
      .then(
        (failures) => {
          if (failures.length === 0) return;
          const retry: BufferedEntry[] = [];
          for (const f of failures) {
            const entry = batch[f.index]!;
            if (this.#r.failOnError || classifyError(f.errorCode) === "fatal") {
              this.#fail(
                new KinesisSinkError(
                  `kinesisSink(${this.#options.stream}): Kinesis rejected the record with partition key ` +
                    `"${entry.partitionKey}": ${f.errorCode}: ${f.errorMessage}` +
                    (this.#r.failOnError ? " (failOnError is set)" : ""),
                ),
              );
              return;
            }
            entry.lastError = `${f.errorCode}: ${f.errorMessage}`;
            retry.push(entry);
          }
          this.#retryLater(retry);
        },
        (error: unknown) => {
          if (classifyError(error) === "fatal") {
            this.#fail(error instanceof Error ? error : new Error(String(error)));
            return;
          }
          const message = errorMessage(error);
          for (const entry of batch) entry.lastError = message;
          this.#retryLater(batch);
        },
      )
      .finally(() => {
        this.#inFlight--;
        this.#pump(false);
        this.#notify();
      });
  }

  /** Puts failed entries back in front of the buffer after a backoff, or fails when they are out of attempts. */
  #retryLater(entries: BufferedEntry[]): void {
    let attempts = 0;
    for (const entry of entries) {
      entry.attempts++;
      attempts = Math.max(attempts, entry.attempts);
      if (entry.attempts >= this.#r.retry.maxAttempts) {
        this.#fail(
          new KinesisRetriesExhaustedError(
            `PutRecords to ${this.#options.stream} (record with partition key "${entry.partitionKey}")`,
            entry.attempts,
            entry.lastError,
          ),
        );
        return;
      }
    }
    this.#retried += entries.length;
    this.#delayed += entries.length;
    const cancel = this.#clock.schedule(this.#clock.now() + backoffDelay(attempts, this.#r.retry), () => {
      this.#retryTimers.delete(cancel);
      this.#delayed -= entries.length;
      this.#buffer.unshift(entries);
      // Retries leave at once, not with the next full batch.
      this.#pump(true);
      this.#armTimer();
      this.#notify();
    });
    this.#retryTimers.add(cancel);
  }

  #armTimer(): void {
    if (this.#timer !== undefined || this.#pending() === 0 || this.#failure) return;
    this.#timer = this.#clock.schedule(this.#clock.now() + this.#r.maxTimeInBufferMS, () => {
      this.#timer = undefined;
      this.#pump(true);
      this.#armTimer();
    });
  }

  async #flushAll(): Promise<void> {
    this.#throwIfFailed();
    if (!this.#proxy) return;
    this.#flushing++;
    try {
      this.#pump(true);
      await this.#until(() => this.#pending() === 0 && this.#inFlight === 0);
    } finally {
      this.#flushing--;
    }
  }

  /** Resolves once `condition` holds (checked whenever a request ends); rejects on failure. */
  #until(condition: () => boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (this.#failure) reject(this.#failure);
        else if (condition()) resolve();
        else this.#waiters.push(check);
      };
      check();
    });
  }

  #notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const check of waiters) check();
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#notify();
  }

  #throwIfFailed(): void {
    if (this.#failure) throw this.#failure;
  }
}
