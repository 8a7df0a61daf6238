import {
  AsyncSinkWriter,
  type AwsAccess,
  type Cancel,
  type Clock,
  PipelineDefinitionError,
  type RetryOptions,
  type Sink,
  type SinkContext,
  SinkWriteError,
} from "@eddy/core";
import { kinesisSinkAccess } from "./kinesis-access.ts";
import { KinesisBatchSubmitter, type SubmitterCounts } from "./kinesis-batch-submitter.ts";
import { type StreamProxy, streamProxyFor } from "./kinesis-client.ts";
import {
  type ConverterSettings,
  convertRecord,
  type KinesisEntry,
  type Unwritable,
} from "./kinesis-element-converter.ts";
import { AGGREGATION_MAX_BYTES, KINESIS_SINK_DEFAULTS, type KinesisSinkOptions } from "./options.ts";
import { type AggregateLimits, RecordAggregator } from "./record-aggregator.ts";
import { resolveRetry } from "./retry.ts";

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

interface Settings<T> {
  readonly maxBatchSize: number;
  readonly maxInFlightRequests: number;
  readonly maxBufferedRequests: number;
  readonly maxBatchSizeInBytes: number;
  readonly maxTimeInBufferMS: number;
  readonly failOnError: boolean;
  readonly retry: RetryOptions;
  readonly aggregation: AggregateLimits | undefined;
  readonly converter: ConverterSettings<T>;
}

const encoder = new TextEncoder();
const defaultSerialize = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));
const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;

/**
 * Writes records to a Kinesis data stream with PutRecords, batched like Flink's
 * `KinesisStreamsSink` and with its option names and defaults ({@link KINESIS_SINK_DEFAULTS}),
 * on core's `AsyncSinkWriter`.
 *
 * - Records are buffered and sent in batches of at most `maxBatchSize` records and
 *   `maxBatchSizeInBytes` bytes, with up to `maxInFlightRequests` calls at once; a partial batch
 *   leaves after `maxTimeInBufferMS` (processing time, the job's clock).
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
 *   out of their order; set `maxInFlightRequests: 1` to limit that to entries failed within a call.
 * - A record Kinesis can never take — larger than `maxRecordSizeInBytes` (data and partition key),
 *   a partition key outside 1–256 characters, a serializer that throws, a record a call is refused
 *   for (`ValidationException`, found by sending the call's records alone) — goes to the job's
 *   dead letters with the reason, and the job goes on; with `failOnError` it fails the job, naming
 *   the record.
 * - With `aggregation`, records of one partition key are packed into KPL aggregates.
 *
 * @example
 * const perMinute = ticks.keyBy((t) => t.symbol).window(tumbling(minutes(1))).aggregate(stats((t) => t.price));
 * perMinute.sink(kinesisSink({ stream: "fx-stats", partitionKey: (r) => r.key }));
 */
export function kinesisSink<T>(options: KinesisSinkOptions<T>): KinesisSink<T> {
  return createKinesisSink(options, () => streamProxyFor(options, `kinesisSink(${options.stream})`));
}

/**
 * The sink over a {@link StreamProxy} that `openProxy` makes when the sink opens: what
 * {@link kinesisSink} calls with the SDK-backed proxy, and unit tests with a scripted one.
 */
export function createKinesisSink<T>(
  options: KinesisSinkOptions<T>,
  openProxy: () => StreamProxy,
): KinesisSink<T> {
  return new KinesisSinkWriter(options, resolve(options), openProxy);
}

