import type { AggregateFunction } from "../aggregates/aggregate-function.ts";
import type { SlidingAccumulator } from "../aggregates/sliding/sliding-accumulator.ts";
import { unrollDoubled } from "../aggregates/sliding/unroll-doubled.ts";
import { Ring } from "./ring.ts";
import { SlidingAggregator } from "./sliding-aggregator.ts";

/**
 * One key's over frame: its records in timestamp order and the aggregate of them. Two forms: the
 * aggregate's own {@link SlidingAccumulator} where it has one, else the generic two-stacks
 * {@link SlidingAggregator}.
 *
 * Records are passed as an array and an index, never as a loose timestamp: a double passed to a
 * call the optimizer did not inline is boxed, an allocation per record.
 */
export interface FrameAggregate<T, R> {
  /** Number of records in the frame. */
  readonly size: number;
  /** Timestamp of the newest record (`-Infinity` when empty). */
  newestTimestamp(): number;
  /**
   * Slides the frame to record `values[index]` (timestamp `timestamps[index]`): evicts what falls
   * out of the frame ending at it, appends it, and returns the aggregate. If the aggregate throws
   * while adding it, the record is not in the frame (the evictions stand).
   */
  admit(values: readonly T[], timestamps: readonly number[], index: number): R;
  /** Appends a restored record as the newest, without evicting anything. */
  restore(value: T, timestamp: number): void;
  /** The frame's records, oldest first (copies: safe to keep). */
  records(): { values: T[]; timestamps: number[] };
}

/**
 * A new, empty frame for `fn` over `bound` (`{ range }` or `{ rows }`, validated): its sliding form
 * if it has one, else the generic aggregation.
 */
export function createFrameAggregate<T, TAcc, R>(
  fn: AggregateFunction<T, TAcc, R>,
  bound: { readonly range: number } | { readonly rows: number },
): FrameAggregate<T, R> {
  const range = "range" in bound ? bound.range : -1;
  const rows = "rows" in bound ? bound.rows : -1;
  return fn.sliding ? new SlidingFormFrame(fn.sliding(), range, rows) : new GenericFrame(fn, range, rows);
}

/**
 * The frame of an aggregate with a sliding form: records in a ring, their timestamps in a
 * circular `Float64Array` handled inline (a call per timestamp would box it), the aggregate in
 * the form.
 */
class SlidingFormFrame<T, R> implements FrameAggregate<T, R> {
  readonly #values = new Ring<T>();
  #timestamps = new Float64Array(16);
  #mask = 15;
  #head = 0;
  #length = 0;

  /** `range` >= 0 for a range frame (`rows` is then -1), else `rows`. */
  constructor(
    private readonly accumulator: SlidingAccumulator<T, R>,
    private readonly range: number,
    private readonly rows: number,
  ) {}

  get size(): number {
    return this.#length;
  }

  newestTimestamp(): number {
    return this.#length > 0
      ? this.#timestamps[(this.#head + this.#length - 1) & this.#mask]!
      : Number.NEGATIVE_INFINITY;
  }

  admit(values: readonly T[], timestamps: readonly number[], index: number): R {
    const timestamp = timestamps[index]!;
    if (this.range >= 0) {
      const lower = timestamp - this.range;
      while (this.#length > 0 && this.#timestamps[this.#head]! < lower) this.#evictOldest();
    } else {
      while (this.#length > this.rows) this.#evictOldest();
    }
    this.restore(values[index]!, timestamp);
    return this.accumulator.result();
  }

  restore(value: T, timestamp: number): void {
    this.accumulator.push(value);
    this.#values.push(value);
    if (this.#length === this.#timestamps.length) {
      this.#timestamps = unrollDoubled(this.#timestamps, this.#head);
      this.#mask = this.#timestamps.length - 1;
      this.#head = 0;
    }
    this.#timestamps[(this.#head + this.#length) & this.#mask] = timestamp;
    this.#length++;
  }

  records(): { values: T[]; timestamps: number[] } {
    const timestamps = new Array<number>(this.#length);
    for (let i = 0; i < this.#length; i++) timestamps[i] = this.#timestamps[(this.#head + i) & this.#mask]!;
    return { values: this.#values.toArray(), timestamps };
  }

  #evictOldest(): void {
    this.#head = (this.#head + 1) & this.#mask;
    this.#length--;
    this.#values.shift();
    this.accumulator.evictOldest();
  }
}

/** The frame of any other aggregate: the two-stacks aggregation of `add` and `merge`. */
class GenericFrame<T, TAcc, R> implements FrameAggregate<T, R> {
  readonly #frame: SlidingAggregator<T, TAcc>;

  constructor(
    private readonly fn: AggregateFunction<T, TAcc, R>,
    private readonly range: number,
    private readonly rows: number,
  ) {
    this.#frame = new SlidingAggregator(fn);
  }

  get size(): number {
    return this.#frame.size;
  }

  newestTimestamp(): number {
    return this.#frame.newestTimestamp();
  }

  admit(values: readonly T[], timestamps: readonly number[], index: number): R {
    const timestamp = timestamps[index]!;
    if (this.range >= 0) this.#frame.evictBefore(timestamp - this.range);
    else this.#frame.evictToSize(this.rows);
    this.#frame.push(values[index]!, timestamp);
    return this.fn.result(this.#frame.query());
  }

  restore(value: T, timestamp: number): void {
    this.#frame.push(value, timestamp);
  }

  records(): { values: T[]; timestamps: number[] } {
    return this.#frame.records();
  }
}
