import type { AggregateFunction } from "../aggregates/aggregate-function.ts";
import type { OutputTag } from "../dsl/output-tag.ts";
import { describeError, OperatorError } from "../runtime/errors.ts";
import type { Operator, OperatorContext, OperatorSnapshot, Output } from "../runtime/operator.ts";
import type { Key } from "../state/key-group.ts";
import { KeyedHeap } from "../state/keyed-heap.ts";
import { windowStart } from "./assigners.ts";
import type { TimeWindow } from "./window.ts";
import { type EncodedOperatorState, type EncodedSlot, EVENT, noEventTime } from "./window-slots.ts";

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

/** A key's window holds records (unset only when its first `add` threw). */
const FILLED = 1;
/** Records were added to a key's window since it last fired. */
const PENDING = 2;
/** A key's window changed since the last snapshot: the next one must write its key. */
const CHANGED = 4;

/**
 * All keys' windows with the same bounds: one window object, one firing, one cleanup. The keys'
 * windows are columns (a struct of arrays) in creation order, which is the order they fire in, so
 * a record costs a Map lookup yielding a small integer and two array reads before it reaches its
 * accumulator, with no object per window in between.
 */
interface Bucket<TKey extends Key, TWindow, TAcc> {
  readonly start: number;
  readonly end: number;
  /** Shared by every key's results (frozen, so no consumer can change it under the others). */
  readonly window: TWindow;
  /** A key's position in the columns. */
  readonly index: Map<TKey, number>;
  readonly keys: TKey[];
  /** Creation order, numbered as the generic path numbers its windows and timers. */
  readonly seqs: number[];
  readonly accs: (TAcc | undefined)[];
  /** {@link FILLED}, {@link PENDING} and {@link CHANGED}: a byte per window keeps them in cache. */
  flags: Uint8Array;
}

/** A bucket's first flags capacity; it doubles as keys arrive. */
const INITIAL_CAPACITY = 16;