function resolve<T>(options: KinesisSinkOptions<T>): Settings<T> {
  const d = KINESIS_SINK_DEFAULTS;
  const where = `kinesisSink(${options.stream})`;
  const fail = (message: string): never => {
    throw new PipelineDefinitionError(`${where}: ${message}`);
  };
  const agg = options.aggregation;
  const given = typeof agg === "object" ? agg : {};
  const s: Settings<T> = {
    maxBatchSize: options.maxBatchSize ?? d.maxBatchSize,
    maxInFlightRequests: options.maxInFlightRequests ?? d.maxInFlightRequests,
    maxBufferedRequests: options.maxBufferedRequests ?? d.maxBufferedRequests,
    maxBatchSizeInBytes: options.maxBatchSizeInBytes ?? d.maxBatchSizeInBytes,
    maxTimeInBufferMS: options.maxTimeInBufferMS ?? d.maxTimeInBufferMS,
    failOnError: options.failOnError ?? d.failOnError,
    retry: resolveRetry(options.retry, where),
    aggregation: agg
      ? {
          maxBytes: given.maxBytes ?? AGGREGATION_MAX_BYTES,
          maxRecords: given.maxRecords ?? Number.POSITIVE_INFINITY,
        }
      : undefined,
    converter: {
      stream: options.stream,
      partitionKey: options.partitionKey,
      explicitHashKey: options.explicitHashKey,
      serialize: options.serialize ?? defaultSerialize,
      maxRecordSizeInBytes: options.maxRecordSizeInBytes ?? d.maxRecordSizeInBytes,
    },
  };
  if (!options.stream) fail("a stream name or ARN is required");
  if (!options.stream.startsWith("arn:") && !STREAM_NAME.test(options.stream)) {
    fail("a stream name is 1 to 128 letters, digits, '_', '.' or '-'");
  }
  if (!(s.maxBatchSize >= 1 && s.maxBatchSize <= 500))
    fail(`maxBatchSize must be in 1..500, got ${s.maxBatchSize}`);
  if (!(s.maxInFlightRequests >= 1)) fail(`maxInFlightRequests must be >= 1, got ${s.maxInFlightRequests}`);
  if (!(s.maxBufferedRequests >= s.maxBatchSize)) {
    fail(`maxBufferedRequests (${s.maxBufferedRequests}) must be >= maxBatchSize (${s.maxBatchSize})`);
  }
  const maxRecord = s.converter.maxRecordSizeInBytes;
  if (!(maxRecord <= s.maxBatchSizeInBytes)) {
    fail(`maxRecordSizeInBytes (${maxRecord}) must be <= maxBatchSizeInBytes (${s.maxBatchSizeInBytes})`);
  }
  if (s.aggregation && !(s.aggregation.maxBytes <= maxRecord)) {
    fail(`aggregation.maxBytes (${s.aggregation.maxBytes}) must be <= maxRecordSizeInBytes`);
  }
  return s;
}

/** What the sink holds between `open` and `close`. */
interface Running {
  readonly context: SinkContext;
  readonly clock: Clock;
  readonly proxy: StreamProxy;
  readonly submitter: KinesisBatchSubmitter;
  readonly writer: AsyncSinkWriter<KinesisEntry>;
  readonly aggregator: RecordAggregator | undefined;
}

class KinesisSinkWriter<T> implements KinesisSink<T> {
  readonly name: string;
  #running: Running | undefined;
  #closed = false;
  #aggregateTimer: Cancel | undefined;
  #records = 0;
  readonly #counts: SubmitterCounts = { requests: 0, retriedEntries: 0 };

  constructor(
    private readonly options: KinesisSinkOptions<T>,
    private readonly settings: Settings<T>,
    private readonly openProxy: () => StreamProxy,
  ) {
    this.name = `kinesis(${options.stream})`;
  }

  awsAccess(): AwsAccess[] {
    return kinesisSinkAccess(this.options.stream);
  }

