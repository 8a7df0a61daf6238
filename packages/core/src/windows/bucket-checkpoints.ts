import type { Key } from "../state/key-group.ts";
import { MAX_DELTAS_PER_GROUP } from "../state/keyed-heap.ts";
import type { KeyRegistry } from "./key-registry.ts";
import type { WindowBucket } from "./window-bucket.ts";
import { encodeKeys, FILLED, PENDING, type WindowColumns } from "./window-columns.ts";
import type { WindowGroupSnapshot } from "./window-snapshot.ts";

/** A window changed since the last snapshot: the next one must write its row. */
export const CHANGED = 4;

/** What a snapshot writes of a key group. */
const SKIP = 0;
const DELTA = 1;
const FULL = 2;

/** A group's columns as a snapshot fills them; its keys are joined into one string at the end. */
type GroupColumns = Omit<WindowColumns, "keyText" | "keyEnds" | "numberKeys"> & { readonly keys: Key[] };

// The passes over a bucket's rows are functions of their own, not closures of the snapshot: each
// runs a loop over up to millions of rows a few times a minute, and only code that stays
// optimised from one checkpoint to the next (no closure of a previous call inlined, type feedback
// from every branch) keeps it to milliseconds.

/** Whether a row of a group in `mode` goes into the snapshot. */
function selected(mode: number, flags: number): boolean {
  return mode === FULL || (mode === DELTA && (flags & CHANGED) !== 0);
}

/** Marks the groups that have changed rows in `bucket` for a delta. */
function markChangedGroups<TKey extends Key>(
  bucket: WindowBucket<unknown, unknown>,
  registry: KeyRegistry<TKey>,
  mode: Uint8Array,
): void {
  const { ids, changed } = bucket;
  for (let i = 0; i < changed.length; i++) mode[registry.groupOf(ids[changed[i]!]!)] = DELTA;
}

/** Counts per group the rows of `bucket` the snapshot takes. */
function countRows<TKey extends Key>(
  bucket: WindowBucket<unknown, unknown>,
  registry: KeyRegistry<TKey>,
  mode: Uint8Array,
  anyFull: boolean,
  counts: Int32Array,
): void {
  const { ids, flags, changed } = bucket;
  counts.fill(0);
  // Without a group written whole only changed rows matter: the bucket lists them.
  const n = anyFull ? bucket.size : changed.length;
  for (let i = 0; i < n; i++) {
    const r = anyFull ? i : changed[i]!;
    const g = registry.groupOf(ids[r]!);
    if (selected(mode[g]!, flags[r]!)) counts[g]!++;
  }
}

/** Copies the rows of `bucket` the snapshot takes into their groups' columns; clears the change flags. */
function copyRows<TKey extends Key, TAcc>(
  bucket: WindowBucket<unknown, TAcc>,
  registry: KeyRegistry<TKey>,
  mode: Uint8Array,
  anyFull: boolean,
  columns: GroupColumns[],
  cursor: Int32Array,
): void {
  const { ids, seqs, flags, values, accs, changed, width } = bucket;
  const written = bucket.written!;
  const keys = registry.keys;
  const n = anyFull ? bucket.size : changed.length;
  for (let i = 0; i < n; i++) {
    const r = anyFull ? i : changed[i]!;
    const f = flags[r]!;
    flags[r] = f & ~CHANGED;
    const id = ids[r]!;
    const g = registry.groupOf(id);
    if (!selected(mode[g]!, f)) continue;
    const c = columns[g]!;
    const at = cursor[g]!++;
    c.keys[at] = keys[id]!;
    c.seqs[at] = seqs[r]!;
    c.flags[at] = f & (FILLED | PENDING);
    if (width === 0) c.accs[at] = accs[r];
    else for (let k = 0; k < width; k++) c.values[at * width + k] = values[r * width + k]!;
    written[g] = 1;
  }
}

/**
 * Incremental checkpoints of the event-time buckets, in {@link WindowColumns}: per key group a
 * full snapshot (every window of the group) or a delta (the windows changed since the group's
 * last snapshot, and the starts of buckets removed since, one number each however many keys they
 * held). Changes are flags on the rows and a list of removed buckets, so keeping track costs the
 * record path one bit.
 *
 * As the heap backend does, a group is written whole again after {@link MAX_DELTAS_PER_GROUP}
 * deltas, which bounds the chain a restore replays.
 */
export class BucketCheckpoints {
  readonly #keyGroups: number;
  readonly #deltasSinceFull: Uint16Array;
  /** Groups to write whole at the next snapshot, changed or not. */
  readonly #rewrite: Uint8Array;
  /** Buckets removed since the last snapshot that stored state holds rows of. */
  #removed: { start: number; written: Uint8Array }[] = [];

