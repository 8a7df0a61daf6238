import type { Clock, OutputTag, RetryOptions, SourceBatch } from "@eddy/core";
import type { KinesisDeadLetter } from "./dead-letter.ts";
import type { Decoder } from "./decoders.ts";
import type { SourceEventQueue } from "./event-queue.ts";
import type { KinesisRecord, ShardInfo, StreamProxy } from "./kinesis-client.ts";
import { RecordConverter } from "./record-converter.ts";
import { FINISHED } from "./shard-position.ts";
import type { ShardToRead } from "./shard-tracker.ts";

/**
 * What a shard's status is, as reported by `source.metrics()`: `idle` shards do not hold the
 * watermark back.
 *
 * @example
 * const source = kinesisSource({ stream: "fx-ticks", decode: json<Tick>() });
 * const idle = Object.entries(source.metrics().shards).filter(([, m]) => m.status === ("idle" satisfies ShardStatus));
 */
export type ShardStatus = "reading" | "idle" | "finished";

/**
 * Per-shard figures of `source.metrics()`.
 *
 * @example
 * const source = kinesisSource({ stream: "fx-ticks", decode: json<Tick>() });
 * const lagging = Object.entries(source.metrics().shards).filter(([, m]: [string, ShardMetrics]) => (m.millisBehindLatest ?? 0) > minutes(1));
 */
export interface ShardMetrics {
  /** Reading, idle, or read to its end. */
  status: ShardStatus;
  /** From the last GetRecords answer or fan-out event: how far the reader is behind the shard's tip. */
  millisBehindLatest: number | undefined;
  /** User records handed downstream (after de-aggregation). */
  records: number;
  /** Records sent to the dead-letter output. */
  deadLetters: number;
  /** Calls retried after throttling or a transient error. */
  retries: number;
  /** Processing time of the last answer from Kinesis. */
  lastReadAt: number | undefined;
}

/** Everything a shard reader needs, shared by the polling and the fan-out reader. */
export interface ShardReaderContext<T> {
  readonly stream: string;
  readonly proxy: StreamProxy;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly queue: SourceEventQueue<T>;
  /** The decoder of a shard's records (on one of several workers, with the co-partition check). */
  decoderFor(shardId: string): Decoder<T>;
  readonly deadLetters: OutputTag<KinesisDeadLetter>;
  readonly retry: RetryOptions;
  readonly idleTimeoutMs: number | undefined;
  metricsOf(shardId: string): ShardMetrics;
  /** Whether the latest shard listing shows the shard closed. */
  isClosed(shardId: string): boolean;
  /** The shard was read to its end. */
  finished(shardId: string, children: readonly ShardInfo[] | undefined): void;
}

/**
 * The part of reading a shard that does not depend on how records are fetched: conversion,
 * idleness, metrics, and the hand-over to the queue.
 */
export class ShardProgress<T> {
  readonly converter: RecordConverter<T>;
  readonly metrics: ShardMetrics;
  /** Counts a retried call in the shard's metrics. */
  readonly countRetry = (): void => {
    this.metrics.retries++;
  };
  #idle = false;
  #lastDataAt: number;

  constructor(
    private readonly context: ShardReaderContext<T>,
    readonly shard: ShardToRead,
  ) {
    this.converter = new RecordConverter(
      context.stream,
      shard.shardId,
      context.decoderFor(shard.shardId),
      context.deadLetters,
      shard.start.skip,
    );
    this.metrics = context.metricsOf(shard.shardId);
    this.metrics.status = "reading";
    this.#lastDataAt = context.clock.now();
    // The shard joins the watermark minimum now, as a split assigned in Flink does: until its
    // first record (or idleness) it holds the watermark back, so its backlog is not late.
    context.queue.push({ kind: "split-status", split: shard.shardId, status: "active" });
    if (shard.startPosition !== undefined) {
      context.queue.push({ kind: "data", split: shard.shardId, values: [], position: shard.startPosition });
    }
  }

  /** Waits while the job has enough of this shard's batches queued. */
  room(): Promise<void> | undefined {
    return this.context.queue.room(this.shard.shardId);
  }

  /** Hands one answer's records downstream; returns whether any record was consumed. */
  accept(records: readonly KinesisRecord[], millisBehindLatest: number | undefined): boolean {
    const { clock, queue, idleTimeoutMs } = this.context;
    const now = clock.now();
    this.metrics.lastReadAt = now;
    this.metrics.millisBehindLatest = millisBehindLatest;
    const split = this.shard.shardId;
    if (records.length > 0) {
      if (this.#idle) {
        this.#idle = false;
        this.metrics.status = "reading";
        queue.push({ kind: "split-status", split, status: "active" });
      }
      this.#lastDataAt = now;
      const out: SourceBatch<T>[] = [];
      const before = this.converter.counts.records;
      const deadBefore = this.converter.counts.deadLetters;
      this.converter.convert(records, out);
      this.metrics.records += this.converter.counts.records - before;
      this.metrics.deadLetters += this.converter.counts.deadLetters - deadBefore;
      for (const event of out) queue.push(event);
      return true;
    }
    if (
      idleTimeoutMs !== undefined &&
      !this.#idle &&
      (millisBehindLatest ?? 0) === 0 &&
      now - this.#lastDataAt >= idleTimeoutMs
    ) {
      this.#idle = true;
      this.metrics.status = "idle";
      queue.push({ kind: "split-status", split, status: "idle" });
    }
    return false;
  }

  /**
   * The shard is read to its end. Its children known now start first: each joins the watermark
   * (`active`) before the parent leaves it, so the watermark never runs ahead of a child that has
   * not sent a record yet. Their records still come after the parent's `finished` (they wait for
   * an iterator first).
   */
  finish(children: readonly ShardInfo[] | undefined): void {
    this.metrics.status = "finished";
    this.metrics.millisBehindLatest = 0;
    this.context.finished(this.shard.shardId, children);
    this.context.queue.push({
      kind: "split-status",
      split: this.shard.shardId,
      status: "finished",
      position: FINISHED,
    });
  }
}
