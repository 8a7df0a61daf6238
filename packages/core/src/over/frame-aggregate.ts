import type { AggregateFunction } from "../aggregates/aggregate-function.ts";
import { unrollDoubled } from "../aggregates/sliding/float64-ring.ts";
import type { SlidingAccumulator } from "../aggregates/sliding/sliding-accumulator.ts";
import { Ring } from "./ring.ts";
import { SlidingAggregator } from "./sliding-aggregator.ts";

/**
 * One key's over frame: its records in timestamp order and the aggregate of them. Two forms: the
 * aggregate's own {@link SlidingAccumulator} where it has one, else the generic two-stacks
 * {@link SlidingAggregator}.
 */
export interface FrameAggregate<T, R> {
  /** Number of records in the frame. */
  readonly size: number;
  /** Timestamp of the newest record (`-Infinity` when empty). */
  newestTimestamp(): number;
  /** Appends a record as the newest. If the aggregate throws, the record is not in the frame. */
  push(value: T, timestamp: number): void;
  /** Drops records with a timestamp below `lower` (records are pushed in timestamp order). */
  evictBefore(lower: number): void;
  /** Drops the oldest records until at most `size` remain. */
  evictToSize(size: number): void;
  /** The aggregate of the frame; it must not be empty. */
  result(): R;
  /** The frame's records, oldest first (copies: safe to keep). */
  records(): { values: T[]; timestamps: number[] };
}

/** A new, empty frame for `fn`: its sliding form if it has one, else the generic aggregation. */
export function createFrameAggregate<T, TAcc, R>(fn: AggregateFunction<T, TAcc, R>): FrameAggregate<T, R> {
  return fn.sliding ? new SlidingFormFrame(fn.sliding()) : new GenericFrame(fn);
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

  constructor(private readonly accumulator: SlidingAccumulator<T, R>) {}

  get size(): number {
    return this.#length;
  }

  newestTimestamp(): number {
    return this.#length > 0
      ? this.#timestamps[(this.#head + this.#length - 1) & this.#mask]!
      : Number.NEGATIVE_INFINITY;
  }

  push(value: T, timestamp: number): void {
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

  evictBefore(lower: number): void {
    while (this.#length > 0 && this.#timestamps[this.#head]! < lower) this.#evictOldest();
  }

  evictToSize(size: number): void {
    while (this.#length > size) this.#evictOldest();
  }

  result(): R {
    return this.accumulator.result();
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

  constructor(private readonly fn: AggregateFunction<T, TAcc, R>) {
    this.#frame = new SlidingAggregator(fn);
  }

  get size(): number {
    return this.#frame.size;
  }

  newestTimestamp(): number {
    return this.#frame.newestTimestamp();
  }

  push(value: T, timestamp: number): void {
    this.#frame.push(value, timestamp);
  }

  evictBefore(lower: number): void {
    this.#frame.evictBefore(lower);
  }

  evictToSize(size: number): void {
    this.#frame.evictToSize(size);
  }

  result(): R {
    return this.fn.result(this.#frame.query());
  }

  records(): { values: T[]; timestamps: number[] } {
    return this.#frame.records();
  }
}
