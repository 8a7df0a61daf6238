import {
  type Clock,
  OutputTag,
  PipelineDefinitionError,
  type RetryOptions,
  type SourceContext,
  type SourceEvent,
  type SourceReader,
  type SourceSplit,
  type SplitListingContext,
  type SplittableSource,
  sleep,
  systemClock,
} from "@eddy/core";
import { coPartitionedDecoder } from "./co-partition-check.ts";
import type { KinesisDeadLetter } from "./dead-letter.ts";
import type { Decoder } from "./decoders.ts";
import { SourceEventQueue } from "./event-queue.ts";
import { acquireConsumer, type FanOutConsumer } from "./fan-out-consumer.ts";
import { readShardByFanOut } from "./fan-out-shard-reader.ts";
import { kinesisSourceAccess } from "./kinesis-access.ts";
import { type ShardInfo, type StreamProxy, streamProxyFor } from "./kinesis-client.ts";
import { KINESIS_SOURCE_DEFAULTS, type KinesisSourceOptions } from "./options.ts";
import { readShardByPolling } from "./polling-shard-reader.ts";
import { resolveRetry, retryCall } from "./retry.ts";
import { FINISHED, parseShardPosition, type ShardPosition } from "./shard-position.ts";
import type { ShardMetrics, ShardReaderContext } from "./shard-reader.ts";
import { shardsToSplits } from "./shard-splits.ts";
import { type ShardToRead, ShardTracker } from "./shard-tracker.ts";

/**
 * What `source.metrics()` reports: per shard, and the source's totals.
 *
 * @example
 * const source = kinesisSource({ stream: "fx-ticks", decode: json<Tick>() });
 * job.source(source);
 * const figures: KinesisSourceMetrics = source.metrics();
 * console.log(`${figures.records} records, ${figures.millisBehindLatest} ms behind, ${Object.keys(figures.shards).length} shards`);
 */
export interface KinesisSourceMetrics {
  /** Per shard id, its figures. */
  readonly shards: Readonly<Record<string, Readonly<ShardMetrics>>>;
  /** The largest `millisBehindLatest` over shards being read (0 when caught up). */
  readonly millisBehindLatest: number;
  /** User records handed downstream, over all shards. */
  readonly records: number;
  /** Records sent to the dead-letter output, over all shards. */
  readonly deadLetters: number;
  /** Calls retried after throttling or transient errors, over all shards. */
  readonly retries: number;
}

/**
 * A Kinesis Data Streams source: a {@link SplittableSource} (its shards are the splits several
 * workers share) with its dead-letter tag and its metrics.
 *
 * @example
 * const source: KinesisSource<Tick> = kinesisSource({ stream: "fx-ticks", decode: json<Tick>() });
 * const stream = job.source(source);
 * stream.getSideOutput(source.deadLetters).sink(consoleSink());
 */
export interface KinesisSource<T> extends SplittableSource<T> {
  /** The side output of records that cannot be decoded: `stream.getSideOutput(source.deadLetters)`. */
  readonly deadLetters: OutputTag<KinesisDeadLetter>;
  /** Per-shard progress of the running job (`millisBehindLatest`, records, idleness). */
  metrics(): KinesisSourceMetrics;
}

