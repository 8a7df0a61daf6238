import type { AggregateFunction } from "./aggregate-function.ts";

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
  return {
    create: () => Number.POSITIVE_INFINITY,
    add: (acc, value) => Math.min(acc, of(value)),
    merge: (a, b) => Math.min(a, b),
    result: (acc) => acc,
  };
}
