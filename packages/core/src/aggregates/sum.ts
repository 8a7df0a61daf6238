import type { AggregateFunction } from "./aggregate-function.ts";
import { numberColumn } from "./columnar.ts";
import { withFastPaths } from "./fast-paths.ts";
import { slidingSum } from "./sliding/sliding-accumulator.ts";

/**
 * Sums `of(record)` over the records; an empty accumulator's result is `0`.
 *
 * Order-insensitive up to floating-point rounding: a sum merged from partial sums (session
 * windows, over frames) may differ from a sequential sum in the last bits when values are not
 * integers. A `NaN` value makes the sum `NaN`, as in plain arithmetic.
 *
 * @example
 * orders.keyBy((o) => o.customer).window(tumbling(hours(1))).aggregate(sum((o) => o.amount))
 * // → { key: "c-17", window: { start, end }, value: 129.5 }
 */
export function sum<T>(of: (value: T) => number): AggregateFunction<T, number, number> {
  const add = (acc: number, value: T) => acc + of(value);
  return withFastPaths(
    {
      create: () => 0,
      add,
      merge: (a, b) => a + b,
      result: (acc) => acc,
    },
    { columnar: numberColumn(0, add), sliding: () => slidingSum(of) },
  );
}
