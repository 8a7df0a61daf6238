import { unrollDoubled } from "./unroll-doubled.ts";

/**
 * The minimum (or maximum) of a FIFO of numbers in O(1) amortized per push and evict: a
 * monotonic deque. It holds only the values that can still become the extreme: a new value
 * removes every newer-side value it beats, since those leave the frame before it does. Each value
 * enters and leaves the deque once.
 *
 * Results follow `Math.min` / `Math.max` over the values held, bit for bit: `NaN` while the frame
 * holds a `NaN` (a `NaN` beats everything and nothing beats it), `-0` below `+0` for the minimum
 * and above it for the maximum; an empty deque gives `Infinity` (min) or `-Infinity` (max).
 *
 * The candidates live in two circular `Float64Array`s (values, and each one's position in the
 * FIFO) handled inline: a call per value would box the numbers it passes, and the allocation
 * shows at millions of records per second.
 */
export class MonotonicDeque {
  #values = new Float64Array(16);
  #positions = new Float64Array(16);
  #mask = 15;
  #head = 0;
  #length = 0;
  /** Position of the next value pushed, and of the oldest value still in the FIFO. */
  #pushed = 0;
  #evicted = 0;
  readonly #forMin: boolean;

  /** `"min"` keeps the minimum, `"max"` the maximum. */
  constructor(extreme: "min" | "max") {
    this.#forMin = extreme === "min";
  }

  /** Appends `value` as the newest. */
  push(value: number): void {
    const values = this.#values;
    const head = this.#head;
    const mask = this.#mask;
    let length = this.#length;
    // Drop the newer-side candidates `value` beats or ties (ties go to the newer, which stays
    // longer). The common comparisons are inline; zeros and NaN go to a function (their order is
    // not that of `<`), so the loop stays small enough for the optimizer to inline `push`.
    if (this.#forMin) {
      while (length > 0) {
        const y = values[(head + length - 1) & mask]!;
        if (value < y || (value === y && value !== 0)) length--;
        else if (value > y || !replacesForMin(value, y)) break;
        else length--;
      }
    } else {
      while (length > 0) {
        const y = values[(head + length - 1) & mask]!;
        if (value > y || (value === y && value !== 0)) length--;
        else if (value < y || !replacesForMax(value, y)) break;
        else length--;
      }
    }
    if (length === values.length) this.#grow();
    const at = (this.#head + length) & this.#mask;
    this.#values[at] = value;
    this.#positions[at] = this.#pushed++;
    this.#length = length + 1;
  }

  /** Removes the oldest value of the FIFO; it must not be empty. */
  evictOldest(): void {
    if (this.#length > 0 && this.#positions[this.#head] === this.#evicted) {
      this.#head = (this.#head + 1) & this.#mask;
      this.#length--;
    }
    this.#evicted++;
  }

  #grow(): void {
    this.#values = unrollDoubled(this.#values, this.#head);
    this.#positions = unrollDoubled(this.#positions, this.#head);
    this.#mask = this.#values.length - 1;
    this.#head = 0;
  }

  /** The extreme of the values held. */
  value(): number {
    if (this.#length > 0) return this.#values[this.#head]!;
    return this.#forMin ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }
}

/**
 * For a newer `x` and an older `y` that are zeros or where one is NaN: whether `x` makes `y`
 * useless for the minimum, in the order NaN < -Infinity < … < -0 < +0 < … (ties to the newer).
 */
function replacesForMin(x: number, y: number): boolean {
  if (Number.isNaN(x)) return true;
  if (Number.isNaN(y)) return false;
  return !(1 / x > 0 && 1 / y < 0); // +0 does not replace -0
}

/** The same for the maximum, in the order NaN > +Infinity > … > +0 > -0 > …. */
function replacesForMax(x: number, y: number): boolean {
  if (Number.isNaN(x)) return true;
  if (Number.isNaN(y)) return false;
  return !(1 / x < 0 && 1 / y > 0); // -0 does not replace +0
}
