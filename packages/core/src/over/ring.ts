/**
 * A FIFO of arbitrary values in a JS array used as a circular buffer: O(1) push and shift, and
 * a shifted slot is cleared at once, so the queue never keeps an evicted record alive.
 */
export class Ring<T> {
  #data: (T | undefined)[];
  #mask: number;
  #head = 0;
  #length = 0;

  /** `capacity` is rounded up to a power of two. */
  constructor(capacity = 16) {
    let size = 1;
    while (size < capacity) size *= 2;
    this.#data = new Array<T | undefined>(size).fill(undefined);
    this.#mask = size - 1;
  }

  /** Number of values held. */
  get length(): number {
    return this.#length;
  }

  /** Appends `value` as the newest. */
  push(value: T): void {
    if (this.#length === this.#data.length) this.#grow();
    this.#data[(this.#head + this.#length) & this.#mask] = value;
    this.#length++;
  }

  /** Removes and returns the oldest value; the ring must not be empty. */
  shift(): T {
    const value = this.#data[this.#head] as T;
    this.#data[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#length--;
    return value;
  }

  /** The `i`-th oldest value (0: the oldest); `i` must be below `length`. */
  at(i: number): T {
    return this.#data[(this.#head + i) & this.#mask] as T;
  }

  /** The values, oldest first, as a new array. */
  toArray(): T[] {
    const out = new Array<T>(this.#length);
    for (let i = 0; i < this.#length; i++) out[i] = this.at(i);
    return out;
  }

  #grow(): void {
    const old = this.#data;
    const data = new Array<T | undefined>(old.length * 2).fill(undefined);
    for (let i = 0; i < this.#length; i++) data[i] = old[(this.#head + i) & this.#mask];
    this.#data = data;
    this.#mask = data.length - 1;
    this.#head = 0;
  }
}