/**
 * Reads a Kinesis data stream: one split per shard, resumable exactly from checkpoints.
 *
 * - Shards are listed at start and every `shardDiscoveryIntervalMs`; a child shard (split or
 *   merge) is read only after its parents are read to their end, so records of one partition key
 *   stay in order across a reshard.
 * - Polling (GetRecords, at most one call per `getRecordsIntervalMs` per shard) or enhanced
 *   fan-out (`readerType: "EFO"`). Throttling and transient errors are retried with backoff and
 *   jitter; after `retry.maxAttempts` failures in a row the job fails with a message saying so.
 * - KPL aggregates are split into their user records; a checkpoint stores the (sequence number,
 *   sub-sequence number) of the last record handed downstream of every shard (or that the shard
 *   is finished), so a restored job neither replays nor skips records.
 * - Event time: every record carries its `ApproximateArrivalTimestamp` (ms), which
 *   `withWatermarks(strategy)` keeps when given no timestamp function (a function replaces it).
 *   Watermarks are generated per shard; with `shardIdleTimeoutMs` a caught-up shard without data
 *   is reported idle and stops holding the watermark back until its next record, which may then
 *   be late.
 * - A record the decoder rejects goes to `source.deadLetters` with its shard, sequence numbers and
 *   the error; the job goes on.
 * - On several workers (a pipeline's `cluster` option) the shards are the splits: `listSplits`
 *   lists them (every `ListShards` page) with their parents and, with `partitionKey`, the key
 *   groups whose points lie in each shard's hash range; a worker reads exactly the shards whose
 *   leases it holds, from their published positions, and reports a shard read to its end as
 *   finished, so its children's leases are created and taken next. Records whose key is not in
 *   their shard's key groups go to `source.deadLetters` (`not-co-partitioned`).
 *
 * @example
 * const ticks = kinesisSource({ stream: "fx-ticks", decode: json<Tick>(), initialPosition: "TRIM_HORIZON" });
 * const stream = job.source(ticks).withWatermarks(boundedOutOfOrderness(seconds(5)));
 * stream.getSideOutput(ticks.deadLetters).sink(consoleSink());
 */
export function kinesisSource<T>(options: KinesisSourceOptions<T>): KinesisSource<T> {
  return createKinesisSource(options, () => streamProxyFor(options, `kinesisSource(${options.stream})`));
}

/**
 * The source over the {@link StreamProxy} `openProxy` makes (one per reader, one per shard
 * listing): what {@link kinesisSource} calls with the SDK-backed proxy, and unit tests with a
 * scripted one.
 */
export function createKinesisSource<T>(
  options: KinesisSourceOptions<T>,
  openProxy: () => StreamProxy,
): KinesisSource<T> {
  const settings = resolveOptions(options);
  const deadLetters =
    options.deadLetters ?? new OutputTag<KinesisDeadLetter>(`kinesis-dead-letters(${options.stream})`);
  const shardMetrics = new Map<string, ShardMetrics>();
  /** The job's key groups, as the last listing of splits was told (the worker lists before it reads). */
  let keyGroups: number | undefined;
  return {
    name: `kinesis(${options.stream})`,
    bounded: false,
    deadLetters,
    partitionKey: options.partitionKey,
    async listSplits(context: SplitListingContext): Promise<SourceSplit[]> {
      keyGroups = context.keyGroups;
      const proxy = openProxy();
      try {
        const shards = await retryCall(
          `ListShards of ${options.stream}`,
          () => proxy.listShards(options.stream, context.signal),
          { clock: systemClock, retry: settings.retry, signal: context.signal },
        );
        return shardsToSplits(shards, context.keyGroups, options.partitionKey !== undefined);
      } finally {
        proxy.close();
      }
    },
    open(context) {
      return openReader(options, settings, openProxy, deadLetters, shardMetrics, context, keyGroups);
    },
    awsAccess: () => kinesisSourceAccess(options),
    metrics() {
      const shards: Record<string, ShardMetrics> = {};
      let behind = 0;
      let records = 0;
      let dead = 0;
      let retries = 0;
      for (const [id, m] of shardMetrics) {
        shards[id] = { ...m };
        if (m.status !== "finished" && m.millisBehindLatest !== undefined)
          behind = Math.max(behind, m.millisBehindLatest);
        records += m.records;
        dead += m.deadLetters;
        retries += m.retries;
      }
      return { shards, millisBehindLatest: behind, records, deadLetters: dead, retries };
    },
  };
}

interface Settings {
  readonly retry: RetryOptions;
  readonly initialPosition: NonNullable<KinesisSourceOptions<unknown>["initialPosition"]>;
  readonly readerType: "POLLING" | "EFO";
  readonly discoveryIntervalMs: number;
  readonly maxRecordCount: number;
  readonly intervalMs: number;
  readonly queuedBatchesPerShard: number;
  readonly subscriptionTimeoutMs: number;
}

