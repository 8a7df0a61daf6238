import type { AggregateFunction } from "../aggregates/aggregate-function.ts";
import { describeError, OperatorError } from "../runtime/errors.ts";
import type { Operator, OperatorContext, OperatorSnapshot, Output } from "../runtime/operator.ts";
import type { OutputTag } from "../runtime/output-tag.ts";
import type { Key } from "../state/key-group.ts";
import { windowStart } from "./assigners.ts";
import { BucketCheckpoints, CHANGED } from "./bucket-checkpoints.ts";
import { restoreBuckets } from "./bucket-restore.ts";
import { KeyRegistry } from "./key-registry.ts";
import type { TimeWindow } from "./window.ts";
import { type SpareRows, WindowBucket } from "./window-bucket.ts";
import { FILLED, PENDING } from "./window-columns.ts";
import { type EncodedOperatorState, noEventTime } from "./window-slots.ts";
import { decodeWindowGroups, encodeWindowGroups } from "./window-snapshot.ts";

/** What {@link eventTimeBuckets} needs: a grid assigner's geometry and the window settings. */
export interface EventTimeBucketsConfig<T, TKey extends Key, TWindow extends TimeWindow, TAcc, TOut> {
  readonly keyOf: (value: T) => TKey;
  readonly aggregate: AggregateFunction<T, TAcc, unknown>;
  readonly fire: (
    key: TKey,
    window: TWindow,
    accumulator: TAcc,
    emit: (value: TOut) => void,
    currentWatermark: number,
  ) => void;
  readonly lateDataTag: OutputTag<T> | undefined;
  readonly allowedLateness: number;
  /** Window length; window starts lie at `offset + k * slide` (tumbling: `slide === size`). */
  readonly size: number;
  readonly slide: number;
  readonly offset: number;
}

/**
 * The window operator's fast path: event-time tumbling or sliding windows with the default
 * `eventTimeTrigger`. There a window's only timers are its firing at `end − 1` and its cleanup at
 * `end − 1 + allowedLateness`, both known when the window is created, and all keys' windows with
 * the same bounds fire and are cleaned up at the same watermark. So instead of per-window timers
 * the windows are grouped into buckets by bounds (see {@link WindowBucket}); a watermark fires and
 * clears whole buckets, oldest first, each in one pass.
 *
 * A record costs a Map lookup of its key's id ({@link KeyRegistry}), a look-up of that id in its
 * bucket's index and its accumulator's update; an aggregate with a columnar form (count, sum, min,
 * max, avg, stats) updates numbers in the bucket's typed array, so windows are no objects at all.
 *
 * Semantics, results and their order, late data and failures are those of the generic path in
 * `window-operator.ts` (which tests compare it with):
 *
 * - Windows due together fire in creation order, as the generic path's timers (registered when a
 *   window is created, in that order) do.
 * - Windows are numbered as the generic path numbers its windows and timers, and either path
 *   restores the other's checkpoints (this one writes {@link WindowColumns}, incrementally: see
 *   {@link BucketCheckpoints}).
 *
 * Internal: `windowOperator` picks it; users never name it.
 */
