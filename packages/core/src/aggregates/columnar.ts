import type { AvgAccumulator } from "./avg.ts";
import type { StatsAccumulator } from "./stats.ts";

/**
 * An aggregate's accumulator laid out as `width` numbers in a `Float64Array`: the optional
 * {@link AggregateFunction.columnar} form. An operator that holds many accumulators of one
 * aggregate (the event-time window operator holds one per key and window) keeps them side by side
 * in one typed array, `width` numbers per accumulator starting at `at`, instead of one object
 * each: no allocation per window, nothing for the garbage collector to trace, and a checkpoint
 * writes the array as it is.
 *
 * Contract (a property test holds every built-in to it):
 * - `init` then any sequence of `add`s, then `read`, gives an accumulator equal field by field
 *   (`Object.is`, so `NaN` and `-0` included) to `create()` followed by the same `add`s;
 * - `write(values, at, acc)` then `read(values, at)` gives an accumulator equal to `acc`;
 * - `add` evaluates its input before it changes anything, so an `add` that throws (a projection
 *   that throws) leaves the accumulator as it was;
 * - `read` returns a new value each time (the caller may keep it).
 *
 * Only aggregates whose accumulator is a fixed number of numbers can have this form; the built-ins
 * `count`, `sum`, `min`, `max`, `avg` and `stats` do. User-defined aggregates need none: operators
 * fall back to accumulator objects.
 *
 * @example
 * const total: AggregateFunction<{ amount: number }, number, number> = {
 *   create: () => 0,
 *   add: (acc, order) => acc + order.amount,
 *   merge: (a, b) => a + b,
 *   result: (acc) => acc,
 *   columnar: numberColumn(0, (acc: number, order: { amount: number }) => acc + order.amount),
 * };
 */
export interface ColumnarAccumulator<TIn, TAcc> {
  /** Numbers per accumulator. */
  readonly width: number;
  /** Writes `create()`'s accumulator at `values[at, at + width)`. */
  init(values: Float64Array, at: number): void;
  /** Adds `value` to the accumulator at `at`, in place. */
  add(values: Float64Array, at: number, value: TIn): void;
  /** The accumulator at `at`, as the object (or number) `create`/`add` would have built. */
  read(values: Float64Array, at: number): TAcc;
  /** Stores `accumulator` at `at` (state restored from its object form). */
  write(values: Float64Array, at: number, accumulator: TAcc): void;
}

/**
 * The columnar form of an aggregate whose accumulator is one number, from the same `add`.
 *
 * @example
 * const add = (acc: number, value: { amount: number }) => acc + value.amount;
 * const columnar = numberColumn(0, add); // what `sum` uses
 */
export function numberColumn<TIn>(
  initial: number,
  add: (accumulator: number, value: TIn) => number,
): ColumnarAccumulator<TIn, number> {
  return {
    width: 1,
    init: (values, at) => {
      values[at] = initial;
    },
    add: (values, at, value) => {
      values[at] = add(values[at]!, value);
    },
    read: (values, at) => values[at]!,
    write: (values, at, accumulator) => {
      values[at] = accumulator;
    },
  };
}

/** {@link avg}'s accumulator as `[sum, count]`. */
export function avgColumns<TIn>(of: (value: TIn) => number): ColumnarAccumulator<TIn, AvgAccumulator> {
  return {
    width: 2,
    init: (values, at) => {
      values[at] = 0;
      values[at + 1] = 0;
    },
    add: (values, at, value) => {
      values[at] = values[at]! + of(value);
      values[at + 1] = values[at + 1]! + 1;
    },
    read: (values, at) => ({ sum: values[at]!, count: values[at + 1]! }),
    write: (values, at, acc) => {
      values[at] = acc.sum;
      values[at + 1] = acc.count;
    },
  };
}

/** {@link stats}'s accumulator as `[count, sum, min, max]`. */
export function statsColumns<TIn>(of: (value: TIn) => number): ColumnarAccumulator<TIn, StatsAccumulator> {
  return {
    width: 4,
    init: (values, at) => {
      values[at] = 0;
      values[at + 1] = 0;
      values[at + 2] = Number.POSITIVE_INFINITY;
      values[at + 3] = Number.NEGATIVE_INFINITY;
    },
    add: (values, at, value) => {
      const x = of(value);
      values[at] = values[at]! + 1;
      values[at + 1] = values[at + 1]! + x;
      values[at + 2] = Math.min(values[at + 2]!, x);
      values[at + 3] = Math.max(values[at + 3]!, x);
    },
    read: (values, at) => ({
      count: values[at]!,
      sum: values[at + 1]!,
      min: values[at + 2]!,
      max: values[at + 3]!,
    }),
    write: (values, at, acc) => {
      values[at] = acc.count;
      values[at + 1] = acc.sum;
      values[at + 2] = acc.min;
      values[at + 3] = acc.max;
    },
  };
}
