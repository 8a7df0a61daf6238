import { type Key, keyGroupOf, keyTextHash } from "../state/key-group.ts";
import { SWEEP_THRESHOLD } from "./window-slots.ts";

/** Slots of the smallest index of restored keys (a power of two). */
const MIN_SLOTS = 64;

/** Scratch to read a number's bits. */
const float = new Float64Array(1);
const words = new Int32Array(float.buffer);

/** murmur3's 32-bit finaliser. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * A key's hash in the index of restored keys (a signed 32-bit integer). For a string it is the
 * hash its key group is taken from, so a new key looked up there gets its group with it. For a
 * number, its bits mixed: -0 and 0, and every NaN, hash alike (one key each, as in a Map).
 */
function hashOf(key: Key): number {
  if (typeof key === "string") return keyTextHash(key) | 0;
  if ((key | 0) === key) return mix(key);
  float[0] = Number.isNaN(key) ? Number.NaN : key;
  return mix(words[0]! ^ mix(words[1]!));
}

/** The same key in a Map's sense (SameValueZero): `===`, and NaN is NaN. */
function sameKey(a: Key | undefined, b: Key): boolean {
  return a === b || (typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b));
}

/**
 * The keys of the columnar window store, each numbered with a small integer id for as long as it
 * has windows: buckets index their windows by id (a probe in an integer table instead of a Map
 * per bucket), and the key's group is hashed once per key rather than once per window.
 *
 * A restore registers its keys without the Map: a million `Map` insertions took most of the time
 * of restoring a million windows. Restored keys go into an open-addressing table of integers
 * (pairs of id and hash, a hash per key), and each moves into the Map when the record path first
 * misses it there ({@link idOnMiss}), so the Map is built by the keys that come back, as they do,
 * and the record path of a key it holds is what it was. The table is dropped once no key is left
 * in it.
 *
 * An id counts the windows that hold it; ids of keys without windows are kept a while (most keys
 * get their next window soon) and recycled once they are many, so high-cardinality keys that come
 * and go leave no trace.
 */
export class KeyRegistry<TKey extends Key> {
  /** Key → id. Read directly on the record path. */
  readonly ids = new Map<TKey, number>();
  /** Id → key (`undefined` for a free id or one not handed out yet). */
  keys: (TKey | undefined)[] = [];
  /** Ids handed out so far (free ones included): the next new id. */
  #handedOut = 0;
  /** Id → key group + 1, or 0 until a checkpoint asks for it. */
  #groups = new Int32Array(64);
  /** Id → windows holding it. */
  #windows = new Int32Array(64);
  #free: number[] = [];
  /** Ids whose count is 0 but that are still registered. */
  #unused = 0;
  /**
   * Restored keys not in `ids` yet: per slot the pair `[id + 1, hash]` (0: an empty slot), at
   * most half full; undefined when there are none.
   */
  #restored: Int32Array | undefined;
  /** Slots of `#restored` − 1. */
  #restoredMask = 0;
  /** Keys in `#restored` not moved to `ids` (nor recycled) yet. */
  #pending = 0;

  constructor(readonly keyGroups: number) {}

  /** Number of registered keys. */
  get size(): number {
    return this.ids.size + this.#pending;
  }

  /** Ids handed out so far: every id is below it. */
  get idCapacity(): number {
    return this.#handedOut;
  }

