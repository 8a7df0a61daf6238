import type { AggregateFunction } from "./aggregate-function.ts";

/** The accumulator of {@link last}: whether a record was seen, and the latest projected value.
 *
 * @example
 * const acc: LastAccumulator<number> = last((t: Tick) => t.price).create(); // { has: false, value: undefined }
 */
export interface LastAccumulator<R> {
  /** Whether a record was added (`value` is meaningful only then). */
  has: boolean;
  /** The projected value of the latest record added. */
  value: R | undefined;
}

/**
 * The last record (or `of(record)`) in the order records reached the window or frame, i.e. the
 * arrival order, which within one source split is the source's order. Under out-of-order input
 * that is not necessarily the latest event time: for the record with the largest timestamp use
 * `topN(1, (r) => r.timestamp)`.
 *
 * `of`'s results are kept in the accumulator, so they must be plain data (checkpoints store
 * them). An empty accumulator has no last value: its `result` throws a `RangeError`, as
 * `[].reduce` does (never observed from a window or an over frame, which fire only once they
 * hold a record).
 *
 * @example
 * ticks.keyBy((t) => t.symbol).window(tumbling(minutes(1))).aggregate(last((t) => t.price))
 * // → { key: "EURUSD", window, value: <the closing price of the minute> }
 */
export function last<T>(): AggregateFunction<T, LastAccumulator<T>, T>;
export function last<T, R>(of: (value: T) => R): AggregateFunction<T, LastAccumulator<R>, R>;
export function last<T, R>(of?: (value: T) => R): AggregateFunction<T, LastAccumulator<R>, R> {
  const project = of ?? ((value: T) => value as unknown as R);
  return {
    create: () => ({ has: false, value: undefined }),
    add: (acc, value) => {
      acc.value = project(value);
      acc.has = true;
      return acc;
    },
    // A fresh object: the caller may `add` to the result, which must not change `a` or `b`.
    merge: (a, b) => (b.has ? { has: true, value: b.value } : { has: a.has, value: a.value }),
    result: (acc) => {
      if (!acc.has) throw new RangeError("last(): no record was aggregated, so there is no last value");
      return acc.value as R;
    },
  };
}
