import type { Output } from "../runtime/operator.ts";
import type { Key } from "../state/key-group.ts";
import { type KeyEntry, KeyedHeap } from "../state/keyed-heap.ts";
import { isSliding, isTumbling, windowStart } from "./assigners.ts";
import { TriggerResult } from "./trigger.ts";
import { eventTimeTrigger, type MergeTriggerContext, neverTrigger } from "./triggers.ts";
import type { TimeWindow } from "./window.ts";
import { keyedWindowState } from "./window-columns.ts";
import { type EncodedSlot, EVENT, noEventTime, PROCESSING, SWEEP_THRESHOLD } from "./window-slots.ts";
import type { WindowGroupSnapshot } from "./window-snapshot.ts";
import type { WindowOperatorConfig, WindowStateStore, WindowStoreHost } from "./window-store.ts";

/**
 * One open window of one key: its accumulator, its trigger's state and its timers. It is the
 * timer service's namespace: its timers live here, so that checkpoints carry them.
 */
interface WindowSlot<TKey extends Key, TWindow, TAcc> {
  /** The key's heap entry, whose state lists this slot. */
  entry: KeyEntry<TKey, WindowSlot<TKey, TWindow, TAcc>[]>;
  window: TWindow;
  /** Creation order; ties between windows firing together at end of input are broken by it. */
  seq: number;
  acc: TAcc | undefined;
  /** `acc` holds records (false before the first record and after a purge). */
  filled: boolean;
  /** Records were added since the window last fired. */
  pending: boolean;
  triggerState: unknown;
  /**
   * Pending timers as flat triples `[time, seq, kind, ...]` (kind {@link EVENT} or
   * {@link PROCESSING}); seq is the registration order, which orders timers due together (see
   * {@link SequenceTimerService}).
   */
  readonly timers: number[];
}

/**
 * Cleared window slots kept for reuse. A slot lives as long as its window, long enough to be
 * promoted out of V8's young generation; reusing it spares the old generation that churn.
 */
const MAX_FREE_SLOTS = 65_536;

// A key's window list is short, and the window removed is usually the last one: popping is much
// cheaper than splice (a runtime call in V8).
function removeSlot<TSlot>(slots: TSlot[], item: TSlot): void {
  if (slots[slots.length - 1] === item) slots.pop();
  else slots.splice(slots.indexOf(item), 1);
}

const fires = (result: TriggerResult) =>
  result === TriggerResult.FIRE || result === TriggerResult.FIRE_AND_PURGE;
const purges = (result: TriggerResult) =>
  result === TriggerResult.PURGE || result === TriggerResult.FIRE_AND_PURGE;

const NO_STATES: readonly unknown[] = [];

/**
 * The window state store for any assigner and trigger: a slot per key and window (see
 * {@link WindowSlot}) on a {@link KeyedHeap}, with the trigger's state and the window's timers,
 * registered with the operator's timer service. It assigns each record to its windows, merges
 * session windows (Flink's `MergingWindowSet`), asks the trigger on each element and timer, and
 * fires, purges and clears windows as it says. Semantics: see `windowOperator`.
 *
 * Restores checkpoints written by either store: rows of the columnar store are spelled out as
 * slots with their implied timers ({@link keyedWindowState}).
 *
 * @internal The window operator picks it; users never name it.
 */
