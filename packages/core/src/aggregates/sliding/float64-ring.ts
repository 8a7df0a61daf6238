/**
 * A double-ended queue of numbers in a `Float64Array` used as a circular buffer: O(1) push and pop
 * at either end, no allocation until it grows (doubling), and nothing for the garbage collector
 * to trace, unlike a JS array that is shifted or sliced.
 */
export class Float64Ring {
  #data: Float64Array<ArrayBuffer>;
  #mask: number;
  #head = 0;
  #length = 0;

  /** `capacity` is rounded up to a power of two. */
  constructor(capacity = 16) {
    let size = 1;
    while (size < capacity) size *= 2;
    this.#data = new Float64Array(size);
    this.#mask = size - 1;
  }

  /** Number of values held. */
  get length(): number {
    return this.#length;
  }

  /** Appends `value` as the newest. */
  push(value: number): void {
    if (this.#length === this.#data.length) this.#grow();
    this.#data[(this.#head + this.#length) & this.#mask] = value;
    this.#length++;
  }

  /** Removes and returns the oldest value; the ring must not be empty. */
  shift(): number {
    const value = this.#data[this.#head]!;
    this.#head = (this.#head + 1) & this.#mask;
    this.#length--;
    return value;
  }

  /** Removes and returns the newest value; the ring must not be empty. */
  pop(): number {
    this.#length--;
    return this.#data[(this.#head + this.#length) & this.#mask]!;
  }

  /** The oldest value; the ring must not be empty. */
  first(): number {
    return this.#data[this.#head]!;
  }

  /** The newest value; the ring must not be empty. */
  last(): number {
    return this.#data[(this.#head + this.#length - 1) & this.#mask]!;
  }

  /** The `i`-th oldest value (0: the oldest); `i` must be below `length`. */
  at(i: number): number {
    return this.#data[(this.#head + i) & this.#mask]!;
  }

  /** The values, oldest first, as a new array. */
  toArray(): number[] {
    const out = new Array<number>(this.#length);
    for (let i = 0; i < this.#length; i++) out[i] = this.at(i);
    return out;
  }

  #grow(): void {
    this.#data = unrollDoubled(this.#data, this.#head);
    this.#mask = this.#data.length - 1;
    this.#head = 0;
  }
}

/**
 * A full circular buffer `data` whose oldest value is at `head`, copied in order to the start of
 * a buffer twice its size. The structures that keep their own circular buffers (hot paths that
 * must not call out per value) grow with it.
 */
export function unrollDoubled(data: Float64Array<ArrayBuffer>, head: number): Float64Array<ArrayBuffer> {
  const doubled = new Float64Array(data.length * 2);
  // The tail part [head, end) then the wrapped part [0, head).
  doubled.set(data.subarray(head));
  doubled.set(data.subarray(0, head), data.length - head);
  return doubled;
}