  constructor(keyGroups: number) {
    this.#keyGroups = keyGroups;
    this.#deltasSinceFull = new Uint16Array(keyGroups);
    this.#rewrite = new Uint8Array(keyGroups);
  }

  /** `bucket` is gone with all its windows. */
  removed(bucket: WindowBucket<unknown, unknown>): void {
    if (bucket.written !== undefined) this.#removed.push({ start: bucket.start, written: bucket.written });
  }

  /** Windows left a bucket that stays: the next snapshot writes every group whole. */
  rewriteAll(): void {
    this.#rewrite.fill(1);
  }

  /**
   * State was restored from `snapshots`: deltas continue their chains. A group whose chain holds
   * the keyed store's format is written whole at the next snapshot, so formats do not stay mixed.
   */
  restored(snapshots: Iterable<WindowGroupSnapshot>): void {
    this.#deltasSinceFull.fill(0);
    this.#rewrite.fill(0);
    this.#removed = [];
    for (const s of snapshots) {
      const g = s.group;
      this.#deltasSinceFull[g] = s.mode === "full" ? 0 : this.#deltasSinceFull[g]! + 1;
      if (s.columns === undefined && (s.entries.length > 0 || s.deleted.length > 0)) this.#rewrite[g] = 1;
    }
  }

  /**
   * The key groups to write: every group when `full`, else those with changes. Clears the change
   * flags. The columns share nothing with the buckets, but accumulator objects (of an aggregate
   * without a columnar form) are the live ones: serialize at once, as the runtime does.
   */
  snapshot<TKey extends Key, TWindow, TAcc>(
    full: boolean,
    buckets: readonly WindowBucket<TWindow, TAcc>[],
    registry: KeyRegistry<TKey>,
    width: number,
  ): WindowGroupSnapshot[] {
    const groups = this.#keyGroups;
    const mode = new Uint8Array(groups);
    if (full) {
      mode.fill(FULL);
    } else {
      for (const { written } of this.#removed)
        for (let g = 0; g < groups; g++) if (written[g]) mode[g] = DELTA;
      for (const bucket of buckets) markChangedGroups(bucket, registry, mode);
      for (let g = 0; g < groups; g++) {
        if (this.#rewrite[g] || (mode[g] === DELTA && this.#deltasSinceFull[g]! >= MAX_DELTAS_PER_GROUP)) {
          mode[g] = FULL;
        }
      }
    }
    const anyFull = mode.includes(FULL);

    // Rows per group, in runs of one bucket each.
    const rows = new Int32Array(groups);
    const runs: number[][] = Array.from({ length: groups }, () => []);
    const inBucket = new Int32Array(groups);
    for (const bucket of buckets) {
      countRows(bucket, registry, mode, anyFull, inBucket);
      for (let g = 0; g < groups; g++) {
        const count = inBucket[g]!;
        if (count === 0) continue;
        runs[g]!.push(bucket.start, bucket.end, count);
        rows[g]! += count;
      }
    }

    const columns: GroupColumns[] = new Array(groups);
    for (let g = 0; g < groups; g++) {
      if (mode[g] === SKIP) continue;
      const n = rows[g]!;
      columns[g] = {
        cleared: [],
        runs: runs[g]!,
        keys: new Array(n),
        seqs: new Float64Array(n),
        flags: new Uint8Array(n),
        width,
        values: new Float64Array(n * width),
        accs: width === 0 ? new Array(n) : [],
      };
    }
    for (const { start, written } of this.#removed) {
      for (let g = 0; g < groups; g++) if (written[g] && mode[g] === DELTA) columns[g]!.cleared.push(start);
    }

    const cursor = new Int32Array(groups);
    for (const bucket of buckets) {
      if (bucket.written === undefined) bucket.written = new Uint8Array(groups);
      // A group written whole holds exactly the rows it gets now.
      if (anyFull) for (let g = 0; g < groups; g++) if (mode[g] === FULL) bucket.written[g] = 0;
      copyRows(bucket, registry, mode, anyFull, columns, cursor);
      bucket.changed.length = 0;
    }

    const snapshots: WindowGroupSnapshot[] = [];
    for (let g = 0; g < groups; g++) {
      if (mode[g] === SKIP) continue;
      const { keys: groupKeys, ...rest } = columns[g]!;
      const written: WindowColumns = { ...rest, ...encodeKeys(groupKeys) };
      snapshots.push({
        group: g,
        mode: mode[g] === FULL ? "full" : "delta",
        entries: [],
        deleted: [],
        columns: written,
      });
      this.#deltasSinceFull[g] = mode[g] === FULL ? 0 : this.#deltasSinceFull[g]! + 1;
    }
    this.#rewrite.fill(0);
    this.#removed = [];
    return snapshots;
  }
}