function resolveOptions<T>(options: KinesisSourceOptions<T>): Settings {
  const d = KINESIS_SOURCE_DEFAULTS;
  const settings: Settings = {
    retry: resolveRetry(options.retry, `kinesisSource(${options.stream})`),
    initialPosition: options.initialPosition ?? d.initialPosition,
    readerType: options.readerType ?? d.readerType,
    discoveryIntervalMs: options.shardDiscoveryIntervalMs ?? d.shardDiscoveryIntervalMs,
    maxRecordCount: options.getRecordsMaxRecordCount ?? d.getRecordsMaxRecordCount,
    intervalMs: options.getRecordsIntervalMs ?? d.getRecordsIntervalMs,
    queuedBatchesPerShard: options.queuedBatchesPerShard ?? d.queuedBatchesPerShard,
    subscriptionTimeoutMs: options.efoSubscriptionTimeoutMs ?? d.efoSubscriptionTimeoutMs,
  };
  const fail = (message: string) => {
    throw new PipelineDefinitionError(`kinesisSource(${options.stream}): ${message}`);
  };
  if (!options.stream) fail("a stream name or ARN is required");
  if (settings.readerType === "EFO" && !options.efoConsumerName)
    fail('readerType "EFO" needs efoConsumerName');
  if (settings.initialPosition === "AT_TIMESTAMP" && options.initialTimestamp === undefined) {
    fail('initialPosition "AT_TIMESTAMP" needs initialTimestamp (epoch ms)');
  }
  if (!(settings.maxRecordCount >= 1 && settings.maxRecordCount <= 10_000)) {
    fail(`getRecordsMaxRecordCount must be in 1..10000, got ${settings.maxRecordCount}`);
  }
  if (!(settings.intervalMs >= 0)) fail(`getRecordsIntervalMs must be >= 0, got ${settings.intervalMs}`);
  if (options.shardIdleTimeoutMs !== undefined && !(options.shardIdleTimeoutMs > 0)) {
    fail(`shardIdleTimeoutMs must be > 0, got ${options.shardIdleTimeoutMs}`);
  }
  return settings;
}

