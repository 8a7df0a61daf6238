import type { AggregateFunction } from "./aggregate-function.ts";

/**
 * Counts records. The accumulator is the count itself; an empty accumulator's result is `0`.
 *
 * Order-insensitive: the result does not depend on the order records reach the window, so it is
 * stable under out-of-order input.
 *
 * @example
 * clicks.keyBy((c) => c.page).window(tumbling(minutes(1))).aggregate(count())
 * // → { key: "/home", window: { start, end }, value: 42 }
 */
export function count(): AggregateFunction<unknown, number, number> {
  return {
    create: () => 0,
    add: (acc) => acc + 1,
    merge: (a, b) => a + b,
    result: (acc) => acc,
  };
}
