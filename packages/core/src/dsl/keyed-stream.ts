import type { AggregateFunction } from "../aggregates/aggregate-function.ts";
import type { KeyedProcessFunction } from "../keyed/keyed-process-function.ts";
import { keyedProcessOperator } from "../keyed/keyed-process-operator.ts";
import { rollingReduce } from "../keyed/rolling-reduce.ts";
import type { StateDescriptor } from "../keyed/state-descriptors.ts";
import { type OverFrame, overOperator } from "../over/over-operator.ts";
import type { OperatorOptions } from "../runtime/operator.ts";
import type { OperatorPartitioning } from "../runtime/operator-stage.ts";
import type { OutputTag } from "../runtime/output-tag.ts";
import type { Key } from "../state/key-group.ts";
import type { WindowAssigner } from "../windows/assigner.ts";
import type { TimeWindow } from "../windows/window.ts";
import type { DataStream } from "./data-stream.ts";
import { WindowedStream } from "./windowed-stream.ts";

/**
 * One result of an over aggregate: the record, its key, and the aggregate over its frame. It
 * carries the record's timestamp.
 *
 * @example
 * const withHourlyMean: DataStream<OverResult<Tick, string, number>> = ticks
 *   .keyBy((t) => t.symbol)
 *   .over({ range: hours(1) })
 *   .aggregate(avg((t) => t.price));
 * withHourlyMean.map((r) => ({ ...r.record, deviation: r.record.price - r.value }));
 */
export interface OverResult<T, TKey, TValue> {
  /** The record's key. */
  readonly key: TKey;
  /** The record the frame ends at. */
  readonly record: T;
  /** The aggregate over the record's frame (the record included). */
  readonly value: TValue;
}

/**
 * A stream partitioned by key: every stateful operation on it keeps state per key, checkpointed
 * per key group. Made by `DataStream.keyBy`; not itself a stream until `window(...).aggregate`,
 * `over(...).aggregate`, `reduce` or `process` turns it into one.
 *
 * @example
 * const byPage: KeyedStream<Click, string> = clicks.keyBy((c) => c.page);
 * byPage.window(tumbling(minutes(1))).aggregate(count());
 */
export class KeyedStream<T, TKey extends Key> {
  /** @internal */
  constructor(
    /** @internal */ readonly input: DataStream<T>,
    /** @internal */ readonly keyOf: (value: T) => TKey,
  ) {}

  /** @internal What the keyed operators built on this stream tell the runtime about their key. */
  get partitioning(): OperatorPartitioning {
    return { keyOf: this.keyOf as (value: unknown) => Key };
  }

  /**
   * Groups each key's records into windows. Results come out when the trigger fires (by default
   * when the watermark passes the window's end − 1).
   *
   * @example
   * clicks.keyBy((c) => c.page).window(tumbling(minutes(1))).aggregate(count())
   */
  window<TWindow extends TimeWindow>(assigner: WindowAssigner<TWindow>): WindowedStream<T, TKey, TWindow> {
    return new WindowedStream(this, assigner);
  }

  /**
   * Per-record rolling aggregates, Kinesis Data Analytics' `OVER (PARTITION BY key ...)`:
   * `{ range: ms }` aggregates the key's records with timestamps in [ts − range, ts]
   * (`RANGE INTERVAL ... PRECEDING`); `{ rows: n }` the n preceding records plus the current one
   * (`ROWS n PRECEDING`). Records are processed in event-time order once the watermark passes them
   * (ties in arrival order), one result per record; records at or below the watermark on arrival
   * are late and go to `sideOutputLateData` (or are counted as dropped).
   *
   * @example
   * ticks.keyBy((t) => t.symbol).over({ range: hours(1) }).aggregate(stats((t) => t.price))
   */
  over(frame: OverFrame): OverStream<T, TKey> {
    return new OverStream(this, frame, undefined);
  }

  /** A rolling reduce in arrival order: emits the key's reduced value after every record. */
  reduce(reducer: (accumulated: T, value: T) => T, options?: OperatorOptions<T>): DataStream<T> {
    return this.input.transform("reduce", rollingReduce(this.keyOf, reducer), options, {
      keyOf: this.keyOf as (value: unknown) => Key,
      perRecord: true,
    });
  }

  /**
   * Per-key logic with declared state and timers (Flink's `KeyedProcessFunction`). State types
   * are inferred from the `state` declarations; the output type cannot be inferred from `emit`
   * calls, so declare it on the result (passing it as a type argument would also fix the state
   * declarations' type, to none):
   *
   * @example
   * const alerts: DataStream<Alert> = clicks.keyBy((c) => c.user).process({
   *   state: { count: valueState(0) },
   *   processElement(click, ctx) {
   *     const n = ctx.state.count.value() + 1;
   *     ctx.state.count.update(n);
   *     if (n === 100) ctx.emit({ user: ctx.key, at: ctx.timestamp });
   *   },
   * });
   * interface Alert {
   *   readonly user: string;
   *   readonly at: number;
   * }
   */
  process<R, TDecl extends Record<string, StateDescriptor> = Record<never, never>>(
    fn: KeyedProcessFunction<TKey, T, R, TDecl>,
    options?: OperatorOptions<T>,
  ): DataStream<R> {
    return this.input.transform("process", keyedProcessOperator(this.keyOf, fn), options, this.partitioning);
  }
}

/**
 * A keyed stream with an over frame chosen; `aggregate` completes it.
 *
 * Time: records are aggregated in event-time order once the watermark passes them (so each
 * result waits for the watermark); records at or below the watermark on arrival are late.
 *
 * @example
 * const late = new OutputTag<Tick>("late-ticks");
 * const lastFive: OverStream<Tick, string> = ticks.keyBy((t) => t.symbol).over({ rows: 4 });
 * const movingAverage = lastFive.sideOutputLateData(late).aggregate(avg((t) => t.price));
 * movingAverage.getSideOutput(late).sink(consoleSink());
 */
export class OverStream<T, TKey extends Key> {
  /** @internal */
  constructor(
    private readonly keyed: KeyedStream<T, TKey>,
    private readonly frame: OverFrame,
    private readonly lateDataTag: OutputTag<T> | undefined,
  ) {}

  /** Records that arrive at or below the watermark go to `tag` instead of being dropped. */
  sideOutputLateData(tag: OutputTag<T>): OverStream<T, TKey> {
    return new OverStream(this.keyed, this.frame, tag);
  }

  /** One `{ key, record, value }` per record, `value` aggregating the record's frame. */
  aggregate<TAcc, R>(
    fn: AggregateFunction<T, TAcc, R>,
    options?: OperatorOptions<T>,
  ): DataStream<OverResult<T, TKey, R>> {
    return this.keyed.input.transform(
      "over",
      overOperator({
        keyOf: this.keyed.keyOf,
        frame: this.frame,
        aggregate: fn,
        lateDataTag: this.lateDataTag,
        project: (record: T, value: R, key: TKey): OverResult<T, TKey, R> => ({ key, record, value }),
      }),
      options,
      this.keyed.partitioning,
    );
  }
}
