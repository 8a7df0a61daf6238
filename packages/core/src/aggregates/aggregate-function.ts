import type { ColumnarAccumulator } from "./columnar.ts";
import type { SlidingAccumulator } from "./sliding/sliding-accumulator.ts";

/**
 * An incremental aggregation, as in Flink: a window or an over frame holds one accumulator, not
 * its records.
 *
 * Contract (the runtime relies on it):
 * - `add` may update `accumulator` in place and return it;
 * - `merge` must not modify its arguments (over aggregates keep partial accumulators and merge them
 *   again); `a` holds earlier records than `b`;
 * - `result` must not modify the accumulator;
 * - accumulators are plain data (no functions or class instances), so checkpoints can store them.
 *
 * @example
 * const total: AggregateFunction<{ amount: number }, number, number> = {
 *   create: () => 0,
 *   add: (acc, order) => acc + order.amount,
 *   merge: (a, b) => a + b,
 *   result: (acc) => acc,
 * };
 */
export interface AggregateFunction<TIn, TAcc, TOut> {
  /** A new, empty accumulator (a window's or frame's state before its first record). */
  create(): TAcc;
  /** Adds one record; may update `accumulator` in place and return it. */
  add(accumulator: TAcc, value: TIn): TAcc;
  /**
   * Combines two accumulators without modifying either (`a` holds the earlier records): merging session windows, over frames.
   */
  merge(a: TAcc, b: TAcc): TAcc;
  /** The aggregate's value, without modifying the accumulator; called at every firing. */
  result(accumulator: TAcc): TOut;
  /**
   * Optional: the same accumulator as a fixed number of numbers in a typed array (see
   * {@link ColumnarAccumulator}), which event-time windows use to keep accumulators without an
   * object per window. `count`, `sum`, `min`, `max`, `avg` and `stats` have it; without it
   * operators hold the accumulator objects `create` and `add` return.
   */
  readonly columnar?: ColumnarAccumulator<TIn, TAcc>;
  /**
   * Optional: a new accumulator for a sliding frame, which adds records at one end and evicts them
   * at the other (see {@link SlidingAccumulator}). Over frames use it instead of their generic
   * two-stacks aggregation of `add` and `merge`. `count`, `sum`, `min`, `max`, `avg` and `stats`
   * have it (O(1) amortized per record: running sums and monotonic deques).
   */
  readonly sliding?: () => SlidingAccumulator<TIn, TOut>;
}
