import type { AggregateFunction } from "../aggregates/aggregate-function.ts";
import type { OutputTag } from "../dsl/output-tag.ts";
import { PipelineDefinitionError } from "../runtime/errors.ts";
import type { OperatorFactory } from "../runtime/operator.ts";
import type { Key } from "../state/key-group.ts";
import { type KeyEntry, KeyedHeap } from "../state/keyed-heap.ts";
import { createFrameAggregate, type FrameAggregate } from "./frame-aggregate.ts";

/**
 * `{ range: ms }`: records with timestamps in [ts − range, ts]; `{ rows: n }`: n preceding records plus the current one.
 *
 * Kinesis Data Analytics equivalents: `{ range: hours(1) }` is `RANGE INTERVAL '1' HOUR PRECEDING`,
 * `{ rows: 9 }` is `ROWS 9 PRECEDING`.
 *
 * @example
 * const lastHour: OverFrame = { range: hours(1) };
 * const lastTen: OverFrame = { rows: 9 };
 * ticks.keyBy((t) => t.symbol).over(lastHour).aggregate(max((t) => t.price));
 * ticks.keyBy((t) => t.symbol).over(lastTen).aggregate(avg((t) => t.price));
 */
export type OverFrame = { readonly range: number } | { readonly rows: number };

export interface OverOperatorConfig<T, TKey extends Key, TAcc, R, TOut> {
  readonly keyOf: (value: T) => TKey;
  readonly frame: OverFrame;
  readonly aggregate: AggregateFunction<T, TAcc, R>;
  readonly lateDataTag: OutputTag<T> | undefined;
  readonly project: (record: T, value: R, key: TKey) => TOut;
}

/** One key's state: records waiting for the watermark, and the frame of records already processed. */
class OverKeyState<T, R> {
  pendingValues: T[] = [];
  pendingTimestamps: number[] = [];
  /** Whether the pending records are in timestamp order (checked on append, so sorting is rare). */
  pendingSorted = true;
  /** Listed in the operator's pending keys. */
  queued = false;
  /** Listed in the operator's expiry queue (range frames only). */
  expiring = false;
  constructor(readonly frame: FrameAggregate<T, R>) {}
}

/** A key's state as written to checkpoints: plain arrays. */
interface OverKeySnapshot<T> {
  readonly pendingValues: T[];
  readonly pendingTimestamps: number[];
  readonly values: T[];
  readonly timestamps: number[];
}

/** Non-keyed state: the watermark, so that lateness is judged the same way after a restore. */
interface OverOperatorSnapshot {
  readonly watermark: number;
}

/** `Infinity` is allowed for both: SQL's `UNBOUNDED PRECEDING`. */
function validateFrame(frame: OverFrame): void {
  if ("range" in frame) {
    if (!(frame.range >= 0)) {
      throw new PipelineDefinitionError(`over: the range must be a number >= 0, got ${frame.range}`);
    }
  } else if (
    !(frame.rows >= 0) ||
    (!Number.isInteger(frame.rows) && frame.rows !== Number.POSITIVE_INFINITY)
  ) {
    throw new PipelineDefinitionError(`over: rows must be an integer >= 0, got ${frame.rows}`);
  }
}

