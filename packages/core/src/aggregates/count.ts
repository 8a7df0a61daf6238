import type { AggregateFunction } from "./aggregate-function.ts";
import { numberColumn } from "./columnar.ts";
import { withFastPaths } from "./fast-paths.ts";
import { slidingCount } from "./sliding/sliding-accumulator.ts";

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
  const add = (acc: number) => acc + 1;
  return withFastPaths(
    {
      create: () => 0,
      add,
      merge: (a, b) => a + b,
      result: (acc) => acc,
    },
    { columnar: numberColumn(0, add), sliding: slidingCount },
  );
}
