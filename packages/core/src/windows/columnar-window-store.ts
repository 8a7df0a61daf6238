import type { Output } from "../runtime/operator.ts";
import type { Key } from "../state/key-group.ts";
import { gridOf, windowStart } from "./assigners.ts";
import { BucketCheckpoints, CHANGED } from "./bucket-checkpoints.ts";
import { restoreBuckets } from "./bucket-restore.ts";
import { KeyRegistry } from "./key-registry.ts";
import type { TimeWindow } from "./window.ts";
import { type SpareRows, WindowBucket } from "./window-bucket.ts";
import { FILLED, lastTimerSeq, PENDING } from "./window-columns.ts";
import { noEventTime } from "./window-slots.ts";
import type { WindowGroupSnapshot } from "./window-snapshot.ts";
import type { WindowOperatorConfig, WindowStateStore, WindowStoreHost } from "./window-store.ts";

/**
 * The window operator's state store for event-time tumbling or sliding windows with the default
 * `eventTimeTrigger` (its fast path). There a window's only timers are its firing at `end − 1` and its cleanup at
 * `end − 1 + allowedLateness`, both known when the window is created, and all keys' windows with
 * the same bounds fire and are cleaned up at the same watermark. So instead of per-window timers
 * the windows are grouped into buckets by bounds (see {@link WindowBucket}); a watermark fires and
 * clears whole buckets, oldest first, each in one pass: the buckets, in order of bounds, are the
 * index of these windows' implied timers, so none is registered with the timer service.
 *
 * A record costs a Map lookup of its key's id ({@link KeyRegistry}), a look-up of that id in its
 * bucket's index and its accumulator's update; an aggregate with a columnar form (count, sum, min,
 * max, avg, stats) updates numbers in the bucket's typed array, so windows are no objects at all.
 *
 * Semantics, results and their order, late data and failures are those of `keyedWindowStore` (which
 * tests compare it with):
 *
 * - Windows due together fire in creation order, as the keyed store's timers (registered when a
 *   window is created, in that order) do.
 * - A window takes its number from the host's timer service, and so do its implied timers
 *   ({@link lastTimerSeq}): the numbers the keyed store's window and timers would have, so that
 *   either store restores the other's checkpoints (this one writes {@link WindowColumns},
 *   incrementally: see {@link BucketCheckpoints}).
 *
 * @internal The window operator picks it; users never name it.
 */
export function columnarWindowStore<T, TKey extends Key, TWindow extends TimeWindow, TAcc, TOut>(
  config: WindowOperatorConfig<T, TKey, TWindow, TAcc, TOut>,
  host: WindowStoreHost<T>,
  output: Output<TOut>,
): WindowStateStore<T> {
  const { keyOf, aggregate, fire, assigner } = config;
  const grid = gridOf(assigner);
  if (grid === undefined || !assigner.eventTime) {
    throw new TypeError(
      `the columnar window store holds event-time tumbling or sliding windows, not ${assigner.description}`,
    );
  }
  const { size, slide, offset } = grid;
  const { context, timers } = host;
  const lateness = config.allowedLateness;
  const columnar = aggregate.columnar;
  const width = columnar?.width ?? 0;

  type TBucket = WindowBucket<TWindow, TAcc>;

  const registry = new KeyRegistry<TKey>(context.keyGroups);
  const ids = registry.ids;
  const checkpoints = new BucketCheckpoints(context.keyGroups);
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
  /**
   * The host's watermark as of the last advance or restore: the only times it changes. Read per
   * record, so kept here rather than behind the host object.
   */
  let watermark = host.watermark;
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
    const seq = timers.next();
    const row = bucket.append(id, seq, CHANGED);
    bucket.changed.push(row);
    registry.retain(id);
    if (width === 0) bucket.accs[row] = undefined;
    // The window's implied timers (its cleanup, and its firing when that is a separate one still
    // to come) take their numbers too, as they would registered one by one.
    timers.continueAfter(lastTimerSeq(bucket.end, seq, lateness, watermark));
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

  const lateRecord = host.lateRecord;

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

  /** The record `addRecords` is at: after a throw, the one that threw (the operator fails it). */
  let position = 0;

  return {
    addRecords(values, timestamps, from) {
      const n = values.length;
      if (slide !== size) {
        for (position = from; position < n; position++)
          processSliding(values[position]!, timestamps[position]!);
        return;
      }
      // Tumbling, inlined: one window per record.
      for (position = from; position < n; position++) {
        const value = values[position]!;
        const timestamp = timestamps[position]!;
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
    },

    get position() {
      return position;
    },

    advanceWatermark(advanced) {
      watermark = advanced;
      // The remembered bucket may have become late.
      lastWindow = Number.NaN;
      // Firings and cleanups in time order; at equal times the firing first, as a window whose
      // firing and cleanup coincide fires before it is cleared.
      while (order.length > 0) {
        const cleanupAt = order[0]!.end - 1 + lateness;
        if (fired < order.length) {
          const due = order[fired]!;
          const fireAt = due.end - 1;
          if (fireAt <= watermark && fireAt <= cleanupAt) {
            fired++;
            if (fireAt === cleanupAt && due !== order[0] && watermark === Number.POSITIVE_INFINITY) {
              fireWhileClearingOldest(due);
            } else {
              fireBucket(due);
            }
            continue;
          }
        }
        if (cleanupAt > watermark) break;
        clearOldest();
      }
    },

    onTimer() {
      throw new Error("the columnar window store registers no timers: its buckets are its windows' timers");
    },

    finish() {
      // Windows still holding records not emitted (only when the final watermark never came):
      // by end, then creation.
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
    },

    firing() {
      if (currentBucket === undefined) return undefined;
      const { start, end, ids: rowIds } = currentBucket;
      return { start, end, key: registry.keys[rowIds[currentRow]!]! };
    },

    snapshot(full): WindowGroupSnapshot[] {
      return checkpoints.snapshot(full, order, registry, width);
    },

    restore(groups) {
      checkpoints.restored(groups);
      // The host's watermark, restored before, says which buckets have fired.
      watermark = host.watermark;
      const maxSeq = restoreBuckets(groups, {
        registry,
        keyGroups: context.keyGroups,
        columnar,
        allowedLateness: lateness,
        watermark,
        openBucket,
      });
      timers.continueAfter(maxSeq);
    },
  };
}
