import { type Key, keyGroupOf } from "../state/key-group.ts";
import { SWEEP_THRESHOLD } from "./window-slots.ts";

/**
 * The keys of the event-time fast path, each numbered with a small integer id for as long as it
 * has windows: buckets index their windows by id (a probe in an integer table instead of a Map
 * per bucket), and the key's group is hashed once per key rather than once per window.
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

  constructor(readonly keyGroups: number) {}

  /** Number of registered keys. */
  get size(): number {
    return this.ids.size;
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
  }

  /** A new key's id (the key must not be registered); its group, when the caller knows it. */
  register(key: TKey, group = -1): number {
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
    this.ids.set(key, id);
    this.#groups[id] = group + 1;
    // Counted unused until a window holds it.
    this.#unused++;
    return id;
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
    if (this.#unused < SWEEP_THRESHOLD || this.#unused * 2 <= this.ids.size) return;
    const windows = this.#windows;
    for (let id = 0; id < this.#handedOut; id++) {
      const key = this.keys[id];
      if (key === undefined || windows[id] !== 0) continue;
      this.ids.delete(key);
      this.keys[id] = undefined;
      this.#free.push(id);
    }
    this.#unused = 0;
  }
}

function grown(array: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const copy = new Int32Array(length);
  copy.set(array);
  return copy;
}
