import type { ColumnarAccumulator } from "../aggregates/columnar.ts";
import type { Key } from "../state/key-group.ts";
import type { KeyGroupSnapshot, OpaqueKeyGroupSnapshot } from "../state/keyed-heap.ts";
import { type EncodedSlot, EVENT } from "./window-slots.ts";
import { decodeWindowGroups, type WindowGroupSnapshot } from "./window-snapshot.ts";

/**
 * How the columnar window store (`columnar-window-store.ts`) writes its windows to a checkpoint: per
 * key group, columns with a row per key and window, instead of an object per window. A full
 * snapshot of a million windows is then a few typed arrays and one string of keys per group,
 * which serialize (and checksum, and store) as buffers.
 *
 * A row's timers are not stored: in that store they are implied by the window (its firing at
 * `end − 1` until the watermark passes it, its cleanup at `end − 1 + allowedLateness`, numbered
 * after the window's `seq`), and {@link keyedWindowState} spells them out for the keyed store.
 */
export interface WindowColumns {
  /**
   * Starts of windows gone for every key of the group since the group's previous snapshot
   * (buckets cleaned up): a delta applies them before its rows. Empty in a full snapshot.
   */
  readonly cleared: number[];
  /** The rows' windows as runs of rows with the same bounds: `[start, end, rows, ...]`. */
  readonly runs: number[];
  /**
   * The rows' keys one after the other (a number as its decimal text), row `i`'s ending at
   * `keyEnds[i]`. In a delta a row replaces its key's window with the same start, if any.
   */
  readonly keyText: string;
  readonly keyEnds: Uint32Array;
  /** 1 for a row whose key is a number; absent when every key is a string. */
  readonly numberKeys: Uint8Array | undefined;
  /** A row's creation number: windows due together fire in this order. */
  readonly seqs: Float64Array;
  /** {@link FILLED} and {@link PENDING}, per row. */
  readonly flags: Uint8Array;
  /** Numbers per accumulator in `values` (an aggregate with a columnar form), or 0. */
  readonly width: number;
  /** Accumulators, `width` numbers per row, when `width > 0`. */
  readonly values: Float64Array;
  /** Accumulators, one per row, when `width` is 0. */
  readonly accs: unknown[];
}

/** Rows of windows with their keys decoded, as restore reads them (see {@link WindowColumns}). */
export interface WindowRows {
  readonly keys: readonly Key[];
  readonly seqs: ArrayLike<number>;
  readonly flags: ArrayLike<number>;
  readonly width: number;
  readonly values: Float64Array;
  readonly accs: readonly unknown[];
}

/** The rows' keys, written as {@link WindowColumns} holds them. */
export function encodeKeys(keys: readonly Key[]): Pick<WindowColumns, "keyText" | "keyEnds" | "numberKeys"> {
  const keyEnds = new Uint32Array(keys.length);
  let numberKeys: Uint8Array | undefined;
  let end = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (typeof key === "string") {
      end += key.length;
    } else {
      numberKeys ??= new Uint8Array(keys.length);
      numberKeys[i] = 1;
      end += String(key).length;
    }
    keyEnds[i] = end;
  }
  // join writes a number as String() does.
  return { keyText: keys.join(""), keyEnds, numberKeys };
}

/** The rows' keys of `columns`, decoded. */
export function decodeKeys(columns: WindowColumns): Key[] {
  const { keyText, keyEnds, numberKeys } = columns;
  const keys = new Array<Key>(keyEnds.length);
  let from = 0;
  for (let i = 0; i < keyEnds.length; i++) {
    const to = keyEnds[i]!;
    const text = keyText.slice(from, to);
    keys[i] = numberKeys?.[i] === 1 ? Number(text) : text;
    from = to;
  }
  return keys;
}

/** A window holds records (unset only when its first `add` threw). */
export const FILLED = 1;
/** Records were added to a window since it last fired. */
export const PENDING = 2;

/** What turns a row back into the keyed store's encoded window. */
export interface WindowRowSettings<TAcc> {
  readonly allowedLateness: number;
  /** The operator's watermark in the checkpoint (which says whether a firing is still due). */
  readonly watermark: number;
  readonly columnar: ColumnarAccumulator<never, TAcc> | undefined;
}

