import type { ColumnarAccumulator } from "../aggregates/columnar.ts";
import type { Key } from "../state/key-group.ts";
import type { KeyGroupSnapshot } from "../state/keyed-heap.ts";
import type { KeyRegistry } from "./key-registry.ts";
import { seqOrder } from "./seq-order.ts";
import type { WindowBucket } from "./window-bucket.ts";
import {
  accumulatorOf,
  FILLED,
  lastTimerSeq,
  PENDING,
  replayWindowState,
  type WindowColumns,
} from "./window-columns.ts";

/** Where {@link restoreBuckets} puts what it reads. */
export interface BucketRestoreTarget<TKey extends Key, TWindow, TAcc> {
  readonly registry: KeyRegistry<TKey>;
  readonly keyGroups: number;
  /** The aggregate's columnar form, if it has one (the buckets' `width` is then its width). */
  readonly columnar: ColumnarAccumulator<never, TAcc> | undefined;
  readonly allowedLateness: number;
  /** The restored watermark. */
  readonly watermark: number;
  /** Opens the bucket `[start, end)` with room for `rows`. */
  openBucket(start: number, end: number, rows: number): WindowBucket<TWindow, TAcc>;
}

/**
 * The windows read back for one bucket, in the order they were read: the bucket's columns, filled
 * as each row is read (its key registered then), to be put in creation order at the end.
 */
interface Staged {
  readonly start: number;
  readonly end: number;
  size: number;
  readonly ids: Int32Array;
  readonly seqs: Float64Array;
  readonly flags: Uint8Array;
  readonly values: Float64Array;
  readonly accs: unknown[];
  /** Key groups with rows here. */
  readonly written: Uint8Array;
}

/**
 * Rebuilds the event-time buckets from key-group snapshots in either path's format: every window
 * that survives the chains (see {@link replayWindowState}) goes into its bucket, each bucket's
 * windows in creation order, with room made once; keys are registered with the group they were
 * read from (see {@link KeyRegistry.restore}). Each row is read once, in the order the snapshots
 * hold them (key registered, numbers copied), and each bucket is then filled in `seq` order from
 * those compact columns. Returns the highest window or timer number restored (-1 for none), after
 * which numbering continues.
 */
export function restoreBuckets<TKey extends Key, TWindow, TAcc>(
  snapshots: readonly KeyGroupSnapshot[],
  target: BucketRestoreTarget<TKey, TWindow, TAcc>,
): number {
  const { registry, allowedLateness, watermark, columnar, keyGroups } = target;
  const width = columnar?.width ?? 0;
  const staged = new Map<number, Staged>();
  const capacity = rowsPerStart(snapshots);
  let rows = 0;
  for (const n of capacity.values()) rows += n;
  registry.reserve(rows);
  // With one bucket and no keys before, no key can be read twice: no look-up before registering.
  const keysAreNew = registry.size === 0 && capacity.size === 1;
  const stage = (start: number, end: number): Staged => {
    let s = staged.get(start);
    if (s === undefined) {
      const n = capacity.get(start)!;
      s = {
        start,
        end,
        size: 0,
        ids: new Int32Array(n),
        seqs: new Float64Array(n),
        flags: new Uint8Array(n),
        values: new Float64Array(n * width),
        accs: width === 0 ? new Array(n) : [],
        written: new Uint8Array(keyGroups),
      };
      staged.set(start, s);
    }
    return s;
  };
  let maxSeq = -1;
  let last: Staged | undefined;
  /** Stages a window; returns its index in its bucket's staged columns. */
  const push = (key: Key, group: number, start: number, end: number, seq: number, flags: number): number => {
    if (last?.start !== start) last = stage(start, end);
    const at = last.size++;
    const id = registry.restore(key as TKey, group, keysAreNew);
    registry.retain(id);
    last.ids[at] = id;
    last.seqs[at] = seq;
    last.flags[at] = flags & (FILLED | PENDING);
    last.written[group] = 1;
    return at;
  };
  replayWindowState(snapshots, {
    row(group, from, r, start, end) {
      const seq = from.seqs[r]!;
      const flags = from.flags[r]!;
      const at = push(from.keys[r]!, group, start, end, seq, flags);
      maxSeq = Math.max(maxSeq, lastTimerSeq(end, seq, allowedLateness, watermark));
      if (width > 0 && from.width === width) {
        const values = from.values;
        const into = last!.values;
        for (let v = 0; v < width; v++) into[at * width + v] = values[r * width + v]!;
      } else if ((flags & FILLED) === 0) {
        // A window without records: `add` initialises its accumulator.
      } else if (width > 0) {
        columnar!.write(last!.values, at * width, accumulatorOf(from, r, columnar));
      } else {
        last!.accs[at] = accumulatorOf(from, r, columnar);
      }
    },
    slot(group, key, slot) {
      // Only the generic path writes slots, and only windows of this path's kind (grid, default
      // trigger): their timers are the implied ones, of which only the numbers matter.
      const flags = (slot.filled ? FILLED : 0) | (slot.pending ? PENDING : 0);
      const at = push(key, group, slot.start, slot.end, slot.seq, flags);
      maxSeq = Math.max(maxSeq, slot.seq);
      for (let t = 1; t < slot.timers.length; t += 3) maxSeq = Math.max(maxSeq, slot.timers[t]!);
      if (!slot.filled) return;
      if (width > 0) columnar!.write(last!.values, at * width, slot.acc as TAcc);
      else last!.accs[at] = slot.acc;
    },
  });
  for (const s of staged.values()) fill(s, target, width);
  return maxSeq;
}

/** Opens `staged`'s bucket and appends its windows in creation order. */
function fill<TKey extends Key, TWindow, TAcc>(
  staged: Staged,
  target: BucketRestoreTarget<TKey, TWindow, TAcc>,
  width: number,
): void {
  const bucket = target.openBucket(staged.start, staged.end, staged.size);
  bucket.written = staged.written;
  const { ids, seqs, flags, values, accs } = staged;
  const order = seqOrder(seqs, staged.size);
  // Opened with room for every row: appending never grows (and so never replaces) its arrays.
  const into = bucket.values;
  for (let i = 0; i < staged.size; i++) {
    const k = order === undefined ? i : order[i]!;
    const row = bucket.append(ids[k]!, seqs[k]!, flags[k]!);
    if (width > 0) {
      for (let v = 0; v < width; v++) into[row * width + v] = values[k * width + v]!;
    } else {
      bucket.accs[row] = accs[k] as TAcc;
    }
  }
}

/** An upper bound of the windows per start in `snapshots` (before later ones replace any). */
function rowsPerStart(snapshots: readonly KeyGroupSnapshot[]): Map<number, number> {
  const counts = new Map<number, number>();
  const add = (start: number, n: number) => counts.set(start, (counts.get(start) ?? 0) + n);
  for (const s of snapshots) {
    if (s.columns !== undefined) {
      const { runs } = s.columns as WindowColumns;
      for (let r = 0; r < runs.length; r += 3) add(runs[r]!, runs[r + 2]!);
    } else {
      for (const [, windows] of s.entries) for (const w of windows as { start: number }[]) add(w.start, 1);
    }
  }
  return counts;
}