/** Index of the first timestamp above `limit` in a sorted array. */
function upperBound(timestamps: readonly number[], limit: number): number {
  let lo = 0;
  let hi = timestamps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (timestamps[mid]! <= limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sorts a key's pending records by timestamp; ties keep their arrival order. */
function sortPending<T>(state: OverKeyState<T, unknown>): void {
  const values = state.pendingValues;
  const timestamps = state.pendingTimestamps;
  const order = Array.from(timestamps.keys());
  // Array.prototype.sort is stable, so equal timestamps stay in arrival order.
  order.sort((a, b) => timestamps[a]! - timestamps[b]!);
  state.pendingValues = order.map((i) => values[i]!);
  state.pendingTimestamps = order.map((i) => timestamps[i]!);
  state.pendingSorted = true;
}

/**
 * The operator behind `keyBy(...).over(frame).aggregate(fn)`: one result per record, aggregating
 * the key's frame ending at that record (Kinesis Data Analytics' `OVER (PARTITION BY ...)`).
 *
 * Time semantics: event time. Records are buffered per key until the watermark reaches them
 * (timestamp <= watermark), then processed in timestamp order, ties in arrival order, so any
 * reordering within the watermark's bound gives the same results. A `{ range }` frame holds the
 * key's already-processed records with timestamps in [ts − range, ts] plus the record itself
 * (records processed after it, even with an equal timestamp, are not in its frame); a `{ rows: n }`
 * frame the key's n previous records plus itself (`Infinity` for either: every earlier record,
 * SQL's `UNBOUNDED PRECEDING`). Each result has the record's timestamp; results
 * of one key come out in timestamp order, results of different keys in no particular order.
 * A record at or below the watermark on arrival is late: it goes to `lateDataTag` when set
 * (counted in `lateRecordsSideOutput`), else it is counted in `lateRecordsDropped`. The final
 * watermark (+Infinity) processes everything still buffered.
 *
 * Cost: amortized O(1) per record for any aggregate. One with a sliding form
 * ({@link AggregateFunction.sliding}: the built-in `count`, `sum`, `avg`, `min`, `max` and
 * `stats`) keeps running sums and monotonic deques over ring buffers; any other goes through the
 * generic two-stacks {@link SlidingAggregator}, plus the aggregate's own `add`, `merge` and `result`. A range frame's key is removed from state once its
 * newest record is `range` older than the watermark (it can never be in a frame again); a rows
 * frame keeps its key's last n records indefinitely, as Kinesis Data Analytics does.
 *
 * Errors: a throwing key selector or aggregate fails that record (the job, or the `errors`
 * output), and processing goes on with the next one.
 *
 * @example
 * // Through the DSL, which builds this operator: each tick with its symbol's average over the last hour.
 * ticks.keyBy((t) => t.symbol).over({ range: hours(1) }).aggregate(avg((t) => t.price))
 */
export function overOperator<T, TKey extends Key, TAcc, R, TOut>(
  config: OverOperatorConfig<T, TKey, TAcc, R, TOut>,
): OperatorFactory<T, TOut> {
  validateFrame(config.frame);
  const { keyOf, aggregate, lateDataTag, project } = config;
  const range = "range" in config.frame ? config.frame.range : -1;
  const rows = "rows" in config.frame ? config.frame.rows : -1;
  const byRange = range >= 0;

  return (context, output) => {
    type State = OverKeyState<T, R>;
    type Entry = KeyEntry<TKey, State>;
    const heap = new KeyedHeap<TKey, State>(context.keyGroups);
    const metrics = context.metrics;
    const newState = (): State => new OverKeyState(createFrameAggregate(aggregate));
    let watermark = Number.NEGATIVE_INFINITY;
    // Keys with buffered records: a watermark visits only these. Two lists, swapped per watermark.
    let pendingKeys: Entry[] = [];
    let stillPending: Entry[] = [];
    // Range frames: keys whose frame may expire, roughly in expiry order (a key processed at a later
    // watermark expires later), with the expiry each was queued with.
    let expiryEntries: Entry[] = [];
    let expiryTimes: number[] = [];
    let expiryHead = 0;

    const enqueuePending = (entry: Entry) => {
      if (!entry.state.queued) {
        entry.state.queued = true;
        pendingKeys.push(entry);
      }
    };

    const enqueueExpiry = (entry: Entry) => {
      const state = entry.state;
      if (state.expiring || state.frame.size === 0) return;
      state.expiring = true;
      expiryEntries.push(entry);
      expiryTimes.push(state.frame.newestTimestamp() + range);
    };

    /** Processes the key's buffered records up to the watermark, in timestamp order. */
    const processKey = (entry: Entry, upTo: number) => {
      const state = entry.state;
      if (!state.pendingSorted) sortPending(state);
      const values = state.pendingValues;
      const timestamps = state.pendingTimestamps;
      const n = upTo === Number.POSITIVE_INFINITY ? timestamps.length : upperBound(timestamps, upTo);
      if (n === 0) return;
      const frame = state.frame;
      const key = entry.key;
      let i = 0;
      while (i < n) {
        try {
          for (; i < n; i++) {
            const value = values[i]!;
            const timestamp = timestamps[i]!;
            if (byRange) frame.evictBefore(timestamp - range);
            else frame.evictToSize(rows);
            frame.push(value, timestamp);
            output.emit(project(value, frame.result(), key), timestamp);
          }
        } catch (error) {
          context.fail(error, values[i], timestamps[i]!);
          i++;
        }
      }
      if (n === values.length) {
        values.length = 0;
        timestamps.length = 0;
      } else {
        values.splice(0, n);
        timestamps.splice(0, n);
      }
      if (frame.size === 0 && values.length === 0)
        heap.remove(entry); // every record failed
      else {
        heap.touch(entry);
        if (byRange) enqueueExpiry(entry);
      }
    };

    /** Removes range-frame keys whose every record is too old for any future frame. */
    const expireKeys = () => {
      while (expiryHead < expiryEntries.length && expiryTimes[expiryHead]! <= watermark) {
        const entry = expiryEntries[expiryHead]!;
        expiryHead++;
        const state = entry.state;
        state.expiring = false;
        if (entry.removed) continue;
        if (state.pendingTimestamps.length > 0) continue; // queued again once processed
        if (state.frame.newestTimestamp() + range <= watermark) heap.remove(entry);
        else enqueueExpiry(entry);
      }
      if (expiryHead > 1024 && expiryHead * 2 > expiryEntries.length) {
        expiryEntries = expiryEntries.slice(expiryHead);
        expiryTimes = expiryTimes.slice(expiryHead);
        expiryHead = 0;
      }
    };

    return {
      processBatch({ values, timestamps }) {
        let i = 0;
        while (i < values.length) {
          try {
            for (; i < values.length; i++) {
              const value = values[i]!;
              const timestamp = timestamps[i]!;
              if (!(timestamp > watermark)) {
                if (timestamp <= watermark) {
                  if (lateDataTag === undefined) metrics.lateRecordsDropped++;
                  else {
                    metrics.lateRecordsSideOutput++;
                    output.emitSide(lateDataTag, value, timestamp);
                  }
                  continue;
                }
                throw new TypeError(
                  `over needs event time, but the record has no timestamp (${timestamp}): assign one with withWatermarks`,
                );
              }
              const entry = heap.getOrCreate(keyOf(value), newState);
              const state = entry.state;
              const pending = state.pendingTimestamps;
              if (pending.length > 0 && timestamp < pending[pending.length - 1]!) state.pendingSorted = false;
              state.pendingValues.push(value);
              pending.push(timestamp);
              heap.touch(entry);
              enqueuePending(entry);
            }
          } catch (error) {
            context.fail(error, values[i], timestamps[i]!);
            i++;
          }
        }
      },

      processWatermark(next) {
        if (next <= watermark) return;
        watermark = next;
        const visiting = pendingKeys;
        pendingKeys = stillPending;
        for (let k = 0; k < visiting.length; k++) {
          const entry = visiting[k]!;
          processKey(entry, watermark);
          if (entry.state.pendingTimestamps.length > 0) pendingKeys.push(entry);
          else entry.state.queued = false;
        }
        visiting.length = 0;
        stillPending = visiting;
        if (byRange) expireKeys();
      },

      snapshotState(full) {
        const keyGroups = heap.snapshot(full, (state): OverKeySnapshot<T> => {
          const { values, timestamps } = state.frame.records();
          return {
            pendingValues: state.pendingValues,
            pendingTimestamps: state.pendingTimestamps,
            values,
            timestamps,
          };
        });
        const operator: OverOperatorSnapshot = { watermark };
        return { keyGroups, operator };
      },

      restoreState(snapshot) {
        const restored = snapshot.operator as OverOperatorSnapshot | undefined;
        if (restored !== undefined) watermark = restored.watermark;
        heap.restore(snapshot.keyGroups ?? [], (data) => {
          const saved = data as OverKeySnapshot<T>;
          const state = newState();
          for (let i = 0; i < saved.values.length; i++)
            state.frame.push(saved.values[i]!, saved.timestamps[i]!);
          state.pendingValues = saved.pendingValues;
          state.pendingTimestamps = saved.pendingTimestamps;
          const pending = saved.pendingTimestamps;
          for (let i = 1; i < pending.length && state.pendingSorted; i++) {
            if (pending[i]! < pending[i - 1]!) state.pendingSorted = false;
          }
          return state;
        });
        for (const entry of heap.values()) {
          if (entry.state.pendingTimestamps.length > 0) enqueuePending(entry);
          if (byRange) enqueueExpiry(entry);
        }
        // Restored expiries come in key order, not time order: sort them once.
        if (byRange && expiryEntries.length > 1) {
          const order = Array.from(expiryTimes.keys()).sort((a, b) => expiryTimes[a]! - expiryTimes[b]!);
          expiryEntries = order.map((i) => expiryEntries[i]!);
          expiryTimes = order.map((i) => expiryTimes[i]!);
        }
      },
    };
  };
}
