import { type Key, keyGroupOf } from "./key-group.ts";

/**
 * One key's state, as held on the heap. `group` is computed once, when the key is first seen.
 *
 * @example
 * const heap = new KeyedHeap<string, number>(DEFAULT_KEY_GROUPS);
 * const entry: KeyEntry<string, number> = heap.getOrCreate("EURUSD", () => 0);
 * entry.state += 1;
 * heap.touch(entry);
 */
export interface KeyEntry<TKey extends Key, TState> {
  /** The key. */
  readonly key: TKey;
  /** Its key group ({@link keyGroupOf}). */
  readonly group: number;
  /** The key's state; call {@link KeyedHeap.touch} after changing it. */
  state: TState;
  /** @internal changed since the last snapshot */
  dirty: boolean;
  /** @internal removed from the heap */
  removed: boolean;
}

/**
 * Keyed state of one key group at a checkpoint, as {@link KeyedHeap} writes it. A `full` snapshot
 * replaces the group; a `delta` upserts `entries` and removes `deleted` on top of the group's
 * previous snapshots.
 *
 * @example
 * const heap = new KeyedHeap<string, number>(4);
 * heap.getOrCreate("a", () => 1);
 * const snapshots: KeyGroupSnapshot[] = heap.snapshot(false, (state) => state);
 * // [{ group: <group of "a">, mode: "full", entries: [["a", 1]], deleted: [] }]
 */
export interface KeyGroupSnapshot {
  /** The key group. */
  readonly group: number;
  /** `full` replaces the group; `delta` applies on top of the group's earlier snapshots. */
  readonly mode: "full" | "delta";
  /** Keys and their encoded state: all of the group's (`full`) or those changed (`delta`). */
  readonly entries: Array<[Key, unknown]>;
  /** Keys removed since the previous snapshot (`delta` only). */
  readonly deleted: Key[];
}

/**
 * Keyed state of one key group at a checkpoint in a form its operator defines, encodes and reads
 * back itself (Flink's raw keyed state): plain data that the runtime serializes with the job's
 * serde and hands back unread. The operator puts a version number inside `encoded`, so that a
 * later version of it can still read what an earlier one wrote. `mode` means what it means for a
 * {@link KeyGroupSnapshot}: the runtime keeps the group's chain by it.
 *
 * @example
 * // An operator keeping its own counts per key group in a typed array.
 * const snapshot: OpaqueKeyGroupSnapshot = {
 *   group: 3,
 *   mode: "full",
 *   encoded: { version: 1, counts: new Float64Array([1, 2, 3]) },
 * };
 */
export interface OpaqueKeyGroupSnapshot {
  /** The key group. */
  readonly group: number;
  /** `full` replaces the group; `delta` applies on top of the group's earlier snapshots. */
  readonly mode: "full" | "delta";
  /** The group's state (or its changes), versioned, in a form only the operator that wrote it reads. */
  readonly encoded: unknown;
}

/** Fields a {@link KeyGroupSnapshot} has; a group with others was written in another operator's form. */
const KEY_GROUP_SNAPSHOT_FIELDS: ReadonlySet<string> = new Set(["group", "mode", "entries", "deleted"]);

/** After this many deltas in a row a key group is written whole again, which bounds restore work. */
export const MAX_DELTAS_PER_GROUP = 8;

/**
 * Keyed state on the heap, like Flink's heap state backend: a Map from key to entry, with
 * synchronous access on the record path. It tracks which entries changed, so that a checkpoint
 * writes only those (as per-key-group deltas) and restore replays the chain.
 *
 * On the record path the cost is one Map lookup plus {@link KeyedHeap.touch}, a flag test.
 *
 * @example
 * // Inside a custom operator: counts per key, checkpointed incrementally.
 * const heap = new KeyedHeap<string, number>(DEFAULT_KEY_GROUPS);
 * const entry = heap.getOrCreate("EURUSD", () => 0);
 * entry.state++;
 * heap.touch(entry);
 * const delta = heap.snapshot(false, (n) => n); // only the groups changed since the last snapshot
 * const restored = new KeyedHeap<string, number>(DEFAULT_KEY_GROUPS);
 * restored.restore(delta, (data) => data as number);
 */
export class KeyedHeap<TKey extends Key, TState> {
  readonly #entries = new Map<TKey, KeyEntry<TKey, TState>>();
  #changed: KeyEntry<TKey, TState>[] = [];
  #deleted = new Map<number, TKey[]>();
  #deletedCount = 0;
  readonly #deltasSinceFull: Uint16Array;
  /**
   * Set when the change lists outgrew the heap (a job that never checkpoints, or a long gap):
   * they are dropped and the next snapshot writes every group whole, so memory stays bounded.
   */
  #everythingChanged = false;

  /** @param keyGroups the job's number of key groups */
  constructor(readonly keyGroups: number) {
    this.#deltasSinceFull = new Uint16Array(keyGroups);
  }

  /** Number of keys held. */
  get size(): number {
    return this.#entries.size;
  }

  /** The key's entry, if the key has state. */
  get(key: TKey): KeyEntry<TKey, TState> | undefined {
    return this.#entries.get(key);
  }

