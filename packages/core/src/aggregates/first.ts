import type { AggregateFunction } from "./aggregate-function.ts";

/** The accumulator of {@link first}: whether a record was seen, and its projected value.
 *
 * @example
 * const acc: FirstAccumulator<number> = first((t: Tick) => t.price).create(); // { has: false, value: undefined }
 */
export interface FirstAccumulator<R> {
  /** Whether a record was added (`value` is meaningful only then). */
  has: boolean;
  /** The projected value of the first record added. */
  value: R | undefined;
}

/**
 * The first record (or `of(record)`) in the order records reached the window or frame, i.e. the
 * arrival order, which within one source split is the source's order. Under out-of-order input
 * that is not necessarily the earliest event time: for the record with the smallest timestamp
 * use `topN(1, (r) => -r.timestamp)`.
 *
 * `of`'s results are kept in the accumulator, so they must be plain data (checkpoints store
 * them). An empty accumulator has no first value: its `result` throws a `RangeError`, as
 * `[].reduce` does (never observed from a window or an over frame, which fire only once they
 * hold a record).
 *
 * @example
 * ticks.keyBy((t) => t.symbol).window(tumbling(minutes(1))).aggregate(first((t) => t.price))
 * // → { key: "EURUSD", window, value: <the opening price of the minute> }
 */
export function first<T>(): AggregateFunction<T, FirstAccumulator<T>, T>;
export function first<T, R>(of: (value: T) => R): AggregateFunction<T, FirstAccumulator<R>, R>;
export function first<T, R>(of?: (value: T) => R): AggregateFunction<T, FirstAccumulator<R>, R> {
  const project = of ?? ((value: T) => value as unknown as R);
  return {
    create: () => ({ has: false, value: undefined }),
    add: (acc, value) => {
      if (!acc.has) {
        acc.value = project(value);
        acc.has = true;
      }
      return acc;
    },
    // A fresh object: the caller may `add` to the result, which must not change `a` or `b`.
    merge: (a, b) => (a.has ? { has: true, value: a.value } : { has: b.has, value: b.value }),
    result: (acc) => {
      if (!acc.has) throw new RangeError("first(): no record was aggregated, so there is no first value");
      return acc.value as R;
    },
  };
}
