import type { AggregateFunction } from "./aggregate-function.ts";
import { statsColumns } from "./columnar.ts";

/** What {@link stats} computes. */
export interface Stats {
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly avg: number;
}

/** The accumulator of {@link stats}. */
export interface StatsAccumulator {
  count: number;
  sum: number;
  min: number;
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
  return {
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
    columnar: statsColumns(of),
  };
}
