import type { AggregateFunction } from "./aggregate-function.ts";
import { numberColumn } from "./columnar.ts";
import { withFastPaths } from "./fast-paths.ts";
import { slidingExtreme } from "./sliding/sliding-accumulator.ts";

/**
 * The largest `of(record)`. Follows `Math.max`: an empty accumulator's result is `-Infinity`
 * (never observed from a window or an over frame, which fire only once they hold a record), and a
 * `NaN` value makes the result `NaN`.
 *
 * Order-insensitive: stable under out-of-order input.
 *
 * @example
 * ticks.keyBy((t) => t.symbol).window(tumbling(minutes(1))).aggregate(max((t) => t.price))
 * // → { key: "EURUSD", window: { start, end }, value: 1.0873 }
 */
export function max<T>(of: (value: T) => number): AggregateFunction<T, number, number> {
  const add = (acc: number, value: T) => Math.max(acc, of(value));
  return withFastPaths(
    {
      create: () => Number.NEGATIVE_INFINITY,
      add,
      merge: (a, b) => Math.max(a, b),
      result: (acc) => acc,
    },
    { columnar: numberColumn(Number.NEGATIVE_INFINITY, add), sliding: () => slidingExtreme("max", of) },
  );
}