async function openReader<T>(
  options: KinesisSourceOptions<T>,
  settings: Settings,
  openProxy: () => StreamProxy,
  deadLetters: OutputTag<KinesisDeadLetter>,
  shardMetrics: Map<string, ShardMetrics>,
  context: SourceContext,
  keyGroups: number | undefined,
): Promise<SourceReader<T>> {
  const { clock } = context;
  const stop = new AbortController();
  const onAbort = () => stop.abort(context.signal.reason);
  if (context.signal.aborted) onAbort();
  else context.signal.addEventListener("abort", onAbort, { once: true });
  const signal = stop.signal;

  const restored = new Map<string, ShardPosition>();
  for (const [shardId, position] of context.restoredPositions)
    restored.set(shardId, parseShardPosition(position, shardId));

  const proxy = openProxy();
  const queue = new SourceEventQueue<T>(settings.queuedBatchesPerShard);
  const assigned = context.assignedSplits;
  const tracker = new ShardTracker(
    restored,
    { position: settings.initialPosition, timestamp: options.initialTimestamp },
    () => clock.now(),
    undefined,
    assigned,
  );
  // On one of several workers with a partition key: each shard's records must be in its key groups.
  const decoders = new Map<string, Decoder<T>>();
  const { partitionKey } = options;
  const checksKeyGroups = assigned !== undefined && partitionKey !== undefined && keyGroups !== undefined;
  const tasks = new Set<Promise<void>>();
  const track = (task: Promise<void>) => {
    const settled = task.catch((error: unknown) => {
      if (!signal.aborted) queue.fail(error);
    });
    tasks.add(settled);
    void settled.finally(() => tasks.delete(settled));
  };

  let consumer: Promise<FanOutConsumer> | undefined;
  if (settings.readerType === "EFO") {
    consumer = acquireConsumer(
      proxy,
      options.stream,
      options.efoConsumerName!,
      options.efoLifecycle ?? "JOB_MANAGED",
      {
        clock,
        retry: settings.retry,
        signal,
      },
    );
    consumer.catch(() => {});
  }

  const discovery = new Discovery(proxy, options.stream, clock, settings.retry, signal, (shards) => {
    if (checksKeyGroups) {
      for (const split of shardsToSplits(shards, keyGroups!, true)) {
        if (assigned.has(split.id) && !decoders.has(split.id)) {
          decoders.set(
            split.id,
            coPartitionedDecoder(options.decode, partitionKey!, keyGroups!, split.keyGroups ?? []),
          );
        }
      }
    }
    startShards(tracker.discovered(shards));
    // Shards with nothing left to read — assigned ones, and on one process checkpointed ones
    // trimmed since — are reported finished: a worker releases them, and the watermark stops
    // waiting for them.
    for (const shardId of tracker.takeFinishedUnread()) {
      context.logger.info(`shard ${shardId} of ${options.stream} has nothing left to read: finished`);
      queue.push({ kind: "split-status", split: shardId, status: "finished", position: FINISHED });
    }
  });
  const readerContext: ShardReaderContext<T> = {
    stream: options.stream,
    proxy,
    clock,
    signal,
    queue,
    decoderFor: (shardId) => decoders.get(shardId) ?? options.decode,
    deadLetters,
    retry: settings.retry,
    idleTimeoutMs: options.shardIdleTimeoutMs,
    isClosed: (shardId) => tracker.isClosed(shardId),
    metricsOf(shardId) {
      let m = shardMetrics.get(shardId);
      if (!m) {
        m = {
          status: "reading",
          millisBehindLatest: undefined,
          records: 0,
          deadLetters: 0,
          retries: 0,
          lastReadAt: undefined,
        };
        shardMetrics.set(shardId, m);
      }
      return m;
    },
    finished(shardId, children) {
      startShards(tracker.finished(shardId, children ?? []));
      // Stand-ins without ChildShards: look for the children now rather than at the next interval.
      if (!children) track(discovery.runOnce());
    },
  };

  function startShards(shards: readonly ShardToRead[]): void {
    for (const shard of shards) {
      if (settings.readerType === "EFO") {
        track(
          readShardByFanOut(readerContext, shard, {
            consumerArn: async () => (await consumer!).arn,
            subscriptionTimeoutMs: settings.subscriptionTimeoutMs,
          }),
        );
      } else {
        track(
          readShardByPolling(readerContext, shard, {
            maxRecordCount: settings.maxRecordCount,
            intervalMs: settings.intervalMs,
          }),
        );
      }
    }
  }

  try {
    await discovery.runOnce();
  } catch (error) {
    const stopped = context.signal.aborted;
    stop.abort();
    proxy.close();
    // The job stopped while the first listing was under way (a worker's pipeline restarting):
    // nothing failed, there is just nothing to read.
    if (stopped) return { next: async () => undefined };
    throw error;
  }
  track(discovery.loop(settings.discoveryIntervalMs));

  return {
    next(): Promise<SourceEvent<T> | undefined> {
      // Once the job stops, a read (also one waiting) ends rather than wait for shards that stopped.
      return queue.take(signal);
    },
    millisBehindLatest() {
      // Read by the job's metrics on demand: each shard's lag as of its last GetRecords or event.
      const lags = new Map<string, number | undefined>();
      for (const [shardId, m] of shardMetrics) lags.set(shardId, m.millisBehindLatest);
      return lags;
    },
    async close() {
      stop.abort();
      context.signal.removeEventListener("abort", onAbort);
      queue.release();
      await Promise.allSettled([...tasks]);
      if (consumer) await (await consumer.catch(() => undefined))?.release();
      proxy.close();
    },
  };
}

/** Lists shards now and then; one listing at a time. */
class Discovery {
  #running: Promise<void> | undefined;

  constructor(
    private readonly proxy: StreamProxy,
    private readonly stream: string,
    private readonly clock: Clock,
    private readonly retry: RetryOptions,
    private readonly signal: AbortSignal,
    private readonly onShards: (shards: ShardInfo[]) => void,
  ) {}

  runOnce(): Promise<void> {
    this.#running ??= this.#list().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async loop(intervalMs: number): Promise<void> {
    for (;;) {
      await sleep(this.clock, intervalMs, this.signal);
      await this.runOnce();
    }
  }

  async #list(): Promise<void> {
    const shards = await retryCall(
      `ListShards of ${this.stream}`,
      () => this.proxy.listShards(this.stream, this.signal),
      { clock: this.clock, retry: this.retry, signal: this.signal },
    );
    if (!this.signal.aborted) this.onShards(shards);
  }
}
