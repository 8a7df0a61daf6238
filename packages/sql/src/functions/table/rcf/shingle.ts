/**
 * The last `size` records of a stream as one point (KDA's shingling: "a shingle of size 10 at time t
 * corresponds to a vector of the last 10 records received up to and including time t"), oldest
 * record first: coordinates `[j · columns, (j + 1) · columns)` hold record `t - size + 1 + j`.
 */
export class Shingle {
  readonly columns: number;
  readonly size: number;
  /** The shingled point; valid once {@link full}. */
  readonly point: Float64Array;
  /** Records in a ring, `#next` is where the next one goes. */
  readonly #ring: Float64Array;
  #next = 0;
  #count = 0;

  constructor(columns: number, size: number) {
    this.columns = columns;
    this.size = size;
    this.point = new Float64Array(columns * size);
    this.#ring = new Float64Array(columns * size);
  }

  /** Whether `size` records have arrived. */
  get full(): boolean {
    return this.#count >= this.size;
  }

  /** Adds a record's values (`columns` numbers) and rebuilds {@link point}. */
  push(values: ArrayLike<number>): void {
    const columns = this.columns;
    this.#ring.set(values as ArrayLike<number>, this.#next * columns);
    this.#next = (this.#next + 1) % this.size;
    if (this.#count < this.size) this.#count++;
    // Oldest first: the ring from #next around.
    const head = this.#next * columns;
    const total = this.#ring.length;
    this.point.set(this.#ring.subarray(head, total), 0);
    this.point.set(this.#ring.subarray(0, head), total - head);
  }

  /** The shingle as plain data. */
  snapshot(): ShingleSnapshot {
    return { ring: this.#ring.slice(), next: this.#next, count: this.#count };
  }

  /** Continues from a snapshot. */
  restore(state: ShingleSnapshot): void {
    this.#ring.set(state.ring);
    this.#next = state.next;
    this.#count = state.count;
    const head = this.#next * this.columns;
    this.point.set(this.#ring.subarray(head), 0);
    this.point.set(this.#ring.subarray(0, head), this.#ring.length - head);
  }
}

/** What {@link Shingle.snapshot} returns. */
export interface ShingleSnapshot {
  readonly ring: Float64Array;
  readonly next: number;
  readonly count: number;
}
