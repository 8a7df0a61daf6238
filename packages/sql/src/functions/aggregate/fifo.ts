/**
 * A FIFO of values in a growable ring: O(1) push and shift, no allocation per value. The ring's
 * size is a power of two, so a position wraps with a mask rather than a division.
 */
export class ValueFifo<T> {
  #items: (T | undefined)[] = new Array(16);
  #head = 0;
  #length = 0;

  get size(): number {
    return this.#length;
  }

  push(value: T): void {
    if (this.#length === this.#items.length) {
      const items = new Array<T | undefined>(this.#items.length * 2);
      for (let i = 0; i < this.#length; i++)
        items[i] = this.#items[(this.#head + i) & (this.#items.length - 1)];
      this.#items = items;
      this.#head = 0;
    }
    this.#items[(this.#head + this.#length) & (this.#items.length - 1)] = value;
    this.#length++;
  }

  /** Removes and returns the oldest value; the FIFO must not be empty. */
  shift(): T {
    const value = this.#items[this.#head] as T;
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#items.length - 1);
    this.#length--;
    return value;
  }

  /** The value `i` places after the oldest. */
  at(i: number): T {
    return this.#items[(this.#head + i) & (this.#items.length - 1)] as T;
  }

  /** The newest value; the FIFO must not be empty. */
  newest(): T {
    return this.at(this.#length - 1);
  }
}

/** A FIFO of small non-negative integers (a flag per record: NULL or not), one byte each; a ring of a power-of-two size, as {@link ValueFifo}. */
export class FlagFifo {
  #bytes = new Uint8Array(16);
  #head = 0;
  #length = 0;

  get size(): number {
    return this.#length;
  }

  push(flag: number): void {
    if (this.#length === this.#bytes.length) {
      const bytes = new Uint8Array(this.#bytes.length * 2);
      for (let i = 0; i < this.#length; i++)
        bytes[i] = this.#bytes[(this.#head + i) & (this.#bytes.length - 1)]!;
      this.#bytes = bytes;
      this.#head = 0;
    }
    this.#bytes[(this.#head + this.#length) & (this.#bytes.length - 1)] = flag;
    this.#length++;
  }

  /** Removes and returns the oldest flag; the FIFO must not be empty. */
  shift(): number {
    const flag = this.#bytes[this.#head]!;
    this.#head = (this.#head + 1) & (this.#bytes.length - 1);
    this.#length--;
    return flag;
  }
}