export function eventTimeBuckets<T, TKey extends Key, TWindow extends TimeWindow, TAcc, TOut>(
  config: EventTimeBucketsConfig<T, TKey, TWindow, TAcc, TOut>,
  context: OperatorContext,
  output: Output<TOut>,
): Operator<T> {
  const { keyOf, aggregate, fire, lateDataTag, size, slide, offset } = config;
  const lateness = config.allowedLateness;
  const columnar = aggregate.columnar;
  const width = columnar?.width ?? 0;

  type TBucket = WindowBucket<TWindow, TAcc>;

  const registry = new KeyRegistry<TKey>(context.keyGroups);
  const ids = registry.ids;
  const checkpoints = new BucketCheckpoints(context.keyGroups);
  const metrics = context.metrics;
  /** Open buckets by window start, and the same in ascending order of start (so of end). */
  const buckets = new Map<number, TBucket>();
  const order: TBucket[] = [];
  /** `order[0, fired)` have fired: exactly the buckets with `end − 1 <= watermark`. */
  let fired = 0;
  /**
   * The bucket the previous record went to, by its window's number `floor((t − offset) / size)`:
   * most records go where the previous one did. Forgotten when the watermark moves (lateness).
   */
  let lastWindow = Number.NaN;
  let lastBucket: TBucket | undefined;
  /** A new bucket starts with room for the rows of the bucket removed last, and a quarter more. */
  let capacityHint = 0;
  /** The arrays of the bucket removed last, for the next bucket to reuse. */
  let spare: SpareRows | undefined;
  let seq = 0;
  let watermark = context.currentWatermark();
  let firingTimestamp = 0;
  /** The window firing, named if its result function throws. */
  let currentBucket: TBucket | undefined;
  let currentRow = 0;

  const emit = (value: TOut) => output.emit(value, firingTimestamp);

  const openBucket = (start: number, end: number, rows = capacityHint): TBucket => {
    // A grid assigner's windows are plain TimeWindows, which is what TWindow is for it.
    const window = Object.freeze({ start, end }) as TWindow;
    const bucket: TBucket = new WindowBucket(start, end, window, width, rows, registry.idCapacity, spare);
    spare = undefined;
    buckets.set(start, bucket);
    let at = order.length;
    if (at > 0 && order[at - 1]!.start > start) {
      // A window reopened by an allowed-late record, or restored out of order: a binary search.
      let lo = 0;
      while (lo < at) {
        const mid = (lo + at) >> 1;
        if (order[mid]!.start < start) lo = mid + 1;
        else at = mid;
      }
      order.splice(at, 0, bucket);
    } else {
      order.push(bucket);
    }
    // Buckets past the watermark sort before every unfired one, so the fired prefix stays one.
    if (end - 1 <= watermark) fired++;
    return bucket;
  };

  const keyId = (key: TKey): number => ids.get(key) ?? registry.idOnMiss(key);

  const createWindow = (bucket: TBucket, id: number): number => {
    const row = bucket.append(id, seq, CHANGED);
    bucket.changed.push(row);
    registry.retain(id);
    if (width === 0) bucket.accs[row] = undefined;
    // The generic path numbers the window, its cleanup timer, and its firing timer when that is
    // a separate one still to come: the same numbers keep checkpoints interchangeable.
    seq += lateness > 0 && bucket.end - 1 > watermark ? 3 : 2;
    return row;
  };

  const accumulator = (bucket: TBucket, row: number): TAcc =>
    width === 0 ? (bucket.accs[row] as TAcc) : columnar!.read(bucket.values, row * width);

  const fireWindow = (bucket: TBucket, row: number) => {
    currentBucket = bucket;
    currentRow = row;
    firingTimestamp = bucket.end - 1;
    fire(registry.keys[bucket.ids[row]!]!, bucket.window, accumulator(bucket, row), emit, watermark);
    bucket.flags[row]! &= ~PENDING;
  };

  /** Flags a window changed for the next checkpoint (before it changes: an add may throw halfway). */
  const markChanged = (bucket: TBucket, row: number) => {
    const flags = bucket.flags;
    if ((flags[row]! & CHANGED) !== 0) return;
    flags[row] = flags[row]! | CHANGED;
    bucket.changed.push(row);
  };

  /** Adds a record to a window whose accumulator is an object. */
  const addObject = (bucket: TBucket, row: number, value: T) => {
    markChanged(bucket, row);
    const flags = bucket.flags;
    const f = flags[row]!;
    const accs = bucket.accs;
    accs[row] = aggregate.add((f & FILLED) === 0 ? aggregate.create() : (accs[row] as TAcc), value);
    flags[row] = f | FILLED | PENDING;
    // The default trigger fires a window the watermark has passed at once (an allowed-late record).
    if (bucket.end - 1 <= watermark) fireWindow(bucket, row);
  };

  /** Adds a record to a window whose accumulator is numbers in the bucket's typed array. */
  const addColumnar = (bucket: TBucket, row: number, value: T) => {
    const flags = bucket.flags;
    const f = flags[row]!;
    const at = row * width;
    if ((f & FILLED) === 0) columnar!.init(bucket.values, at);
    // A columnar add that throws has changed nothing, so marking the window after it is enough.
    columnar!.add(bucket.values, at, value);
    flags[row] = f | FILLED | PENDING | CHANGED;
    if ((f & CHANGED) === 0) bucket.changed.push(row);
    if (bucket.end - 1 <= watermark) fireWindow(bucket, row);
  };

  const add = width === 0 ? addObject : addColumnar;

  const lateRecord = (value: T, timestamp: number) => {
    if (lateDataTag !== undefined) {
      output.emitSide(lateDataTag, value, timestamp);
      metrics.lateRecordsSideOutput++;
    } else {
      metrics.lateRecordsDropped++;
    }
  };

  const processSliding = (value: T, timestamp: number) => {
    if (!Number.isFinite(timestamp)) throw noEventTime(timestamp);
    let id = -1;
    // Latest window first, as Flink assigns them.
    for (let start = windowStart(timestamp, offset, slide); start > timestamp - size; start -= slide) {
      const end = start + size;
      if (end - 1 + lateness <= watermark) continue;
      if (id < 0) id = keyId(keyOf(value));
      const bucket = buckets.get(start) ?? openBucket(start, end);
      const row = bucket.rowOf(id);
      add(bucket, row >= 0 ? row : createWindow(bucket, id), value);
    }
    if (id < 0) lateRecord(value, timestamp);
  };

  const fireBucket = (bucket: TBucket) => {
    const { ids: rowIds, flags, window, size: rows } = bucket;
    const keys = registry.keys;
    currentBucket = bucket;
    firingTimestamp = bucket.end - 1;
    let row = 0;
    try {
      for (; row < rows; row++) {
        const f = flags[row]!;
        if ((f & FILLED) !== 0) fire(keys[rowIds[row]!]!, window, accumulator(bucket, row), emit, watermark);
        flags[row] = f & ~PENDING;
        // The window's firing timer is gone from its checkpointed state (with no lateness the
        // window is cleared at once, which the checkpoint records anyway).
        if (lateness > 0) markChanged(bucket, row);
      }
    } catch (error) {
      currentRow = row;
      throw error;
    }
  };

  const removeOldest = () => {
    const bucket = order.shift()!;
    fired--;
    buckets.delete(bucket.start);
    if (bucket === lastBucket) {
      lastWindow = Number.NaN;
      lastBucket = undefined;
    }
    const rowIds = bucket.ids;
    for (let row = 0; row < bucket.size; row++) registry.release(rowIds[row]!);
    registry.sweep();
    checkpoints.removed(bucket);
    capacityHint = bucket.size + (bucket.size >> 2);
    spare = bucket.recycle();
  };

  /** Cleanup time of the oldest bucket: all its windows go (Flink's clearAllState), at once. */
  const clearOldest = () => {
    if (watermark === Number.POSITIVE_INFINITY) {
      // End of input: records the trigger never emitted are emitted rather than dropped.
      const bucket = order[0]!;
      for (let row = 0; row < bucket.size; row++) {
        if ((bucket.flags[row]! & PENDING) !== 0) fireWindow(bucket, row);
      }
    }
    removeOldest();
  };

  /**
   * At end of input, a bucket firing at the very time the oldest one is cleaned up: the generic
   * path runs both sets of timers in one queue, by creation order, and a cleanup can emit then.
   */
  const fireWhileClearingOldest = (due: TBucket) => {
    const old = order[0]!;
    const n = due.size;
    const m = old.size;
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (j === m || (i < n && due.seqs[i]! < old.seqs[j]!)) {
        if ((due.flags[i]! & FILLED) !== 0) fireWindow(due, i);
        markChanged(due, i++);
      } else {
        if ((old.flags[j]! & PENDING) !== 0) fireWindow(old, j);
        j++;
      }
    }
    removeOldest();
  };

  const failFiring = (error: unknown): never => {
    if (error instanceof OperatorError || currentBucket === undefined) throw error;
    const { start, end, ids: rowIds } = currentBucket;
    throw new OperatorError(
      context.name,
      `firing window [${start}, ${end}) of key ${String(registry.keys[rowIds[currentRow]!])} failed: ${describeError(error)}`,
      { cause: error },
    );
  };

  return {
    processBatch({ values, timestamps }) {
      const n = values.length;
      let i = 0;
      while (i < n) {
        try {
          if (slide !== size) {
            for (; i < n; i++) processSliding(values[i]!, timestamps[i]!);
            continue;
          }
          // Tumbling, inlined: one window per record.
          for (; i < n; i++) {
            const value = values[i]!;
            const timestamp = timestamps[i]!;
            // windowStart(timestamp, offset, size), inlined; NaN and ±Infinity never match.
            const number = Math.floor((timestamp - offset) / size);
            let bucket = lastBucket;
            if (number !== lastWindow || bucket === undefined) {
              if (!Number.isFinite(timestamp)) throw noEventTime(timestamp);
              const start = offset + number * size;
              const end = start + size;
              if (end - 1 + lateness <= watermark) {
                // The record's only window is late, and so is the record.
                lateRecord(value, timestamp);
                continue;
              }
              bucket = buckets.get(start) ?? openBucket(start, end);
              lastWindow = number;
              lastBucket = bucket;
            }
            const key = keyOf(value);
            let id = ids.get(key);
            if (id === undefined) id = registry.idOnMiss(key);
            const row = bucket.rowOf(id);
            add(bucket, row >= 0 ? row : createWindow(bucket, id), value);
          }
        } catch (error) {
          context.fail(error, values[i], timestamps[i]!);
          i++;
        }
      }
    },

    processWatermark(timestamp) {
      // After a restore the runtime's watermark starts over; ours does not go back.
      if (timestamp <= watermark) return;
      watermark = timestamp;
      // The remembered bucket may have become late.
      lastWindow = Number.NaN;
      try {
        // Firings and cleanups in time order; at equal times the firing first, as a window whose
        // firing and cleanup coincide fires before it is cleared.
        while (order.length > 0) {
          const cleanupAt = order[0]!.end - 1 + lateness;
          if (fired < order.length) {
            const due = order[fired]!;
            const fireAt = due.end - 1;
            if (fireAt <= timestamp && fireAt <= cleanupAt) {
              fired++;
              if (fireAt === cleanupAt && due !== order[0] && timestamp === Number.POSITIVE_INFINITY) {
                fireWhileClearingOldest(due);
              } else {
                fireBucket(due);
              }
              continue;
            }
          }
          if (cleanupAt > timestamp) break;
          clearOldest();
        }
      } catch (error) {
        failFiring(error);
      }
    },

    finish() {
      // Windows still holding records not emitted (only when the final watermark never came):
      // by end, then creation.
      try {
        for (const bucket of order) {
          const flags = bucket.flags;
          let any = false;
          for (let row = 0; row < bucket.size; row++) {
            if ((flags[row]! & PENDING) === 0) continue;
            fireWindow(bucket, row);
            // Still flagged, to be removed below.
            flags[row]! |= PENDING;
            any = true;
          }
          if (any) {
            bucket.retain(
              (row) => (flags[row]! & PENDING) === 0,
              (id) => registry.release(id),
            );
            checkpoints.rewriteAll();
          }
        }
      } catch (error) {
        failFiring(error);
      }
    },

    snapshotState(full): OperatorSnapshot {
      const operator: EncodedOperatorState = { watermark };
      return { keyGroups: encodeWindowGroups(checkpoints.snapshot(full, order, registry, width)), operator };
    },

    restoreState(snapshot) {
      const state = snapshot.operator as EncodedOperatorState | undefined;
      // Before any bucket opens: it says which have fired.
      if (state !== undefined && state.watermark > watermark) watermark = state.watermark;
      const keyGroups = decodeWindowGroups(snapshot.keyGroups ?? []);
      checkpoints.restored(keyGroups);
      const maxSeq = restoreBuckets(keyGroups, {
        registry,
        keyGroups: context.keyGroups,
        columnar,
        allowedLateness: lateness,
        watermark,
        openBucket,
      });
      seq = maxSeq + 1;
    },
  };
}