/**
 * The highest timer number of a grid window under the default trigger: the window takes `seq`,
 * its cleanup timer the next, and its firing timer (when that is a separate one still to come)
 * the one after. The columnar store numbers its windows' implied timers by it, as the keyed store
 * numbers the timers it registers, so that either store restores the other's checkpoints.
 */
export function lastTimerSeq(end: number, seq: number, allowedLateness: number, watermark: number): number {
  return allowedLateness === 0 || end - 1 <= watermark ? seq + 1 : seq + 2;
}

/**
 * The timers the keyed store holds for a grid window under the default trigger: the cleanup,
 * and the firing until it has happened (one timer when they coincide).
 */
function implicitTimers(end: number, seq: number, allowedLateness: number, watermark: number): number[] {
  const cleanup = end - 1 + allowedLateness;
  return lastTimerSeq(end, seq, allowedLateness, watermark) === seq + 1
    ? [cleanup, seq + 1, EVENT]
    : [cleanup, seq + 1, EVENT, end - 1, seq + 2, EVENT];
}

/** The accumulator of a row, as `create`/`add` build it. */
export function accumulatorOf<TAcc>(
  columns: Pick<WindowRows, "width" | "values" | "accs">,
  row: number,
  columnar: ColumnarAccumulator<never, TAcc> | undefined,
): TAcc {
  if (columns.width === 0) return columns.accs[row] as TAcc;
  if (columnar === undefined || columnar.width !== columns.width) {
    throw new TypeError(
      `window state holds accumulators of ${columns.width} numbers, which this aggregate ${columnar === undefined ? "has no columnar form for" : `lays out in ${columnar.width}`}: was the aggregate changed?`,
    );
  }
  return columnar.read(columns.values, row * columns.width);
}

/** What {@link replayWindowState} hands over: each window still in the state, once. */
export interface WindowStateVisitor {
  /** Rows `[from, to)` of `rows`: windows `[start, end)`, of keys `rows.keys[from, to)`. */
  rows(group: number, rows: WindowRows, from: number, to: number, start: number, end: number): void;
  /** A window written by the keyed store. */
  slot(group: number, key: Key, slot: EncodedSlot): void;
}

/**
 * Replays key-group snapshots of window state (oldest first per group, as the runtime restores
 * them) in either store's format, visiting every window that survives the chain: a full snapshot
 * replaces its group; a delta in columns removes its `cleared` windows and then replaces the
 * windows of its rows; a delta in entries replaces the listed keys' windows and removes the
 * deleted keys'. It walks each chain newest first, so every window is visited once and nothing is
 * copied: the common chain, one full snapshot per group, costs a pass over its rows.
 *
 * Visits are grouped by key group and are in no particular order within one.
 */
export function replayWindowState(snapshots: Iterable<WindowGroupSnapshot>, visit: WindowStateVisitor): void {
  const chains = new Map<number, WindowGroupSnapshot[]>();
  for (const s of snapshots) {
    const chain = chains.get(s.group);
    if (chain === undefined || s.mode === "full") chains.set(s.group, [s]);
    else chain.push(s);
  }
  for (const [group, chain] of chains) replayChain(group, chain, visit);
}

/** What newer snapshots of a key group replaced: window starts, keys, and windows of keys. */
interface Replaced {
  readonly starts: Set<number>;
  readonly keys: Set<Key>;
  readonly windows: Map<Key, Set<number>>;
}

function replaced(newer: Replaced, key: Key, start: number): boolean {
  return newer.starts.has(start) || newer.keys.has(key) || newer.windows.get(key)?.has(start) === true;
}

