import type { AggregateFunction } from "./aggregate-function.ts";
import { avgColumns } from "./columnar.ts";
import { withFastPaths } from "./fast-paths.ts";
import { slidingAvg } from "./sliding/sliding-accumulator.ts";

/**
 * The accumulator of {@link avg}: a running sum and count.
 *
 * @example
 * const acc: AvgAccumulator = avg((t: Tick) => t.price).create(); // { sum: 0, count: 0 }
 */
export interface AvgAccumulator {
  /** Sum of the values added. */
  sum: number;
  /** Number of values added. */
  count: number;
}

/**
 * The arithmetic mean of `of(record)`. An empty accumulator's result is `NaN` (`0 / 0`; never
 * observed from a window or an over frame, which fire only once they hold a record).
 *
 * Order-insensitive up to floating-point rounding of the running sum (see {@link sum}).
 *
 * @example
 * ticks.keyBy((t) => t.symbol).over({ range: hours(1) }).aggregate(avg((t) => t.price))
 * // → one { key, record, value: <mean price of the last hour> } per tick
 */
export function avg<T>(of: (value: T) => number): AggregateFunction<T, AvgAccumulator, number> {
  return withFastPaths(
    {
      create: () => ({ sum: 0, count: 0 }),
      add: (acc, value) => {
        acc.sum += of(value);
        acc.count++;
        return acc;
      },
      merge: (a, b) => ({ sum: a.sum + b.sum, count: a.count + b.count }),
      result: (acc) => acc.sum / acc.count,
    },
    { columnar: avgColumns(of), sliding: () => slidingAvg(of) },
  );
}
