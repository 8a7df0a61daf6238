import type { Key } from "../state/key-group.ts";

/** A registered timer: fires for `owner`'s key at `time`. `index` is its place in the queue. */
export interface Timer<TOwner> {
  readonly time: number;
  readonly key: Key;
  readonly owner: TOwner;
  /** @internal position in the heap array, -1 once out of the queue */
  index: number;
}

/** Timers fire by time; ties by key, so the order is the same before and after a restore. */
function before(a: Timer<unknown>, b: Timer<unknown>): boolean {
  if (a.time !== b.time) return a.time < b.time;
  const ka = a.key;
  const kb = b.key;
  if (typeof ka === typeof kb) return ka < kb;
  return typeof ka === "number";
}

/**
 * A binary min-heap of timers that knows each timer's position, so deleting a timer is O(log n)
 * and the queue never holds cancelled timers (as Flink's heap timer queue).
 */
export class TimerQueue<TOwner> {
  readonly #heap: Timer<TOwner>[] = [];

  get size(): number {
    return this.#heap.length;
  }

  /** The earliest timer, if any. */
  peek(): Timer<TOwner> | undefined {
    return this.#heap[0];
  }

  add(time: number, key: Key, owner: TOwner): Timer<TOwner> {
    const timer: Timer<TOwner> = { time, key, owner, index: this.#heap.length };
    this.#heap.push(timer);
    this.#up(timer.index);
    return timer;
  }

  /** Removes a timer that is in the queue. */
  remove(timer: Timer<TOwner>): void {
    const heap = this.#heap;
    const i = timer.index;
    if (i < 0) return;
    timer.index = -1;
    const last = heap.pop()!;
    if (last === timer) return;
    heap[i] = last;
    last.index = i;
    this.#down(i);
    this.#up(last.index);
  }

  /** Removes and returns the earliest timer. */
  poll(): Timer<TOwner> | undefined {
    const top = this.#heap[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  #up(start: number): void {
    const heap = this.#heap;
    let i = start;
    const timer = heap[i]!;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex]!;
      if (!before(timer, parent)) break;
      heap[i] = parent;
      parent.index = i;
      i = parentIndex;
    }
    heap[i] = timer;
    timer.index = i;
  }

  #down(start: number): void {
    const heap = this.#heap;
    const n = heap.length;
    let i = start;
    const timer = heap[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, timer)) break;
      heap[i] = heap[child]!;
      heap[i]!.index = i;
      i = child;
    }
    heap[i] = timer;
    timer.index = i;
  }
}
