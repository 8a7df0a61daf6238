import type { AggregateFunction } from "../aggregates/aggregate-function.ts";

/** Records per front chunk: the front keeps one long-lived accumulator per chunk, not per record. */
export const DEFAULT_CHUNK_SIZE = 64;

/**
 * A FIFO of timestamped records that answers "aggregate of everything in the queue" in O(1)
 * amortized per push, evict and query, for any {@link AggregateFunction}: the two-stacks
 * sliding-window aggregation, with a chunked front.
 *
 * The queue is split in two. The *back* (newest records) is folded into one running accumulator
 * with `add`. The *front* (oldest records) is what a "flip" made of the back when an eviction
 * found the front empty: it is cut into chunks, and the flip stores, for every chunk, the
 * accumulator of that chunk and all later ones (`merge`d right to left). The chunk holding the
 * oldest record is expanded on demand into per-record suffix accumulators, so a query is one
 * `merge` of the oldest record's suffix with the back. Each record is added once per flip and
 * merged once per chunk expansion: amortized O(1), and no record is ever re-scanned per query.
 *
 * Chunking is for the garbage collector: the front's accumulators live as long as the frame (an
 * hour of ticks), so keeping one per chunk instead of one per record keeps the old generation
 * small; the per-record suffixes of the current chunk die young.
 *
 * It relies on the aggregate contract: `merge` is associative, does not modify its arguments, and
 * takes the earlier records first; `add` may update an accumulator in place (those it is given
 * here are owned and never shared).
 */
export class SlidingAggregator<T, TAcc> {
  /** Records in arrival order; `[head, length)` is the frame, `[head, boundary)` the front. */
  #values: T[] = [];
  #timestamps: number[] = [];
  #head = 0;
  #boundary = 0;
  /** `#chunks[c]`: the accumulator of front records `[c * chunkSize, boundary)`. */
  readonly #chunks: TAcc[] = [];
  /** Which chunk `#suffixes` expands (-1: none). */
  #expanded = -1;
  /** `#suffixes[j]`: the accumulator of front records `[expanded * chunkSize + j, boundary)`. */
  readonly #suffixes: TAcc[] = [];
  /** Accumulator of the back, records `[boundary, length)`. */
  #back: TAcc;

  constructor(
    private readonly fn: AggregateFunction<T, TAcc, unknown>,
    private readonly chunkSize: number = DEFAULT_CHUNK_SIZE,
  ) {
    this.#back = fn.create();
  }

  /** Number of records in the frame. */
  get size(): number {
    return this.#values.length - this.#head;
  }

  /** Timestamp of the oldest record (`+Infinity` when empty). */
  oldestTimestamp(): number {
    return this.#head < this.#timestamps.length ? this.#timestamps[this.#head]! : Number.POSITIVE_INFINITY;
  }

  /** Timestamp of the newest record (`-Infinity` when empty). */
  newestTimestamp(): number {
    const n = this.#timestamps.length;
    return n > this.#head ? this.#timestamps[n - 1]! : Number.NEGATIVE_INFINITY;
  }

  /** Appends a record as the newest. If `add` throws, the record is not in the frame. */
  push(value: T, timestamp: number): void {
    this.#back = this.fn.add(this.#back, value);
    this.#values.push(value);
    this.#timestamps.push(timestamp);
  }

  /** Drops records with a timestamp below `lower` (records are assumed pushed in timestamp order). */
  evictBefore(lower: number): void {
    // Re-read the array each time: a flip replaces it.
    while (this.#head < this.#timestamps.length && this.#timestamps[this.#head]! < lower) this.evictOldest();
  }

  /** Drops the oldest records until at most `size` remain. */
  evictToSize(size: number): void {
    while (this.#values.length - this.#head > size) this.evictOldest();
  }

  /** Drops the oldest record; the frame must not be empty. */
  evictOldest(): void {
    if (this.#head === this.#boundary) this.#flip();
    this.#head++;
  }

  /**
   * The accumulator of the whole frame. It may be shared with the frame's own structure: read it
   * with `result`, never modify it. The frame must not be empty.
   */
  query(): TAcc {
    const head = this.#head;
    if (head === this.#boundary) return this.#back;
    const chunk = (head / this.chunkSize) | 0;
    if (chunk !== this.#expanded) this.#expand(chunk);
    const front = this.#suffixes[head - chunk * this.chunkSize]!;
    return this.#boundary === this.#values.length ? front : this.fn.merge(front, this.#back);
  }

  /** The frame's records, oldest first (copies: safe to keep). */
  records(): { values: T[]; timestamps: number[] } {
    return { values: this.#values.slice(this.#head), timestamps: this.#timestamps.slice(this.#head) };
  }

  /**
   * Moves the back to the front: compacts the evicted prefix away (so memory stays within twice
   * the frame), then folds each chunk with `add` and merges the chunks right to left. If a user
   * function throws midway, the boundary has not moved and the structure stays valid.
   */
  #flip(): void {
    const fn = this.fn;
    this.#expanded = -1;
    if (this.#head > 0) {
      // slice is a block copy; copyWithin on a JS array goes element by element.
      this.#values = this.#values.slice(this.#head);
      this.#timestamps = this.#timestamps.slice(this.#head);
      this.#head = 0;
      this.#boundary = 0;
    }
    const values = this.#values;
    const n = values.length;
    const size = this.chunkSize;
    const chunks = this.#chunks;
    const count = Math.ceil(n / size);
    chunks.length = count;
    for (let c = count - 1; c >= 0; c--) {
      let acc = fn.create();
      const end = Math.min(n, (c + 1) * size);
      for (let i = c * size; i < end; i++) acc = fn.add(acc, values[i]!);
      chunks[c] = c === count - 1 ? acc : fn.merge(acc, chunks[c + 1]!);
    }
    const back = fn.create();
    this.#boundary = n;
    this.#back = back;
  }

  /** Builds the per-record suffixes of front chunk `chunk`, from the oldest record on. */
  #expand(chunk: number): void {
    const fn = this.fn;
    const values = this.#values;
    const size = this.chunkSize;
    const start = chunk * size;
    const end = Math.min(this.#boundary, start + size);
    const suffixes = this.#suffixes;
    let acc = end < this.#boundary ? this.#chunks[chunk + 1] : undefined;
    for (let i = end - 1; i >= this.#head; i--) {
      const single = fn.add(fn.create(), values[i]!);
      acc = acc === undefined ? single : fn.merge(single, acc);
      suffixes[i - start] = acc;
    }
    this.#expanded = chunk;
  }
}