  /** Makes room for `more` keys at once (a restore knows how many it brings). */
  reserve(more: number): void {
    const needed = this.#handedOut + more;
    if (needed > this.#windows.length) {
      this.#groups = grown(this.#groups, needed);
      this.#windows = grown(this.#windows, needed);
    }
    if (needed > this.keys.length) {
      const keys = new Array<TKey | undefined>(needed);
      for (let id = 0; id < this.#handedOut; id++) keys[id] = this.keys[id];
      this.keys = keys;
    }
    if (this.#restored === undefined || (this.#pending + more) * 2 > this.#restoredMask + 1) {
      this.#rehashRestored((this.#pending + more) * 2);
    }
  }

  /**
   * The id of `key`, which the record path did not find in `ids`: a restored key (now moved into
   * `ids`), or a new one, registered.
   */
  idOnMiss(key: TKey): number {
    if (this.#restored === undefined) return this.register(key);
    const hash = hashOf(key);
    const id = this.#findRestored(key, hash);
    if (id < 0) {
      // The string's hash is its group's: no second hash at the next checkpoint.
      return this.register(key, typeof key === "string" ? (hash >>> 0) % this.keyGroups : -1);
    }
    this.ids.set(key, id);
    if (--this.#pending === 0) this.#restored = undefined;
    return id;
  }

  /** The id of `key`, or -1 when it is not registered. */
  idOf(key: TKey): number {
    const id = this.ids.get(key);
    if (id !== undefined) return id;
    return this.#restored === undefined ? -1 : this.#findRestored(key, hashOf(key));
  }

  /**
   * The id of a key read from a checkpoint, in `group`: registered (outside `ids`, see the class
   * notes) unless it is already. `isNew` says it cannot be, which spares the look-up.
   */
  restore(key: TKey, group: number, isNew: boolean): number {
    if (!isNew) {
      const id = this.idOf(key);
      if (id >= 0) return id;
    }
    const id = this.#newId(key);
    this.#groups[id] = group + 1;
    this.#unused++;
    this.#pending++;
    const hash = hashOf(key);
    if (this.#restored === undefined || this.#pending * 2 > this.#restoredMask + 1) {
      this.#rehashRestored(this.#pending * 2);
    }
    const slots = this.#restored!;
    const mask = this.#restoredMask;
    let slot = hash & mask;
    while (slots[slot * 2] !== 0) slot = (slot + 1) & mask;
    slots[slot * 2] = id + 1;
    slots[slot * 2 + 1] = hash;
    return id;
  }

  /** A new key's id (the key must not be registered); its group, when the caller knows it. */
  register(key: TKey, group = -1): number {
    const id = this.#newId(key);
    this.ids.set(key, id);
    this.#groups[id] = group + 1;
    // Counted unused until a window holds it.
    this.#unused++;
    return id;
  }

  /** An id for `key`: a recycled one, or the next. */
  #newId(key: TKey): number {
    let id = this.#free.pop();
    if (id === undefined) {
      id = this.#handedOut++;
      if (id === this.#windows.length) {
        this.#groups = grown(this.#groups, id * 2);
        this.#windows = grown(this.#windows, id * 2);
      }
      if (id === this.keys.length) this.keys.push(key);
      else this.keys[id] = key;
    } else {
      this.keys[id] = key;
    }
    return id;
  }

  /** The id of restored key `key` (hash `hash`) not yet in `ids`, or -1. */
  #findRestored(key: TKey, hash: number): number {
    const slots = this.#restored!;
    const mask = this.#restoredMask;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const held = slots[slot * 2]!;
      if (held === 0) return -1;
      // Slots stay behind when keys move to `ids` or their ids are recycled: `keys` says whose an
      // id is now, and a key in `ids` is found there before anyone looks here.
      if (slots[slot * 2 + 1] === hash && sameKey(this.keys[held - 1], key)) return held - 1;
    }
  }

  /** Rebuilds the index of restored keys with room for `slots` (made a power of two). */
  #rehashRestored(wanted: number): void {
    let slots = MIN_SLOTS;
    while (slots < wanted) slots *= 2;
    const table = new Int32Array(slots * 2);
    const mask = slots - 1;
    const old = this.#restored;
    if (old !== undefined) {
      for (let s = 0; s < old.length; s += 2) {
        const held = old[s]!;
        if (held === 0) continue;
        const hash = old[s + 1]!;
        let slot = hash & mask;
        while (table[slot * 2] !== 0) slot = (slot + 1) & mask;
        table[slot * 2] = held;
        table[slot * 2 + 1] = hash;
      }
    }
    this.#restored = table;
    this.#restoredMask = mask;
  }

  /** A window now holds `id`. */
  retain(id: number): void {
    if (this.#windows[id]!++ === 0) this.#unused--;
  }

  /** A window holding `id` is gone. */
  release(id: number): void {
    if (--this.#windows[id]! === 0) this.#unused++;
  }

  /** The key group of `id`'s key. */
  groupOf(id: number): number {
    const known = this.#groups[id]!;
    if (known !== 0) return known - 1;
    const group = keyGroupOf(this.keys[id]!, this.keyGroups);
    this.#groups[id] = group + 1;
    return group;
  }

  /** Recycles the ids of keys without windows once they are many and most of the registry. */
  sweep(): void {
    if (this.#unused < SWEEP_THRESHOLD || this.#unused * 2 <= this.size) return;
    const windows = this.#windows;
    for (let id = 0; id < this.#handedOut; id++) {
      const key = this.keys[id];
      if (key === undefined || windows[id] !== 0) continue;
      // A key not in `ids` was a restored one never looked up since.
      if (!this.ids.delete(key)) this.#pending--;
      this.keys[id] = undefined;
      this.#free.push(id);
    }
    this.#unused = 0;
    if (this.#pending === 0) this.#restored = undefined;
  }
}

function grown(array: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const copy = new Int32Array(length);
  copy.set(array);
  return copy;
}
