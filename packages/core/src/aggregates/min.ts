import type { AggregateFunction } from "./aggregate-function.ts";
import { numberColumn } from "./columnar.ts";
import { withFastPaths } from "./fast-paths.ts";
import { slidingExtreme } from "./sliding/sliding-accumulator.ts";

/**
 * The smallest `of(record)`. Follows `Math.min`: an empty accumulator's result is `Infinity`
 * (never observed from a window or an over frame, which fire only once they hold a record), and a
 * `NaN` value makes the result `NaN`.
 *
 * Order-insensitive: stable under out-of-order input.
 *
 * @example
 * ticks.keyBy((t) => t.symbol).window(tumbling(minutes(1))).aggregate(min((t) => t.price))
 * // → { key: "EURUSD", window: { start, end }, value: 1.0841 }
 */
export function min<T>(of: (value: T) => number): AggregateFunction<T, number, number> {
  const add = (acc: number, value: T) => Math.min(acc, of(value));
  return withFastPaths(
    {
      create: () => Number.POSITIVE_INFINITY,
      add,
      merge: (a, b) => Math.min(a, b),
      result: (acc) => acc,
    },
    { columnar: numberColumn(Number.POSITIVE_INFINITY, add), sliding: () => slidingExtreme("min", of) },
  );
}