function replayChain(group: number, chain: WindowGroupSnapshot[], visit: WindowStateVisitor): void {
  // What newer snapshots of the group removed or replaced: older windows matching it are gone.
  const newer: Replaced = { starts: new Set(), keys: new Set(), windows: new Map() };
  for (let j = chain.length - 1; j >= 0; j--) {
    const snapshot = chain[j]!;
    const oldest = j === 0;
    if (snapshot.columns !== undefined) {
      const columns = snapshot.columns;
      const { runs } = columns;
      const keys = decodeKeys(columns);
      const { seqs, flags, width, values, accs } = columns;
      const rows: WindowRows = { keys, seqs, flags, width, values, accs };
      const filtering = newer.starts.size > 0 || newer.keys.size > 0 || newer.windows.size > 0;
      let row = 0;
      for (let r = 0; r < runs.length; r += 3) {
        const start = runs[r]!;
        const end = runs[r + 1]!;
        const to = row + runs[r + 2]!;
        if (!filtering) {
          if (row < to) visit.rows(group, rows, row, to, start, end);
          row = to;
          continue;
        }
        // Rows newer snapshots replaced are few: the others are handed over in stretches.
        let from = row;
        for (; row < to; row++) {
          if (!replaced(newer, keys[row]!, start)) continue;
          if (from < row) visit.rows(group, rows, from, row, start, end);
          from = row + 1;
        }
        if (from < to) visit.rows(group, rows, from, to, start, end);
      }
      if (oldest) continue;
      row = 0;
      for (let r = 0; r < runs.length; r += 3) {
        const start = runs[r]!;
        const to = row + runs[r + 2]!;
        for (; row < to; row++) {
          const key = keys[row]!;
          let starts = newer.windows.get(key);
          if (starts === undefined) {
            starts = new Set();
            newer.windows.set(key, starts);
          }
          starts.add(start);
        }
      }
      for (const start of columns.cleared) newer.starts.add(start);
    } else {
      for (const [key, data] of snapshot.entries) {
        for (const slot of data as EncodedSlot[]) {
          if (!replaced(newer, key, slot.start)) visit.slot(group, key, slot);
        }
      }
      if (oldest) continue;
      for (const [key] of snapshot.entries) newer.keys.add(key);
      for (const key of snapshot.deleted) newer.keys.add(key);
    }
  }
}

/**
 * Window state in either store's format, of any version ({@link decodeWindowGroup}), as the keyed
 * store holds it: per key group, one full snapshot whose entries list each key's windows in creation
 * order, timers spelled out.
 */
export function keyedWindowState<TAcc>(
  snapshots: Iterable<KeyGroupSnapshot | OpaqueKeyGroupSnapshot>,
  settings: WindowRowSettings<TAcc>,
): KeyGroupSnapshot[] {
  const { allowedLateness, watermark, columnar } = settings;
  const groups = new Map<number, Map<Key, EncodedSlot[]>>();
  const windowsOf = (group: number, key: Key): EncodedSlot[] => {
    let keys = groups.get(group);
    if (keys === undefined) {
      keys = new Map();
      groups.set(group, keys);
    }
    let windows = keys.get(key);
    if (windows === undefined) {
      windows = [];
      keys.set(key, windows);
    }
    return windows;
  };
  replayWindowState(decodeWindowGroups(snapshots), {
    rows(group, rows, from, to, start, end) {
      for (let row = from; row < to; row++) {
        const seq = rows.seqs[row]!;
        const flags = rows.flags[row]!;
        const filled = (flags & FILLED) !== 0;
        windowsOf(group, rows.keys[row]!).push({
          start,
          end,
          seq,
          // A window without records has no accumulator (its columns hold only `init`'s numbers).
          acc: filled ? accumulatorOf(rows, row, columnar) : undefined,
          filled,
          pending: (flags & PENDING) !== 0,
          trigger: undefined,
          timers: implicitTimers(end, seq, allowedLateness, watermark),
        });
      }
    },
    slot(group, key, slot) {
      windowsOf(group, key).push(slot);
    },
  });
  const result: KeyGroupSnapshot[] = [];
  for (const [group, keys] of groups) {
    const entries: [Key, unknown][] = [];
    for (const [key, windows] of keys) {
      windows.sort((a, b) => a.seq - b.seq);
      entries.push([key, windows]);
    }
    result.push({ group, mode: "full", entries, deleted: [] });
  }
  return result;
}
