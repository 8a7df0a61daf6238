import type { AggregateFunction } from "../aggregates/aggregate-function.ts";
import { PipelineDefinitionError } from "../runtime/errors.ts";
import type { OperatorFactory } from "../runtime/operator.ts";
import type { OutputTag } from "../runtime/output-tag.ts";
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
  /**
   * Records waiting for the watermark: the first `pendingCount` slots. The arrays are kept across
   * watermarks rather than emptied (which would drop their storage and regrow it for every batch).
   */
  pendingValues: T[] = [];
  pendingTimestamps: number[] = [];
  pendingCount = 0;
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

/** Index of the first timestamp above `limit` among the first `length` of a sorted array. */
function upperBound(timestamps: readonly number[], length: number, limit: number): number {
  let lo = 0;
  let hi = length;
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
  const order = Array.from({ length: state.pendingCount }, (_, i) => i);
  // Array.prototype.sort is stable, so equal timestamps stay in arrival order.
  order.sort((a, b) => timestamps[a]! - timestamps[b]!);
  state.pendingValues = order.map((i) => values[i]!);
  state.pendingTimestamps = order.map((i) => timestamps[i]!);
  state.pendingSorted = true;
}

/**
 * Results go downstream in batches of at most this many, even within one watermark: a watermark
 * that releases many records hands their results on while they are young (as the runtime's own
 * output batching does).
 */
const RESULT_BATCH = 1_024;

/** Beyond this many slots, a key's emptied pending arrays are dropped rather than kept for reuse. */
const MAX_KEPT_PENDING = 4_096;

/**
 * Removes a key's first `n` pending records (processed). The slots they leave are cleared, so
 * the arrays never keep a processed record alive.
 */
function releasePending<T>(state: OverKeyState<T, unknown>, n: number): void {
  const values = state.pendingValues;
  const timestamps = state.pendingTimestamps;
  const count = state.pendingCount;
  if (n === count && values.length > MAX_KEPT_PENDING) {
    state.pendingValues = [];
    state.pendingTimestamps = [];
  } else {
    if (n < count) {
      values.copyWithin(0, n, count);
      timestamps.copyWithin(0, n, count);
    }
    values.fill(undefined as T, count - n, count);
  }
  state.pendingCount = count - n;
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
 * Cost: amortized O(1) per record for any aggregate, no rescan of the frame. An aggregate with a
 * sliding form ({@link AggregateFunction.sliding}: the built-in `count`, `sum`, `avg`, `min`,
 * `max` and `stats`) keeps compensated running sums and monotonic deques in typed-array rings;
 * any other goes through the generic two-stacks {@link SlidingAggregator}, plus the aggregate's
 * own `add`, `merge` and `result`. A range frame's key is removed from state once its newest
 * record is `range` older than the watermark (it can never be in a frame again); a rows frame
 * keeps its key's last n records indefinitely, as Kinesis Data Analytics does.
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
  const byRange = range >= 0;

  return (context, output) => {
    type State = OverKeyState<T, R>;
    type Entry = KeyEntry<TKey, State>;
    const heap = new KeyedHeap<TKey, State>(context.keyGroups);
    const metrics = context.metrics;
    const newState = (): State => new OverKeyState(createFrameAggregate(aggregate, config.frame));
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

    // Results of the watermark being processed, not yet handed on.
    // The arrays are allocated at their final size where it is known (pushing would regrow them
    // several times per batch): `resultsExpected` bounds what the watermark still releases.
    let resultValues: TOut[] = [];
    let resultTimestamps: number[] = [];
    let resultCount = 0;
    let resultsExpected = 0;
    const allocateResults = () => {
      const size = Math.max(1, Math.min(RESULT_BATCH, resultsExpected));
      resultValues = new Array<TOut>(size);
      resultTimestamps = new Array<number>(size);
    };
    const emitResults = () => {
      if (resultCount === 0) return;
      resultValues.length = resultCount;
      resultTimestamps.length = resultCount;
      output.emitBatch(resultValues, resultTimestamps);
      resultsExpected -= resultCount;
      resultCount = 0;
    };

    /** Processes the key's buffered records up to the watermark, in timestamp order. */
    const processKey = (entry: Entry, upTo: number) => {
      const state = entry.state;
      if (!state.pendingSorted) sortPending(state);
      const values = state.pendingValues;
      const timestamps = state.pendingTimestamps;
      const count = state.pendingCount;
      const n = upTo === Number.POSITIVE_INFINITY ? count : upperBound(timestamps, count, upTo);
      if (n === 0) return;
      const frame = state.frame;
      const key = entry.key;
      let i = 0;
      while (i < n) {
        try {
          for (; i < n; i++) {
            const result = frame.admit(values, timestamps, i);
            // Gathered here and handed on as whole batches: `output.emit(value, timestamp)`
            // would box each timestamp unless the optimizer inlined it.
            if (resultCount === 0) allocateResults();
            resultValues[resultCount] = project(values[i]!, result, key);
            resultTimestamps[resultCount] = timestamps[i]!;
            if (++resultCount >= RESULT_BATCH) emitResults();
          }
        } catch (error) {
          // Results before the failing record go first, as they came first.
          emitResults();
          context.fail(error, values[i], timestamps[i]!);
          i++;
        }
      }
      releasePending(state, n);
      if (frame.size === 0 && state.pendingCount === 0)
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
        if (state.pendingCount > 0) continue; // queued again once processed
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
              const count = state.pendingCount;
              const pending = state.pendingTimestamps;
              if (count > 0 && timestamp < pending[count - 1]!) state.pendingSorted = false;
              // Writing at `count` appends while the arrays are full, else reuses a slot.
              state.pendingValues[count] = value;
              pending[count] = timestamp;
              state.pendingCount = count + 1;
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
        resultsExpected = 0;
        for (let k = 0; k < visiting.length; k++) resultsExpected += visiting[k]!.state.pendingCount;
        for (let k = 0; k < visiting.length; k++) {
          const entry = visiting[k]!;
          processKey(entry, watermark);
          if (entry.state.pendingCount > 0) pendingKeys.push(entry);
          else entry.state.queued = false;
        }
        emitResults();
        visiting.length = 0;
        stillPending = visiting;
        if (byRange) expireKeys();
      },

      snapshotState(full) {
        const keyGroups = heap.snapshot(full, (state): OverKeySnapshot<T> => {
          const { values, timestamps } = state.frame.records();
          return {
            pendingValues: state.pendingValues.slice(0, state.pendingCount),
            pendingTimestamps: state.pendingTimestamps.slice(0, state.pendingCount),
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
            state.frame.restore(saved.values[i]!, saved.timestamps[i]!);
          state.pendingValues = saved.pendingValues.slice();
          state.pendingTimestamps = saved.pendingTimestamps.slice();
          state.pendingCount = saved.pendingTimestamps.length;
          const pending = saved.pendingTimestamps;
          for (let i = 1; i < pending.length && state.pendingSorted; i++) {
            if (pending[i]! < pending[i - 1]!) state.pendingSorted = false;
          }
          return state;
        });
        for (const entry of heap.values()) {
          if (entry.state.pendingCount > 0) enqueuePending(entry);
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
