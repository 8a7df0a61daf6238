import { unrollDoubled } from "./unroll-doubled.ts";

/**
 * The sum of a FIFO of numbers, kept by adding each value as it arrives and subtracting it as it
 * leaves: O(1) per push and evict, where refolding the frame would be O(frame).
 *
 * Subtraction makes rounding errors outlive the values that caused them, so three measures keep
 * the sum as accurate as a fresh fold of the values still held:
 * - Neumaier's compensated summation: the exact rounding error of every addition is collected in
 *   a second number, so the error of the running sum does not grow with the number of updates;
 * - a rebuild from the held values once as many values were evicted since the last rebuild as are
 *   still held (amortized O(1): each rebuild is paid for by as many evictions), which drops what
 *   evicted values of a larger magnitude left in the compensation;
 * - `NaN`, `+Infinity` and `-Infinity` are counted apart from the finite values (subtracting an
 *   `Infinity` would leave `NaN` behind), and the sum follows IEEE arithmetic on them: `NaN` while
 *   the frame holds a `NaN` or both infinities, else the infinity it holds. A finite sum that
 *   overflows is rebuilt from the held values when read, until it is finite again.
 */
export class RunningSum {
  /** The values held, in a circular buffer handled inline (see {@link unrollDoubled} for why). */
  #values = new Float64Array(16);
  #mask = 15;
  #head = 0;
  #length = 0;
  #sum = 0;
  #compensation = 0;
  #nans = 0;
  #positiveInfinities = 0;
  #negativeInfinities = 0;
  #evictedSinceRebuild = 0;
  #overflowed = false;

  /** Number of values held. */
  get size(): number {
    return this.#length;
  }

  /** Adds `value` as the newest. */
  push(value: number): void {
    if (this.#length === this.#values.length) this.#grow();
    this.#values[(this.#head + this.#length) & this.#mask] = value;
    this.#length++;
    // Neumaier's step, inline for finite values (a call would box the double it passes).
    const s = this.#sum;
    const t = s + value;
    if (t - t === 0) {
      if (Math.abs(s) >= Math.abs(value)) this.#compensation += s - t + value;
      else this.#compensation += value - t + s;
      this.#sum = t;
    } else this.#include(value, 1);
  }

  /** Removes the oldest value; the sum must not be empty. */
  evictOldest(): void {
    const value = this.#values[this.#head]!;
    this.#head = (this.#head + 1) & this.#mask;
    this.#length--;
    if (++this.#evictedSinceRebuild >= this.#length) {
      this.#rebuild();
      return;
    }
    const s = this.#sum;
    const t = s - value;
    if (t - t === 0) {
      if (Math.abs(s) >= Math.abs(value)) this.#compensation += s - t - value;
      else this.#compensation += -value - t + s;
      this.#sum = t;
    } else this.#include(value, -1);
  }

  #grow(): void {
    this.#values = unrollDoubled(this.#values, this.#head);
    this.#mask = this.#values.length - 1;
    this.#head = 0;
  }

  /** The sum of the values held (`0` when empty). */
  value(): number {
    if (this.#nans > 0 || (this.#positiveInfinities > 0 && this.#negativeInfinities > 0)) return Number.NaN;
    if (this.#positiveInfinities > 0) return Number.POSITIVE_INFINITY;
    if (this.#negativeInfinities > 0) return Number.NEGATIVE_INFINITY;
    if (this.#overflowed) {
      this.#rebuild();
      // The values held overflow when folded oldest first: the infinity that fold reaches.
      if (this.#overflowed) return this.#sum;
    }
    return this.#sum + this.#compensation;
  }

  /**
   * Adds (`sign` 1) or subtracts (`sign` -1) one value: the general case, for values that are not
   * finite and sums that overflow (`push` and `evictOldest` handle the rest inline).
   */
  #include(value: number, sign: number): void {
    if (value - value === 0) {
      // Finite (an infinity or NaN minus itself is NaN).
      const x = sign * value;
      const s = this.#sum;
      const t = s + x;
      if (t - t !== 0) {
        // Overflow: there is no exact error to keep; `value` rebuilds from the values held.
        this.#overflowed = true;
        this.#sum = t;
        return;
      }
      // The exact error of `s + x`: whichever operand is larger in magnitude absorbs the other.
      if (Math.abs(s) >= Math.abs(x)) this.#compensation += s - t + x;
      else this.#compensation += x - t + s;
      this.#sum = t;
    } else if (Number.isNaN(value)) this.#nans += sign;
    else if (value > 0) this.#positiveInfinities += sign;
    else this.#negativeInfinities += sign;
  }

  /** Recomputes the sum and the counts from the values held. */
  #rebuild(): void {
    this.#sum = 0;
    this.#compensation = 0;
    this.#nans = 0;
    this.#positiveInfinities = 0;
    this.#negativeInfinities = 0;
    this.#overflowed = false;
    this.#evictedSinceRebuild = 0;
    const values = this.#values;
    for (let i = 0; i < this.#length; i++) this.#include(values[(this.#head + i) & this.#mask]!, 1);
  }
}
