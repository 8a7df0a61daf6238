import type { AggregateFunction } from "./aggregate-function.ts";
import { statsColumns } from "./columnar.ts";
import { withFastPaths } from "./fast-paths.ts";
import { slidingStats } from "./sliding/sliding-accumulator.ts";

/**
 * What {@link stats} computes.
 *
 * @example
 * ticks
 *   .keyBy((t) => t.symbol)
 *   .window(tumbling(minutes(1)))
 *   .aggregate(stats((t) => t.price))
 *   .map((r) => `${r.key}: ${r.value.min}–${r.value.max}, mean ${r.value.avg.toFixed(4)} over ${r.value.count}`);
 */
export interface Stats {
  /** Number of records. */
  readonly count: number;
  /** Sum of the values. */
  readonly sum: number;
  /** Smallest value (`Infinity` when empty). */
  readonly min: number;
  /** Largest value (`-Infinity` when empty). */
  readonly max: number;
  /** Mean (`sum / count`; `NaN` when empty). */
  readonly avg: number;
}

/**
 * The accumulator of {@link stats}: count, sum, min and max (the mean is derived at the result).
 *
 * @example
 * const acc: StatsAccumulator = stats((t: Tick) => t.price).create();
 */
export interface StatsAccumulator {
  /** Number of records. */
  count: number;
  /** Sum of the values. */
  sum: number;
  /** Smallest value so far. */
  min: number;
  /** Largest value so far. */
  max: number;
}

/**
 * Count, sum, min, max and mean of `of(record)` in one pass. Each field follows its own
 * aggregate ({@link count}, {@link sum}, {@link min}, {@link max}, {@link avg}); an empty
 * accumulator gives `{ count: 0, sum: 0, min: Infinity, max: -Infinity, avg: NaN }`, never
 * observed from a window or an over frame, which fire only once they hold a record.
 *
 * Order-insensitive up to floating-point rounding of the sum.
 *
 * @example
 * ticks.keyBy((t) => t.symbol).window(tumbling(minutes(1))).aggregate(stats((t) => t.price))
 * // → { key: "EURUSD", window, value: { count: 120, sum: 130.2, min: 1.08, max: 1.09, avg: 1.085 } }
 */
export function stats<T>(of: (value: T) => number): AggregateFunction<T, StatsAccumulator, Stats> {
  return withFastPaths(
    {
      create: () => ({ count: 0, sum: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY }),
      add: (acc, value) => {
        const x = of(value);
        acc.count++;
        acc.sum += x;
        acc.min = Math.min(acc.min, x);
        acc.max = Math.max(acc.max, x);
        return acc;
      },
      merge: (a, b) => ({
        count: a.count + b.count,
        sum: a.sum + b.sum,
        min: Math.min(a.min, b.min),
        max: Math.max(a.max, b.max),
      }),
      result: (acc) => ({
        count: acc.count,
        sum: acc.sum,
        min: acc.min,
        max: acc.max,
        avg: acc.sum / acc.count,
      }),
    },
    { columnar: statsColumns(of), sliding: () => slidingStats(of) },
  );
}
