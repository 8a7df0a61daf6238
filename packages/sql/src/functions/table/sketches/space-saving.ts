import type { SqlValue } from "../../../types/sql-value.ts";

/** One item of a {@link SpaceSaving} summary and its count. */
export interface CountedItem {
  readonly item: SqlValue;
  readonly count: number;
}

/**
 * The most frequent items of a stream in bounded memory: Metwally, Agrawal and El Abbadi's
 * Space-Saving ("Efficient computation of frequent and top-k elements in data streams", 2005). It
 * keeps `capacity` counters; an item without one takes the counter of the least counted item and
 * adds one to its count. While at most `capacity` distinct items have arrived every count is exact;
 * beyond, a count overestimates by at most the smallest count, and every item more frequent than
 * that smallest count is kept. A min-heap of the counters finds the least counted in O(log capacity).
 */
export class SpaceSaving {
  readonly capacity: number;
  readonly #index = new Map<unknown, number>();
  #items: SqlValue[] = [];
  #counts: number[] = [];
  /** When each counter took its current item (orders equal counts: the earlier first). */
  #since: number[] = [];
  /** Min-heap of counter indices by (count, since). */
  #heap: number[] = [];
  #heapIndex: number[] = [];
  #arrivals = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Counts one occurrence of `item` (NULL is no item). */
  add(item: SqlValue): void {
    if (item === null) return;
    const key = keyOf(item);
    const arrival = this.#arrivals++;
    const existing = this.#index.get(key);
    if (existing !== undefined) {
      this.#counts[existing]!++;
      this.#siftDown(this.#heapIndex[existing]!);
      return;
    }
    if (this.#items.length < this.capacity) {
      const counter = this.#items.length;
      this.#items.push(item);
      this.#counts.push(1);
      this.#since.push(arrival);
      this.#heap.push(counter);
      this.#heapIndex.push(this.#heap.length - 1);
      this.#siftUp(this.#heap.length - 1);
      this.#index.set(key, counter);
      return;
    }
    const counter = this.#heap[0]!;
    this.#index.delete(keyOf(this.#items[counter]!));
    this.#items[counter] = item;
    this.#counts[counter]!++;
    this.#since[counter] = arrival;
    this.#index.set(key, counter);
    this.#siftDown(0);
  }

  /** The `k` most counted items, most counted first (equal counts: the one counted first). */
  top(k: number): CountedItem[] {
    return this.#items
      .map((item, i) => ({ item, count: this.#counts[i]!, since: this.#since[i]! }))
      .sort((a, b) => b.count - a.count || a.since - b.since)
      .slice(0, k)
      .map(({ item, count }) => ({ item, count }));
  }

  #less(a: number, b: number): boolean {
    const ca = this.#counts[a]!;
    const cb = this.#counts[b]!;
    return ca < cb || (ca === cb && this.#since[a]! < this.#since[b]!);
  }

  #siftUp(position: number): void {
    const heap = this.#heap;
    const counter = heap[position]!;
    while (position > 0) {
      const parent = (position - 1) >> 1;
      if (!this.#less(counter, heap[parent]!)) break;
      heap[position] = heap[parent]!;
      this.#heapIndex[heap[position]!] = position;
      position = parent;
    }
    heap[position] = counter;
    this.#heapIndex[counter] = position;
  }

  #siftDown(position: number): void {
    const heap = this.#heap;
    const size = heap.length;
    const counter = heap[position]!;
    for (;;) {
      let child = 2 * position + 1;
      if (child >= size) break;
      if (child + 1 < size && this.#less(heap[child + 1]!, heap[child]!)) child++;
      if (!this.#less(heap[child]!, counter)) break;
      heap[position] = heap[child]!;
      this.#heapIndex[heap[position]!] = position;
      position = child;
    }
    heap[position] = counter;
    this.#heapIndex[counter] = position;
  }

  /** The summary as plain data. */
  snapshot(): SpaceSavingSnapshot {
    return {
      items: [...this.#items],
      counts: [...this.#counts],
      since: [...this.#since],
      heap: [...this.#heap],
      arrivals: this.#arrivals,
    };
  }

  /** A summary continuing from a snapshot. */
  static restore(capacity: number, state: SpaceSavingSnapshot): SpaceSaving {
    const summary = new SpaceSaving(capacity);
    summary.#items = [...state.items];
    summary.#counts = [...state.counts];
    summary.#since = [...state.since];
    summary.#heap = [...state.heap];
    summary.#heapIndex = new Array<number>(state.heap.length);
    state.heap.forEach((counter, position) => {
      summary.#heapIndex[counter] = position;
    });
    summary.#arrivals = state.arrivals;
    state.items.forEach((item, i) => {
      summary.#index.set(keyOf(item), i);
    });
    return summary;
  }
}

/** What {@link SpaceSaving.snapshot} returns. */
export interface SpaceSavingSnapshot {
  readonly items: readonly SqlValue[];
  readonly counts: readonly number[];
  readonly since: readonly number[];
  readonly heap: readonly number[];
  readonly arrivals: number;
}

/** Map key of an item: the value itself, binary by its bytes. */
function keyOf(item: SqlValue): unknown {
  return item instanceof Uint8Array ? `x${Buffer.from(item).toString("hex")}` : item;
}
