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
  type WindowRows,
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

/** The windows read back for one bucket, in the order they were read. */
interface Staged {
  readonly start: number;
  readonly end: number;
  size: number;
  /** Where each window's row is: a source (index into the sources) and a row of it. */
  readonly sources: Int32Array;
  readonly rows: Int32Array;
  readonly seqs: Float64Array;
  readonly groups: Int32Array;
}

/**
 * Rebuilds the event-time buckets from key-group snapshots in either path's format: every window
 * that survives the chains (see {@link replayWindowState}) goes into its bucket, each bucket's
 * windows in creation order, with room made once; keys are registered with the group they were
 * read from. Windows are staged per bucket first and appended in `seq` order, so a restore reads
 * each row once and never moves it. Returns the highest window or timer number restored (-1 for
 * none), after which numbering continues.
 */
export function restoreBuckets<TKey extends Key, TWindow, TAcc>(
  snapshots: readonly KeyGroupSnapshot[],
  target: BucketRestoreTarget<TKey, TWindow, TAcc>,
): number {
  const { registry, allowedLateness, watermark } = target;
  const staged = new Map<number, Staged>();
  const capacity = rowsPerStart(snapshots);
  const stage = (start: number, end: number): Staged => {
    let s = staged.get(start);
    if (s === undefined) {
      const n = capacity.get(start)!;
      s = {
        start,
        end,
        size: 0,
        sources: new Int32Array(n),
        rows: new Int32Array(n),
        seqs: new Float64Array(n),
        groups: new Int32Array(n),
      };
      staged.set(start, s);
    }
    return s;
  };
  /** Blocks of rows read, and the generic path's windows gathered into blocks of their own. */
  const sources: WindowRows[] = [];
  let lastRows: WindowRows | undefined;
  /** The generic path's windows, as rows of a source of their own. */
  let slots: { keys: Key[]; seqs: number[]; flags: number[]; accs: unknown[]; source: number } | undefined;
  let maxSeq = -1;
  let last: Staged | undefined;
  const push = (source: number, row: number, start: number, end: number, seq: number, group: number) => {
    if (last?.start !== start) last = stage(start, end);
    const at = last.size++;
    last.sources[at] = source;
    last.rows[at] = row;
    last.seqs[at] = seq;
    last.groups[at] = group;
  };
  replayWindowState(snapshots, {
    row(group, rows, row, start, end) {
      if (rows !== lastRows) {
        lastRows = rows;
        sources.push(rows);
      }
      const seq = rows.seqs[row]!;
      push(sources.length - 1, row, start, end, seq, group);
      maxSeq = Math.max(maxSeq, lastTimerSeq(end, seq, allowedLateness, watermark));
    },
    slot(group, key, slot) {
      if (slots === undefined) {
        // Only the generic path writes slots, and only windows of this path's kind (grid, default
        // trigger): their timers are the implied ones, of which only the numbers matter.
        slots = { keys: [], seqs: [], flags: [], accs: [], source: sources.length };
        const { keys, seqs, flags, accs } = slots;
        sources.push({ keys, seqs, flags, width: 0, values: new Float64Array(0), accs });
        lastRows = undefined;
      }
      slots.keys.push(key);
      slots.seqs.push(slot.seq);
      slots.flags.push((slot.filled ? FILLED : 0) | (slot.pending ? PENDING : 0));
      slots.accs.push(slot.acc);
      push(slots.source, slots.keys.length - 1, slot.start, slot.end, slot.seq, group);
      maxSeq = Math.max(maxSeq, slot.seq);
      for (let t = 1; t < slot.timers.length; t += 3) maxSeq = Math.max(maxSeq, slot.timers[t]!);
    },
  });

  // The largest bucket first: while the registry is empty its keys need no lookup (a bucket holds
  // a key once).
  const buckets = [...staged.values()].sort((a, b) => b.size - a.size);
  let rows = 0;
  for (const s of buckets) rows += s.size;
  registry.reserve(rows);
  for (const [i, s] of buckets.entries()) {
    append(s, target, sources, i === 0 && registry.size === 0);
  }
  return maxSeq;
}

function append<TKey extends Key, TWindow, TAcc>(
  staged: Staged,
  target: BucketRestoreTarget<TKey, TWindow, TAcc>,
  sources: readonly WindowRows[],
  keysAreNew: boolean,
): void {
  const { registry, columnar, keyGroups } = target;
  const bucket = target.openBucket(staged.start, staged.end, staged.size);
  const width = bucket.width;
  const written = new Uint8Array(keyGroups);
  bucket.written = written;
  const order = seqOrder(staged.seqs, staged.size);
  for (let i = 0; i < staged.size; i++) {
    const k = order === undefined ? i : order[i]!;
    const from = sources[staged.sources[k]!]!;
    const r = staged.rows[k]!;
    const group = staged.groups[k]!;
    const key = from.keys[r] as TKey;
    const id = (keysAreNew ? undefined : registry.ids.get(key)) ?? registry.register(key, group);
    const flags = from.flags[r]!;
    const row = bucket.append(id, staged.seqs[k]!, flags & (FILLED | PENDING));
    registry.retain(id);
    written[group] = 1;
    if (width > 0 && from.width === width) {
      const values = from.values;
      for (let v = 0; v < width; v++) bucket.values[row * width + v] = values[r * width + v]!;
    } else if ((flags & FILLED) === 0) {
      // A window without records: `add` initialises its accumulator.
      if (width === 0) bucket.accs[row] = undefined;
    } else if (width > 0) {
      columnar!.write(bucket.values, row * width, accumulatorOf(from, r, columnar));
    } else {
      bucket.accs[row] = accumulatorOf(from, r, columnar);
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
