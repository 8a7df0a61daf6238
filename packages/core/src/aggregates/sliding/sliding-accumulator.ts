import type { Stats } from "../stats.ts";
import { MonotonicDeque } from "./monotonic-deque.ts";
import { RunningSum } from "./running-sum.ts";

/**
 * An aggregate over a sliding FIFO of records, the optional {@link AggregateFunction.sliding}
 * form: over frames (`keyBy(...).over(frame).aggregate(fn)`) push each record as it enters the
 * frame and evict the oldest as it leaves, and read `result()` for every record. A built-in keeps
 * this O(1) amortized per record with structures the generic path cannot use: running sums with
 * subtraction (compensated, so rounding does not drift) for `count`, `sum` and `avg`, and
 * monotonic deques for `min` and `max`. Without the form, over frames use a generic two-stacks
 * aggregation of `add` and `merge`, also O(1) amortized but with more work and allocation per record.
 *
 * Contract (property tests hold every built-in to it):
 * - after any sequence of `push`es and `evictOldest`s, `result()` equals the aggregate's
 *   `result` of `create()` followed by `add` of the records still held, oldest first (sums up to
 *   floating-point rounding, no worse than that fold's);
 * - `push` evaluates its input before it changes anything, so a `push` that throws (a projection
 *   that throws) leaves the accumulator as it was;
 * - `evictOldest` is called only when a record is held; `result` only when one is held (an empty
 *   frame is never read);
 * - `result()` returns a new value each time (the caller may keep it).
 *
 * The built-ins' `sliding` and `columnar` forms are not enumerable: an aggregate made by spreading
 * a built-in and replacing `add` or `result` does not inherit forms that would compute the
 * built-in's result instead, and runs on the generic path. Give it forms of its own if it needs
 * the speed.
 *
 * @example
 * // A user-defined count whose frames need no two-stacks aggregation.
 * const countOf: AggregateFunction<unknown, number, number> = {
 *   create: () => 0,
 *   add: (acc) => acc + 1,
 *   merge: (a, b) => a + b,
 *   result: (acc) => acc,
 *   sliding: () => {
 *     let held = 0;
 *     return { push: () => void held++, evictOldest: () => void held--, result: () => held };
 *   },
 * };
 */
export interface SlidingAccumulator<TIn, TOut> {
  /** Adds `value` as the newest record. */
  push(value: TIn): void;
  /** Removes the oldest record. */
  evictOldest(): void;
  /** The aggregate of the records held. */
  result(): TOut;
}

/** {@link count}'s sliding form: a counter. */
export function slidingCount(): SlidingAccumulator<unknown, number> {
  let held = 0;
  return {
    push: () => {
      held++;
    },
    evictOldest: () => {
      held--;
    },
    result: () => held,
  };
}

/** {@link sum}'s sliding form: a compensated running sum. */
export function slidingSum<TIn>(of: (value: TIn) => number): SlidingAccumulator<TIn, number> {
  const sum = new RunningSum();
  return {
    push: (value) => sum.push(of(value)),
    evictOldest: () => sum.evictOldest(),
    result: () => sum.value(),
  };
}

/** {@link avg}'s sliding form: a compensated running sum over the count held. */
export function slidingAvg<TIn>(of: (value: TIn) => number): SlidingAccumulator<TIn, number> {
  const sum = new RunningSum();
  return {
    push: (value) => sum.push(of(value)),
    evictOldest: () => sum.evictOldest(),
    result: () => sum.value() / sum.size,
  };
}

/** {@link min}'s or {@link max}'s sliding form: a monotonic deque. */
export function slidingExtreme<TIn>(
  extreme: "min" | "max",
  of: (value: TIn) => number,
): SlidingAccumulator<TIn, number> {
  const deque = new MonotonicDeque(extreme);
  return {
    push: (value) => deque.push(of(value)),
    evictOldest: () => deque.evictOldest(),
    result: () => deque.value(),
  };
}

/** {@link stats}'s sliding form: a running sum and two monotonic deques over one projection. */
export function slidingStats<TIn>(of: (value: TIn) => number): SlidingAccumulator<TIn, Stats> {
  return new SlidingStats(of);
}

/** A class rather than closures: one object per key, fields the optimizer sees as fixed. */
class SlidingStats<TIn> implements SlidingAccumulator<TIn, Stats> {
  readonly #sum = new RunningSum();
  readonly #min = new MonotonicDeque("min");
  readonly #max = new MonotonicDeque("max");

  constructor(private readonly of: (value: TIn) => number) {}

  push(value: TIn): void {
    const x = this.of(value);
    this.#sum.push(x);
    this.#min.push(x);
    this.#max.push(x);
  }

  evictOldest(): void {
    this.#sum.evictOldest();
    this.#min.evictOldest();
    this.#max.evictOldest();
  }

  result(): Stats {
    const count = this.#sum.size;
    const sum = this.#sum.value();
    return { count, sum, min: this.#min.value(), max: this.#max.value(), avg: sum / count };
  }
}
