import type { ColumnarAccumulator } from "../aggregates/columnar.ts";
import type { Key } from "../state/key-group.ts";
import type { KeyRegistry } from "./key-registry.ts";
import { seqOrder } from "./seq-order.ts";
import type { WindowBucket } from "./window-bucket.ts";
import {
  accumulatorOf,
  FILLED,
  lastTimerSeq,
  PENDING,
  replayWindowState,
  type WindowRows,
} from "./window-columns.ts";
import type { WindowGroupSnapshot } from "./window-snapshot.ts";

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
 * Rebuilds the columnar store's buckets from key-group snapshots in either store's format: every window
 * that survives the chains (see {@link replayWindowState}) goes into its bucket, each bucket's
 * windows in creation order, with room made once; keys are registered with the group they were
 * read from (see {@link KeyRegistry.restore}). Each row is read once, in the order the snapshots
 * hold them (key registered, numbers copied), and each bucket is then filled in `seq` order from
 * those compact columns. Returns the highest window or timer number restored (-1 for none), after
 * which numbering continues.
 */
export function restoreBuckets<TKey extends Key, TWindow, TAcc>(
  snapshots: readonly WindowGroupSnapshot[],
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
  let last: Staged | undefined;
  const stage = (start: number, end: number): Staged => {
    if (last?.start === start) return last;
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
    last = s;
    return s;
  };
  let maxSeq = -1;
  replayWindowState(snapshots, {
    rows(group, from, first, to, start, end) {
      const into = stage(start, end);
      if (width > 0 && from.width === width) {
        stageRows(into, registry, from, first, to, group, keysAreNew);
      } else {
        for (let r = first; r < to; r++) {
          const flags = from.flags[r]!;
          const at = stageRow(into, registry, from.keys[r]!, group, from.seqs[r]!, flags, keysAreNew);
          if ((flags & FILLED) === 0) continue; // no records: `add` initialises its accumulator
          if (width > 0) columnar!.write(into.values, at * width, accumulatorOf(from, r, columnar));
          else into.accs[at] = accumulatorOf(from, r, columnar);
        }
      }
      // A window's last timer number grows with its own: the run's highest window has it.
      let highest = -1;
      for (let r = first; r < to; r++) highest = Math.max(highest, from.seqs[r]!);
      maxSeq = Math.max(maxSeq, lastTimerSeq(end, highest, allowedLateness, watermark));
    },
    slot(group, key, slot) {
      // Only the keyed store writes slots, and only windows of this store's kind (grid, default
      // trigger): their timers are the implied ones, of which only the numbers matter.
      const into = stage(slot.start, slot.end);
      const flags = (slot.filled ? FILLED : 0) | (slot.pending ? PENDING : 0);
      const at = stageRow(into, registry, key, group, slot.seq, flags, keysAreNew);
      maxSeq = Math.max(maxSeq, slot.seq);
      for (let t = 1; t < slot.timers.length; t += 3) maxSeq = Math.max(maxSeq, slot.timers[t]!);
      if (!slot.filled) return;
      if (width > 0) columnar!.write(into.values, at * width, slot.acc as TAcc);
      else into.accs[at] = slot.acc;
    },
  });
  for (const s of staged.values()) fill(s, target, width);
  return maxSeq;
}

/** Stages one window (accumulator aside); returns its index in `into`. */
function stageRow<TKey extends Key>(
  into: Staged,
  registry: KeyRegistry<TKey>,
  key: Key,
  group: number,
  seq: number,
  flags: number,
  keysAreNew: boolean,
): number {
  const at = into.size++;
  const id = registry.restore(key as TKey, group, keysAreNew);
  registry.retain(id);
  into.ids[at] = id;
  into.seqs[at] = seq;
  into.flags[at] = flags & (FILLED | PENDING);
  into.written[group] = 1;
  return at;
}

/**
 * Stages rows `[first, to)` of `from`, whose accumulators are numbers laid out as the bucket's:
 * the common case, a loop of its own (a million rows a restore) that only copies.
 */
function stageRows<TKey extends Key>(
  into: Staged,
  registry: KeyRegistry<TKey>,
  from: WindowRows,
  first: number,
  to: number,
  group: number,
  keysAreNew: boolean,
): void {
  const { keys, seqs, flags, values, width } = from;
  const { ids, seqs: intoSeqs, flags: intoFlags, values: intoValues } = into;
  let at = into.size;
  for (let r = first; r < to; r++, at++) {
    const id = registry.restore(keys[r] as TKey, group, keysAreNew);
    registry.retain(id);
    ids[at] = id;
    intoSeqs[at] = seqs[r]!;
    intoFlags[at] = flags[r]! & (FILLED | PENDING);
  }
  intoValues.set(values.subarray(first * width, to * width), into.size * width);
  into.size = at;
  if (to > first) into.written[group] = 1;
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
function rowsPerStart(snapshots: readonly WindowGroupSnapshot[]): Map<number, number> {
  const counts = new Map<number, number>();
  const add = (start: number, n: number) => counts.set(start, (counts.get(start) ?? 0) + n);
  for (const s of snapshots) {
    if (s.columns !== undefined) {
      const { runs } = s.columns;
      for (let r = 0; r < runs.length; r += 3) add(runs[r]!, runs[r + 2]!);
    } else {
      for (const [, windows] of s.entries) for (const w of windows as { start: number }[]) add(w.start, 1);
    }
  }
  return counts;
}