  /** The key's entry, created with `init()` (and marked changed) if the key is new. */
  getOrCreate(key: TKey, init: () => TState): KeyEntry<TKey, TState> {
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { key, group: keyGroupOf(key, this.keyGroups), state: init(), dirty: false, removed: false };
      this.#entries.set(key, entry);
      this.touch(entry);
    }
    return entry;
  }

  /** Marks an entry changed: the next checkpoint writes it. Call after every change to `state`. */
  touch(entry: KeyEntry<TKey, TState>): void {
    if (!entry.dirty) {
      entry.dirty = true;
      if (this.#everythingChanged) return;
      this.#changed.push(entry);
      if (this.#changed.length > this.#changeLimit()) this.#forgetChanges();
    }
  }

  /** Removes a key and all its state. */
  remove(entry: KeyEntry<TKey, TState>): void {
    if (entry.removed) return;
    entry.removed = true;
    this.#entries.delete(entry.key);
    if (this.#everythingChanged) return;
    let deleted = this.#deleted.get(entry.group);
    if (!deleted) {
      deleted = [];
      this.#deleted.set(entry.group, deleted);
    }
    deleted.push(entry.key);
    this.#deletedCount++;
    if (this.#deletedCount > this.#changeLimit()) this.#forgetChanges();
  }

  /** More changes than this since the last snapshot and a full one is cheaper to keep track of. */
  #changeLimit(): number {
    return 2 * this.#entries.size + 1_024;
  }

  #forgetChanges(): void {
    this.#everythingChanged = true;
    this.#changed = [];
    this.#deleted = new Map();
    this.#deletedCount = 0;
  }

  /** Every key's entry (for timers and end-of-input firing). */
  values(): IterableIterator<KeyEntry<TKey, TState>> {
    return this.#entries.values();
  }

  /**
   * The state to checkpoint, with each key's state turned into plain data by `encode`. The result
   * must be serialized before the state changes again (the runtime does so at once).
   */
  snapshot(full: boolean, encode: (state: TState, key: TKey) => unknown): KeyGroupSnapshot[] {
    if (this.#everythingChanged) {
      this.#everythingChanged = false;
      for (const entry of this.#entries.values()) entry.dirty = false;
      full = true;
    }
    const touchedGroups = new Set<number>();
    for (const entry of this.#changed) if (!entry.removed) touchedGroups.add(entry.group);
    for (const group of this.#deleted.keys()) touchedGroups.add(group);

    const wholeGroups = new Set<number>();
    if (full) {
      for (let g = 0; g < this.keyGroups; g++) wholeGroups.add(g);
    } else {
      for (const g of touchedGroups)
        if (this.#deltasSinceFull[g]! >= MAX_DELTAS_PER_GROUP) wholeGroups.add(g);
    }

    const snapshots = new Map<number, KeyGroupSnapshot>();
    const open = (group: number, mode: "full" | "delta"): KeyGroupSnapshot => {
      let s = snapshots.get(group);
      if (!s) {
        s = { group, mode, entries: [], deleted: mode === "delta" ? (this.#deleted.get(group) ?? []) : [] };
        snapshots.set(group, s);
      }
      return s;
    };
    for (const g of wholeGroups) open(g, "full");
    if (wholeGroups.size > 0) {
      for (const entry of this.#entries.values()) {
        if (wholeGroups.has(entry.group))
          open(entry.group, "full").entries.push([entry.key, encode(entry.state, entry.key)]);
      }
    }
    for (const entry of this.#changed) {
      entry.dirty = false;
      if (entry.removed || wholeGroups.has(entry.group)) continue;
      open(entry.group, "delta").entries.push([entry.key, encode(entry.state, entry.key)]);
    }
    for (const group of this.#deleted.keys()) if (!wholeGroups.has(group)) open(group, "delta");

    for (const s of snapshots.values()) {
      this.#deltasSinceFull[s.group] = s.mode === "full" ? 0 : this.#deltasSinceFull[s.group]! + 1;
    }
    this.#changed = [];
    this.#deleted = new Map();
    this.#deletedCount = 0;
    return [...snapshots.values()].sort((a, b) => a.group - b.group);
  }

  /**
   * Rebuilds state from key-group snapshots given oldest first per group (a full one, then its
   * deltas). Replaces whatever the heap held.
   */
  restore(
    snapshots: Iterable<KeyGroupSnapshot | OpaqueKeyGroupSnapshot>,
    decode: (data: unknown, key: TKey) => TState,
  ): void {
    this.#entries.clear();
    this.#changed = [];
    this.#deleted = new Map();
    this.#deletedCount = 0;
    this.#everythingChanged = false;
    this.#deltasSinceFull.fill(0);
    const byGroup = new Map<number, Map<TKey, unknown>>();
    for (const s of snapshots) {
      if (!isKeyGroupSnapshot(s)) {
        // Another kind of operator wrote this state: restoring it as entries would lose it.
        throw new TypeError(
          `key group ${s.group} holds state in another operator's own form, which only that operator reads`,
        );
      }
      let group = byGroup.get(s.group);
      if (!group || s.mode === "full") {
        group = new Map();
        byGroup.set(s.group, group);
        this.#deltasSinceFull[s.group] = 0;
      } else {
        this.#deltasSinceFull[s.group] = this.#deltasSinceFull[s.group]! + 1;
      }
      for (const key of s.deleted) group.delete(key as TKey);
      for (const [key, data] of s.entries) group.set(key as TKey, data);
    }
    for (const [g, group] of byGroup) {
      for (const [key, data] of group) {
        this.#entries.set(key, { key, group: g, state: decode(data, key), dirty: false, removed: false });
      }
    }
  }
}

/** Whether `snapshot` is in the form {@link KeyedHeap} writes (entries and deleted keys, nothing else). */
function isKeyGroupSnapshot(
  snapshot: KeyGroupSnapshot | OpaqueKeyGroupSnapshot,
): snapshot is KeyGroupSnapshot {
  for (const field of Object.keys(snapshot)) if (!KEY_GROUP_SNAPSHOT_FIELDS.has(field)) return false;
  return Array.isArray((snapshot as Partial<KeyGroupSnapshot>).entries);
}