export function keyedWindowStore<T, TKey extends Key, TWindow extends TimeWindow, TAcc, TOut>(
  config: WindowOperatorConfig<T, TKey, TWindow, TAcc, TOut>,
  host: WindowStoreHost<T>,
  output: Output<TOut>,
): WindowStateStore<T> {
  const { keyOf, assigner, trigger, aggregate, fire } = config;
  const { context, timers } = host;
  const eventTime = assigner.eventTime;
  // Lateness means nothing for processing time (Flink ignores it there too).
  const lateness = eventTime ? config.allowedLateness : 0;
  const keepsContents = trigger === neverTrigger();
  const defaultTrigger = trigger === eventTimeTrigger();
  const mode = isTumbling(assigner) ? 0 : isSliding(assigner) ? 1 : assigner.merging ? 3 : 2;
  const size = isTumbling(assigner) || isSliding(assigner) ? assigner.size : 0;
  const offset = isTumbling(assigner) || isSliding(assigner) ? assigner.offset : 0;
  const slide = isSliding(assigner) ? assigner.slide : 0;

  type Slot = WindowSlot<TKey, TWindow, TAcc>;

  const heap = new KeyedHeap<TKey, Slot[]>(context.keyGroups);
  const freeSlots: Slot[] = [];
  /** The window the trigger is being asked about. */
  let current: Slot | undefined;
  let mergedStates: readonly unknown[] = NO_STATES;
  let firingTimestamp = 0;

  const emit = (value: TOut) => output.emit(value, firingTimestamp);
  /** Keys whose windows are all gone. Kept a while: most keys get their next window soon. */
  let emptyEntries = 0;
  const newSlots = (): Slot[] => {
    emptyEntries++;
    return [];
  };
  const removeEmptyEntries = () => {
    if (emptyEntries === 0) return;
    for (const entry of heap.values()) if (entry.state.length === 0) heap.remove(entry);
    emptyEntries = 0;
  };
  // With no cleanup timer (the global window) the time is +Infinity.
  const cleanupTime = (window: TimeWindow) => (eventTime ? window.end - 1 + lateness : window.end - 1);

  const addTimer = (slot: Slot, time: number, kind: typeof EVENT | typeof PROCESSING) => {
    if (Number.isNaN(time)) throw new TypeError("a trigger registered a timer at NaN");
    timers.register(slot, time, kind);
  };
  const deleteTimer = (slot: Slot, time: number, kind: typeof EVENT | typeof PROCESSING) => {
    timers.delete(slot, time, kind);
  };

  const triggerContext: MergeTriggerContext = {
    get currentWatermark() {
      return host.watermark;
    },
    get currentProcessingTime() {
      return context.clock.now();
    },
    registerEventTimeTimer: (time) => addTimer(current!, time, EVENT),
    deleteEventTimeTimer: (time) => deleteTimer(current!, time, EVENT),
    registerProcessingTimeTimer: (time) => addTimer(current!, time, PROCESSING),
    deleteProcessingTimeTimer: (time) => deleteTimer(current!, time, PROCESSING),
    // Trigger state is untyped plain data: each trigger reads back what it wrote.
    getState: <S>() => current!.triggerState as S | undefined,
    setState: (state) => {
      current!.triggerState = state;
    },
    mergedStates: <S>() => mergedStates as readonly (S | undefined)[],
  };

  const createSlot = (entry: KeyEntry<TKey, Slot[]>, window: TWindow, at: number): Slot => {
    let slot = freeSlots.pop();
    if (slot === undefined) {
      slot = {
        entry,
        window,
        seq: timers.next(),
        acc: undefined,
        filled: false,
        pending: false,
        triggerState: undefined,
        timers: [],
      };
    } else {
      // A cleared slot has no accumulator, trigger state or timers left: only its identity changes.
      slot.entry = entry;
      slot.window = window;
      slot.seq = timers.next();
    }
    const slots = entry.state;
    if (slots.length === 0) emptyEntries--;
    if (at === slots.length) slots.push(slot);
    else slots.splice(at, 0, slot);
    const cleanup = cleanupTime(window);
    if (cleanup !== Number.POSITIVE_INFINITY) addTimer(slot, cleanup, eventTime ? EVENT : PROCESSING);
    // What eventTimeTrigger's onElement would register (again, deduplicated) for every record.
    if (defaultTrigger && window.end - 1 > host.watermark) addTimer(slot, window.end - 1, EVENT);
    return slot;
  };

  const fireSlot = (slot: Slot) => {
    current = slot;
    firingTimestamp = slot.window.end - 1;
    fire(slot.entry.key, slot.window, slot.acc as TAcc, emit, host.watermark);
    slot.pending = false;
  };

  const purgeSlot = (slot: Slot) => {
    slot.acc = undefined;
    slot.filled = false;
    slot.pending = false;
  };

  /** Removes a window with its accumulator, trigger state and timers (Flink's clearAllState). */
  const clearSlot = (slot: Slot) => {
    current = slot;
    // eventTimeTrigger's clear only deletes a timer, and all timers go just below.
    if (!defaultTrigger) trigger.clear(slot.window, triggerContext);
    purgeSlot(slot);
    slot.triggerState = undefined;
    // Their numbers are spent, so not even a reuse of the slot revives them.
    timers.deleteAll(slot);
    const entry = slot.entry;
    const slots = entry.state;
    removeSlot(slots, slot);
    heap.touch(entry);
    if (freeSlots.length < MAX_FREE_SLOTS) freeSlots.push(slot);
    if (slots.length === 0 && ++emptyEntries >= SWEEP_THRESHOLD && emptyEntries * 2 > heap.size) {
      removeEmptyEntries();
    }
  };

  const applyElementTrigger = (slot: Slot, value: T, timestamp: number) => {
    slot.acc = aggregate.add(slot.filled ? (slot.acc as TAcc) : aggregate.create(), value);
    slot.filled = true;
    slot.pending = true;
    if (defaultTrigger) {
      // eventTimeTrigger inlined: its timer was registered with the window.
      if (slot.window.end - 1 <= host.watermark) fireSlot(slot);
      return;
    }
    current = slot;
    const result = trigger.onElement(timestamp, slot.window, triggerContext);
    if (result === TriggerResult.CONTINUE) return;
    if (fires(result) && slot.filled) fireSlot(slot);
    if (purges(result)) purgeSlot(slot);
  };

  const lateRecord = host.lateRecord;

  const findSlot = (slots: Slot[], start: number, end: number): Slot | undefined => {
    // Newest windows are last, and most records belong to the newest window.
    for (let i = slots.length - 1; i >= 0; i--) {
      const slot = slots[i]!;
      if (slot.window.start === start && slot.window.end === end) return slot;
    }
    return undefined;
  };

  const timeOf = (timestamp: number): number => {
    if (!eventTime) return context.clock.now();
    if (!Number.isFinite(timestamp)) throw noEventTime(timestamp);
    return timestamp;
  };

  const processTumbling = (value: T, timestamp: number) => {
    const time = eventTime && Number.isFinite(timestamp) ? timestamp : timeOf(timestamp);
    // windowStart(time, offset, size), inlined.
    const start = offset + Math.floor((time - offset) / size) * size;
    const end = start + size;
    if (eventTime && end - 1 + lateness <= host.watermark) {
      // The record's only window is late, and so is the record.
      lateRecord(value, timestamp);
      return;
    }
    const key = keyOf(value);
    const entry = heap.get(key) ?? heap.getOrCreate(key, newSlots);
    // Marked before the change, so that a record failing halfway leaves no unrecorded change.
    heap.touch(entry);
    const slots = entry.state;
    let slot: Slot | undefined;
    for (let i = slots.length - 1; i >= 0; i--) {
      if (slots[i]!.window.start === start) {
        slot = slots[i]!;
        break;
      }
    }
    // A tumbling assigner's windows are plain TimeWindows, which is what TWindow is for it.
    slot ??= createSlot(entry, { start, end } as TWindow, slots.length);
    applyElementTrigger(slot, value, timestamp);
  };

  const processSliding = (value: T, timestamp: number) => {
    const time = timeOf(timestamp);
    let entry: KeyEntry<TKey, Slot[]> | undefined;
    // Latest window first, as Flink assigns them.
    for (let start = windowStart(time, offset, slide); start > time - size; start -= slide) {
      const end = start + size;
      if (eventTime && end - 1 + lateness <= host.watermark) continue;
      if (entry === undefined) {
        const key = keyOf(value);
        entry = heap.get(key) ?? heap.getOrCreate(key, newSlots);
        heap.touch(entry);
      }
      const slot =
        findSlot(entry.state, start, end) ?? createSlot(entry, { start, end } as TWindow, entry.state.length);
      applyElementTrigger(slot, value, timestamp);
    }
    if (entry === undefined) lateRecord(value, timestamp);
  };

  const processAssigned = (value: T, timestamp: number) => {
    const windows = assigner.assignWindows(timeOf(timestamp));
    let entry: KeyEntry<TKey, Slot[]> | undefined;
    for (const window of windows) {
      if (eventTime && window.end - 1 + lateness <= host.watermark) continue;
      if (entry === undefined) {
        const key = keyOf(value);
        entry = heap.get(key) ?? heap.getOrCreate(key, newSlots);
        heap.touch(entry);
      }
      const slot =
        findSlot(entry.state, window.start, window.end) ?? createSlot(entry, window, entry.state.length);
      applyElementTrigger(slot, value, timestamp);
    }
    if (entry === undefined && eventTime && timestamp + lateness <= host.watermark)
      lateRecord(value, timestamp);
  };

  /**
   * Merges the slots `[first, last]` of a key (sorted, pairwise apart) into one window covering
   * them and `[start, end)`, as Flink's MergingWindowSet and WindowOperator do together.
   */
  const mergeSlots = (
    entry: KeyEntry<TKey, Slot[]>,
    first: number,
    last: number,
    start: number,
    end: number,
  ): Slot => {
    const slots = entry.state;
    if (eventTime ? end - 1 + lateness <= host.watermark : end - 1 <= context.clock.now()) {
      // Unreachable for session windows (a live window is never late); Flink refuses it too.
      throw new Error(
        `merging windows into [${start}, ${end}) would create a window that is already late (watermark ${host.watermark})`,
      );
    }
    const merged = slots.slice(first, last + 1);
    let acc: TAcc | undefined;
    let filled = false;
    let pending = false;
    for (const slot of merged) {
      if (!slot.filled) continue;
      acc = filled ? aggregate.merge(acc as TAcc, slot.acc as TAcc) : slot.acc;
      filled = true;
      pending ||= slot.pending;
    }
    // Covers a merged window, which for a merging assigner is a plain TimeWindow.
    const result = createSlot(entry, { start, end } as TWindow, first);
    result.acc = acc;
    result.filled = filled;
    result.pending = pending;
    slots.splice(first + 1, merged.length);
    current = result;
    mergedStates = merged.map((slot) => slot.triggerState);
    try {
      trigger.onMerge!(result.window, triggerContext);
    } finally {
      mergedStates = NO_STATES;
    }
    for (const slot of merged) {
      current = slot;
      trigger.clear(slot.window, triggerContext);
      timers.deleteAll(slot);
    }
    return result;
  };

  const processMerging = (value: T, timestamp: number) => {
    const windows = assigner.assignWindows(timeOf(timestamp));
    let entry: KeyEntry<TKey, Slot[]> | undefined;
    let key: TKey | undefined;
    let skipped = true;
    for (const window of windows) {
      if (key === undefined) {
        key = keyOf(value);
        entry = heap.get(key);
      }
      const slots = entry?.state;
      let first = -1;
      let last = -1;
      let at = 0;
      if (slots !== undefined) {
        // Sorted and pairwise apart, so the windows touching `window` are one run.
        for (let i = 0; i < slots.length; i++) {
          const w = slots[i]!.window;
          if (w.start <= window.end && w.end >= window.start) {
            if (first < 0) first = i;
            last = i;
          } else if (first >= 0) {
            break;
          } else if (w.start < window.start) {
            at = i + 1;
          }
        }
      }
      let slot: Slot;
      if (first < 0) {
        if (eventTime && window.end - 1 + lateness <= host.watermark) continue;
        entry ??= heap.getOrCreate(key, newSlots);
        heap.touch(entry);
        slot = createSlot(entry, window, at);
      } else {
        const live = entry!;
        heap.touch(live);
        const firstWindow = live.state[first]!.window;
        const lastWindow = live.state[last]!.window;
        const start = Math.min(window.start, firstWindow.start);
        const end = Math.max(window.end, lastWindow.end);
        slot =
          first === last && start === firstWindow.start && end === firstWindow.end
            ? live.state[first]!
            : mergeSlots(live, first, last, start, end);
      }
      skipped = false;
      applyElementTrigger(slot, value, timestamp);
    }
    if (skipped && eventTime && timestamp + lateness <= host.watermark) lateRecord(value, timestamp);
  };

  const processRecord = [processTumbling, processSliding, processAssigned, processMerging][mode]!;

  /** A timer of `slot` is due: ask the trigger, then clean the window up if its time has come. */
  const onWindowTimer = (slot: Slot, time: number, kind: number) => {
    current = slot;
    const result = defaultTrigger
      ? kind === EVENT && time === slot.window.end - 1
        ? TriggerResult.FIRE
        : TriggerResult.CONTINUE
      : kind === EVENT
        ? trigger.onEventTime(time, slot.window, triggerContext)
        : trigger.onProcessingTime(time, slot.window, triggerContext);
    if (fires(result) && slot.filled) fireSlot(slot);
    if (purges(result)) purgeSlot(slot);
    if ((kind === EVENT) === eventTime && time === cleanupTime(slot.window)) {
      // End of input: records the trigger never emitted are emitted rather than dropped.
      if (host.watermark === Number.POSITIVE_INFINITY && slot.pending && !keepsContents) fireSlot(slot);
      clearSlot(slot);
    } else {
      heap.touch(slot.entry);
    }
  };

  const encodeSlots = (slots: Slot[]): EncodedSlot[] =>
    slots.map((slot) => ({
      start: slot.window.start,
      end: slot.window.end,
      seq: slot.seq,
      acc: slot.acc,
      filled: slot.filled,
      pending: slot.pending,
      trigger: slot.triggerState,
      timers: slot.timers,
    }));

  const decodeSlots = (data: unknown, key: TKey): Slot[] => {
    // The heap makes the real entry after decoding; restoreState links the slots to it.
    const placeholder: KeyEntry<TKey, Slot[]> = { key, group: -1, state: [], dirty: false, removed: true };
    return (data as EncodedSlot[]).map((s) => ({
      entry: placeholder,
      // Windows are restored from their bounds; the global window's are ±Infinity.
      window: { start: s.start, end: s.end } as TWindow,
      seq: s.seq,
      acc: s.acc as TAcc | undefined,
      filled: s.filled,
      pending: s.pending,
      triggerState: s.trigger,
      timers: s.timers,
    }));
  };

  /** The record `addRecords` is at: after a throw, the one that threw (the operator fails it). */
  let position = 0;

  return {
    addRecords(values, timestamps, from) {
      const n = values.length;
      for (position = from; position < n; position++) processRecord(values[position]!, timestamps[position]!);
    },

    get position() {
      return position;
    },

    advanceWatermark(watermark) {
      timers.advanceWatermark(watermark);
    },

    onTimer(namespace, time, domain) {
      // Only slots register timers with the service this store is given.
      onWindowTimer(namespace as Slot, time, domain);
    },

    finish() {
      if (keepsContents) return;
      const due: Slot[] = [];
      for (const entry of heap.values()) for (const slot of entry.state) if (slot.pending) due.push(slot);
      due.sort((a, b) => a.window.end - b.window.end || a.seq - b.seq);
      for (const slot of due) {
        fireSlot(slot);
        clearSlot(slot);
      }
    },

    firing() {
      return current === undefined
        ? undefined
        : { start: current.window.start, end: current.window.end, key: current.entry.key };
    },

    snapshot(full): WindowGroupSnapshot[] {
      removeEmptyEntries();
      return heap.snapshot(full, encodeSlots);
    },

    restore(groups, checkpointWatermark) {
      // The columnar store writes its windows in rows: read as this store holds them.
      const keyed = groups.some((s) => s.columns !== undefined)
        ? keyedWindowState(groups, {
            allowedLateness: lateness,
            watermark: checkpointWatermark,
            columnar: aggregate.columnar,
          })
        : groups;
      heap.restore(keyed, decodeSlots);
      const slots: Slot[] = [];
      emptyEntries = 0;
      for (const entry of heap.values()) {
        if (entry.state.length === 0) emptyEntries++;
        for (const slot of entry.state) {
          slot.entry = entry;
          timers.continueAfter(slot.seq);
          slots.push(slot);
        }
      }
      timers.restore(slots);
    },
  };
}