  open(context: SinkContext): void {
    if (this.#running && !this.#closed) return;
    this.#closed = false;
    const s = this.settings;
    const clock = this.options.clock ?? context.clock;
    const proxy = this.openProxy();
    const submitter = new KinesisBatchSubmitter(this.options.stream, proxy, this.#counts);
    const writer = new AsyncSinkWriter<KinesisEntry>(
      this.name,
      {
        maxBatchSize: s.maxBatchSize,
        maxInFlightRequests: s.maxInFlightRequests,
        maxBufferedRequests: s.maxBufferedRequests,
        maxBatchSizeInBytes: s.maxBatchSizeInBytes,
        maxTimeInBufferMS: s.maxTimeInBufferMS,
        failOnError: s.failOnError,
        retry: s.retry,
        onRejected: (entry, reason) =>
          context.deadLetters.send({
            origin: this.name,
            reason: "rejected",
            error: `Kinesis refused ${submitter.describe(entry)}: ${reason}`,
            data: entry.data,
            timestamp: Number.NaN,
            details: { partitionKey: entry.partitionKey, records: entry.records },
          }),
      },
      submitter,
      clock,
    );
    const aggregator = s.aggregation
      ? new RecordAggregator(s.aggregation, (entry) => writer.add(entry, entry.size))
      : undefined;
    this.#running = { context, clock, proxy, submitter, writer, aggregator };
  }

  write(values: T[], timestamps: number[]): Promise<void> | undefined {
    const { writer, aggregator } = this.#started();
    const converter = this.settings.converter;
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      const converted = convertRecord(value, converter);
      if ("data" in converted) {
        if (aggregator) aggregator.add(converted);
        else writer.add(converted, converted.size);
      } else {
        this.#setAside(value, timestamps[i], converted);
      }
    }
    this.#records += values.length;
    if (aggregator && aggregator.pending > 0) this.#aggregatesLeaveOnTime(aggregator);
    return writer.afterAdd();
  }

  /** The barrier: every buffered record is stored before the checkpoint may complete. */
  async snapshot(): Promise<undefined> {
    await this.#flush();
    return undefined;
  }

  async finish(): Promise<void> {
    await this.#flush();
  }

  close(): void {
    this.#aggregateTimer?.();
    this.#aggregateTimer = undefined;
    if (this.#closed) return;
    this.#closed = true;
    this.#running?.writer.close();
    this.#running?.proxy.close();
  }

  metrics(): KinesisSinkMetrics {
    const running = this.#running;
    return {
      records: this.#records,
      requests: this.#counts.requests,
      retriedEntries: this.#counts.retriedEntries,
      buffered: (running?.writer.buffered ?? 0) + (running?.aggregator?.pending ?? 0),
      inFlightRequests: running?.writer.inFlight ?? 0,
    };
  }

  #started(): Running {
    if (!this.#running || this.#closed) {
      throw new SinkWriteError(`${this.name}: write before open (the job opens its sinks)`);
    }
    return this.#running;
  }

  async #flush(): Promise<void> {
    const running = this.#running;
    if (!running || this.#closed) return;
    running.aggregator?.closeAll();
    await running.writer.flush();
  }

  /**
   * Open aggregates leave `maxTimeInBufferMS` after the first of them, or at once when they hold
   * `maxBufferedRequests` records (so the writer's backpressure covers them too).
   */
  #aggregatesLeaveOnTime(aggregator: RecordAggregator): void {
    const { writer, clock } = this.#running!;
    if (aggregator.pending >= this.settings.maxBufferedRequests) {
      aggregator.closeAll();
      return;
    }
    if (this.#aggregateTimer !== undefined) return;
    this.#aggregateTimer = clock.schedule(clock.now() + this.settings.maxTimeInBufferMS, () => {
      this.#aggregateTimer = undefined;
      aggregator.closeAll();
      writer.sendBuffered();
    });
  }

  #setAside(value: T, timestamp: number | undefined, problem: Unwritable): void {
    if (this.settings.failOnError) {
      throw new SinkWriteError(
        `${this.name}: a record cannot be written because ${problem.error} (failOnError is set)`,
      );
    }
    this.#running!.context.deadLetters.send({
      origin: this.name,
      reason: problem.reason,
      error: problem.error,
      value,
      timestamp: timestamp ?? Number.NaN,
      ...(problem.partitionKey === undefined ? {} : { details: { partitionKey: problem.partitionKey } }),
    });
  }
}