/**
 * The window operator's fast path: event-time tumbling or sliding windows with the default
 * `eventTimeTrigger`. There a window's only timers are its firing at `end − 1` and its cleanup at
 * `end − 1 + allowedLateness`, both known when the window is created, and all keys' windows with
 * the same bounds fire and are cleaned up at the same watermark. So instead of per-window timers
 * the windows are grouped into buckets by bounds; a watermark fires and clears whole buckets,
 * oldest first, each in one pass.
 *
 * Semantics, results and their order, late data, failures and checkpoints are those of the
 * generic path in `window-operator.ts` (which tests compare it with):
 *
 * - Windows due together fire in creation order, as the generic path's timers (registered when a
 *   window is created, in that order) do.
 * - Checkpoints use the generic path's format, implicit timers and their sequence numbers
 *   included, so either path restores the other's snapshots.
 * - The {@link KeyedHeap} partitions keys into key groups and tracks which changed, for
 *   incremental checkpoints; the windows themselves live in the buckets. Changes are handed to it
 *   in one sweep before each snapshot (a flag per changed window, the key lists of cleared
 *   buckets), which keeps it off the record path altogether.
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

  type TBucket = Bucket<TKey, TWindow, TAcc>;

  /** Keys present in the last snapshot or to be written to the next; the state is in the buckets. */
  const heap = new KeyedHeap<TKey, undefined>(context.keyGroups);
  const metrics = context.metrics;
  /** Open buckets by window start, and the same in ascending order of start (so of end). */
  const buckets = new Map<number, TBucket>();
  const order: TBucket[] = [];
  /** `order[0, fired)` have fired: exactly the buckets with `end − 1 <= watermark`. */
  let fired = 0;
  /** The bucket the previous record went to: most records go where the previous one did. */
  let lastStart = Number.NaN;
  let lastBucket: TBucket | undefined;
  let seq = 0;
  let liveWindows = 0;
  /** Key lists of buckets cleared since the last snapshot: those keys lost a window. */
  let cleared: TKey[][] = [];
  let clearedCount = 0;
  /**
   * Set when `cleared` outgrew the state (a job that never checkpoints, or a long gap): it is
   * dropped and the next snapshot rewrites every key, so memory stays bounded.
   */
  let everythingChanged = false;
  let watermark = context.currentWatermark();
  let firingTimestamp = 0;
  /** The window firing, named if its result function throws. */
  let currentBucket: TBucket | undefined;
  let currentIndex = 0;

  const emit = (value: TOut) => output.emit(value, firingTimestamp);
  const noState = (): undefined => undefined;

  const openBucket = (start: number, end: number): TBucket => {
    const bucket: TBucket = {
      start,
      end,
      // A grid assigner's windows are plain TimeWindows, which is what TWindow is for it.
      window: Object.freeze({ start, end }) as TWindow,
      index: new Map(),
      keys: [],
      seqs: [],
      accs: [],
      flags: new Uint8Array(INITIAL_CAPACITY),
    };
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

  /** Appends a key's window to a bucket's columns; returns its position. */
  const pushWindow = (bucket: TBucket, key: TKey, s: number, flags: number): number => {
    const i = bucket.keys.length;
    if (i === bucket.flags.length) {
      const grown = new Uint8Array(i * 2);
      grown.set(bucket.flags);
      bucket.flags = grown;
    }
    bucket.keys.push(key);
    bucket.seqs.push(s);
    bucket.accs.push(undefined);
    bucket.flags[i] = flags;
    bucket.index.set(key, i);
    liveWindows++;
    return i;
  };

  const createWindow = (bucket: TBucket, key: TKey): number => {
    const i = pushWindow(bucket, key, seq, CHANGED);
    // The generic path numbers the window, its cleanup timer, and its firing timer when that is
    // a separate one still to come: the same numbers keep checkpoints interchangeable.
    seq += lateness > 0 && bucket.end - 1 > watermark ? 3 : 2;
    return i;
  };

  const fireWindow = (bucket: TBucket, i: number) => {
    currentBucket = bucket;
    currentIndex = i;
    firingTimestamp = bucket.end - 1;
    fire(bucket.keys[i]!, bucket.window, bucket.accs[i] as TAcc, emit, watermark);
    bucket.flags[i]! &= ~PENDING;
  };

  const add = (bucket: TBucket, i: number, value: T) => {
    const flags = bucket.flags;
    const f = flags[i]! | CHANGED;
    // Marked first: a throwing add may have changed the accumulator already.
    flags[i] = f;
    const accs = bucket.accs;
    accs[i] = aggregate.add((f & FILLED) === 0 ? aggregate.create() : (accs[i] as TAcc), value);
    flags[i] = f | FILLED | PENDING;
    // The default trigger fires a window the watermark has passed at once (an allowed-late record).
    if (bucket.end - 1 <= watermark) fireWindow(bucket, i);
  };

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
    let key: TKey | undefined;
    let keyed = false;
    // Latest window first, as Flink assigns them.
    for (let start = windowStart(timestamp, offset, slide); start > timestamp - size; start -= slide) {
      const end = start + size;
      if (end - 1 + lateness <= watermark) continue;
      if (!keyed) {
        key = keyOf(value);
        keyed = true;
      }
      const bucket = buckets.get(start) ?? openBucket(start, end);
      add(bucket, bucket.index.get(key as TKey) ?? createWindow(bucket, key as TKey), value);
    }
    if (!keyed) lateRecord(value, timestamp);
  };

  /** Notes that these keys lost a window, for the next snapshot. */
  const noteCleared = (keys: TKey[]) => {
    liveWindows -= keys.length;
    if (everythingChanged) return;
    cleared.push(keys);
    clearedCount += keys.length;
    if (clearedCount > 2 * (liveWindows + heap.size) + 1_024) {
      everythingChanged = true;
      cleared = [];
      clearedCount = 0;
    }
  };

  const fireBucket = (bucket: TBucket) => {
    const { keys, accs, flags, window } = bucket;
    const n = keys.length;
    // The window's firing timer is gone from its checkpointed state (with no lateness the window is
    // cleared at once, which marks its key anyway).
    const changed = lateness > 0 ? CHANGED : 0;
    currentBucket = bucket;
    firingTimestamp = bucket.end - 1;
    let i = 0;
    try {
      for (; i < n; i++) {
        const f = flags[i]!;
        if ((f & FILLED) !== 0) fire(keys[i]!, window, accs[i] as TAcc, emit, watermark);
        flags[i] = (f & ~PENDING) | changed;
      }
    } catch (error) {
      currentIndex = i;
      throw error;
    }
  };

  const removeOldest = () => {
    const bucket = order.shift()!;
    fired--;
    buckets.delete(bucket.start);
    if (bucket === lastBucket) {
      lastStart = Number.NaN;
      lastBucket = undefined;
    }
    noteCleared(bucket.keys);
  };

  /** Cleanup time of the oldest bucket: all its windows go (Flink's clearAllState), at once. */
  const clearOldest = () => {
    if (watermark === Number.POSITIVE_INFINITY) {
      // End of input: records the trigger never emitted are emitted rather than dropped.
      const bucket = order[0]!;
      const n = bucket.keys.length;
      for (let i = 0; i < n; i++) if ((bucket.flags[i]! & PENDING) !== 0) fireWindow(bucket, i);
    }
    removeOldest();
  };

  /**
   * At end of input, a bucket firing at the very time the oldest one is cleaned up: the generic
   * path runs both sets of timers in one queue, by creation order, and a cleanup can emit then.
   */
  const fireWhileClearingOldest = (due: TBucket) => {
    const old = order[0]!;
    const n = due.keys.length;
    const m = old.keys.length;
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (j === m || (i < n && due.seqs[i]! < old.seqs[j]!)) {
        if ((due.flags[i]! & FILLED) !== 0) fireWindow(due, i);
        due.flags[i++]! |= CHANGED;
      } else {
        if ((old.flags[j]! & PENDING) !== 0) fireWindow(old, j);
        j++;
      }
    }
    removeOldest();
  };

  const failFiring = (error: unknown): never => {
    if (error instanceof OperatorError || currentBucket === undefined) throw error;
    const { start, end, keys } = currentBucket;
    throw new OperatorError(
      context.name,
      `firing window [${start}, ${end}) of key ${String(keys[currentIndex])} failed: ${describeError(error)}`,
      { cause: error },
    );
  };

  const hasWindows = (key: TKey): boolean => {
    for (const bucket of order) if (bucket.index.has(key)) return true;
    return false;
  };

  /** Hands the heap every key whose windows changed since the last snapshot. */
  const markChanges = () => {
    if (everythingChanged) {
      for (const entry of heap.values()) if (!hasWindows(entry.key)) heap.remove(entry);
    } else {
      for (const keys of cleared) {
        for (const key of keys) {
          const entry = heap.get(key);
          // A key the last snapshot did not have needs no deleting.
          if (entry === undefined) continue;
          if (hasWindows(key)) heap.touch(entry);
          else heap.remove(entry);
        }
      }
    }
    for (const bucket of order) {
      const { keys, flags } = bucket;
      for (let i = 0; i < keys.length; i++) {
        if (everythingChanged || (flags[i]! & CHANGED) !== 0) {
          heap.touch(heap.getOrCreate(keys[i]!, noState));
          flags[i]! &= ~CHANGED;
        }
      }
    }
    cleared = [];
    clearedCount = 0;
    everythingChanged = false;
  };

  const encodeWindow = (bucket: TBucket, i: number): EncodedSlot => {
    const { start, end } = bucket;
    const cleanup = end - 1 + lateness;
    const s = bucket.seqs[i]!;
    const flags = bucket.flags[i]!;
    return {
      start,
      end,
      seq: s,
      acc: bucket.accs[i],
      filled: (flags & FILLED) !== 0,
      pending: (flags & PENDING) !== 0,
      trigger: undefined,
      // The timers the generic path would hold: the cleanup, and the firing until it has happened
      // (one timer when they coincide).
      timers:
        lateness === 0 || end - 1 <= watermark
          ? [cleanup, s + 1, EVENT]
          : [cleanup, s + 1, EVENT, end - 1, s + 2, EVENT],
    };
  };

  const encode = (_state: undefined, key: TKey): EncodedSlot[] => {
    const windows: EncodedSlot[] = [];
    for (const bucket of order) {
      const i = bucket.index.get(key);
      if (i !== undefined) windows.push(encodeWindow(bucket, i));
    }
    // The generic path lists a key's windows in creation order.
    if (windows.length > 1) windows.sort((a, b) => a.seq - b.seq);
    return windows;
  };

  /** Removes from a bucket the windows `finish` fired and cleared. */
  const removeFinished = (bucket: TBucket, gone: TKey[]) => {
    const { index, keys, seqs, accs, flags } = bucket;
    let w = 0;
    for (let i = 0; i < keys.length; i++) {
      if ((flags[i]! & PENDING) !== 0) {
        index.delete(keys[i]!);
        gone.push(keys[i]!);
        continue;
      }
      keys[w] = keys[i]!;
      seqs[w] = seqs[i]!;
      accs[w] = accs[i];
      flags[w] = flags[i]!;
      index.set(keys[w]!, w);
      w++;
    }
    keys.length = w;
    seqs.length = w;
    accs.length = w;
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
            if (!Number.isFinite(timestamp)) throw noEventTime(timestamp);
            // windowStart(timestamp, offset, size), inlined.
            const start = offset + Math.floor((timestamp - offset) / size) * size;
            const end = start + size;
            if (end - 1 + lateness <= watermark) {
              // The record's only window is late, and so is the record.
              lateRecord(value, timestamp);
              continue;
            }
            const key = keyOf(value);
            let bucket = lastBucket;
            if (start !== lastStart || bucket === undefined) {
              bucket = buckets.get(start) ?? openBucket(start, end);
              lastStart = start;
              lastBucket = bucket;
            }
            add(bucket, bucket.index.get(key) ?? createWindow(bucket, key), value);
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
          const n = bucket.keys.length;
          let any = false;
          for (let i = 0; i < n; i++) {
            if ((bucket.flags[i]! & PENDING) === 0) continue;
            fireWindow(bucket, i);
            // Still flagged, to be removed below.
            bucket.flags[i]! |= PENDING;
            any = true;
          }
          if (any) {
            const gone: TKey[] = [];
            removeFinished(bucket, gone);
            noteCleared(gone);
          }
        }
      } catch (error) {
        failFiring(error);
      }
    },

    snapshotState(full): OperatorSnapshot {
      markChanges();
      const operator: EncodedOperatorState = { watermark };
      return { keyGroups: heap.snapshot(full, encode), operator };
    },

    restoreState(snapshot) {
      const restored: { key: TKey; window: EncodedSlot }[] = [];
      heap.restore(snapshot.keyGroups ?? [], (data, key) => {
        const windows = data as EncodedSlot[];
        for (const window of windows) restored.push({ key, window });
        // A key without windows (never in our own snapshots) leaves at the next snapshot.
        if (windows.length === 0) everythingChanged = true;
        return undefined;
      });
      const state = snapshot.operator as EncodedOperatorState | undefined;
      if (state !== undefined && state.watermark > watermark) watermark = state.watermark;
      // Created in their original order, so windows due together fire as they would have.
      restored.sort((a, b) => a.window.seq - b.window.seq);
      let maxSeq = -1;
      for (const { key, window: w } of restored) {
        const bucket = buckets.get(w.start) ?? openBucket(w.start, w.end);
        const i = pushWindow(bucket, key, w.seq, (w.filled ? FILLED : 0) | (w.pending ? PENDING : 0));
        bucket.accs[i] = w.acc as TAcc | undefined;
        if (w.seq > maxSeq) maxSeq = w.seq;
        for (let t = 1; t < w.timers.length; t += 3) if (w.timers[t]! > maxSeq) maxSeq = w.timers[t]!;
      }
      seq = maxSeq + 1;
    },
  };
}
