import { PipelineDefinitionError } from "../runtime/errors.ts";
import type { AggregateFunction } from "./aggregate-function.ts";

/**
 * The accumulator of {@link topN}: the best records so far, best first, with their `by` values
 * in a parallel array (so `by` runs once per record, and no entry object is allocated per record).
 *
 * @example
 * const acc: TopNAccumulator<Order> = topN(3, (o: Order) => o.amount).create(); // { values: [], keys: [] }
 */
export interface TopNAccumulator<T> {
  /** The best records so far, best first (at most `n`). */
  readonly values: T[];
  /** `by(record)` of each entry of `values`, same order. */
  readonly keys: number[];
}

/**
 * The `n` records with the highest `by(record)`, highest first. Ties keep the earlier record
 * (in the order records reached the window or frame) ahead of the later one, and the earlier one
 * stays when only one of them fits. A `NaN` `by` ranks lowest, level with `-Infinity`.
 *
 * Records are kept whole in the accumulator, so they must be plain data (checkpoints store them).
 * Each result is a new array. An empty accumulator's result is `[]`.
 *
 * For the lowest `n`, negate: `topN(3, (t) => -t.latency)`.
 *
 * @example
 * orders.keyBy((o) => o.customer).window(tumbling(hours(1))).aggregate(topN(3, (o) => o.amount))
 * // → { key: "acme", window, value: [<largest order>, <second>, <third>] }
 *
 * @throws PipelineDefinitionError when `n` is not a positive integer.
 */
export function topN<T>(n: number, by: (value: T) => number): AggregateFunction<T, TopNAccumulator<T>, T[]> {
  if (!Number.isInteger(n) || n < 1) {
    throw new PipelineDefinitionError(`topN: n must be a positive integer, got ${n}`);
  }
  return {
    create: () => ({ values: [], keys: [] }),
    add: (acc, value) => {
      const raw = by(value);
      const key = Number.isNaN(raw) ? Number.NEGATIVE_INFINITY : raw;
      const { values, keys } = acc;
      const length = keys.length;
      // A later record only displaces the last one if strictly better: ties keep the earlier.
      if (length === n && !(key > keys[length - 1]!)) return acc;
      let lo = 0;
      let hi = length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (keys[mid]! >= key) lo = mid + 1;
        else hi = mid;
      }
      if (length === n) {
        keys.pop();
        values.pop();
      }
      keys.splice(lo, 0, key);
      values.splice(lo, 0, value);
      return acc;
    },
    merge: (a, b) => {
      const values: T[] = [];
      const keys: number[] = [];
      let i = 0;
      let j = 0;
      while (keys.length < n && (i < a.keys.length || j < b.keys.length)) {
        // `a` holds the earlier records, so it wins ties.
        if (j >= b.keys.length || (i < a.keys.length && a.keys[i]! >= b.keys[j]!)) {
          keys.push(a.keys[i]!);
          values.push(a.values[i]!);
          i++;
        } else {
          keys.push(b.keys[j]!);
          values.push(b.values[j]!);
          j++;
        }
      }
      return { values, keys };
    },
    result: (acc) => acc.values.slice(),
  };
}
