import { Float64Ring } from "./float64-ring.ts";

/**
 * The minimum (or maximum) of a FIFO of numbers in O(1) amortized per push and evict: a
 * monotonic deque. It holds only the values that can still become the extreme: a new value
 * removes every newer-side value it beats, since those leave the frame before it does. Each value
 * enters and leaves the deque once.
 *
 * Results follow `Math.min` / `Math.max` over the values held, bit for bit: `NaN` while the frame
 * holds a `NaN` (a `NaN` beats everything and nothing beats it), `-0` below `+0` for the minimum
 * and above it for the maximum; an empty deque gives `Infinity` (min) or `-Infinity` (max).
 */
export class MonotonicDeque {
  /** Candidates, oldest first, and the position of each in the FIFO. */
  readonly #values = new Float64Ring();
  readonly #positions = new Float64Ring();
  #pushed = 0;
  #evicted = 0;

  /** `"min"` keeps the minimum, `"max"` the maximum. */
  constructor(private readonly extreme: "min" | "max") {}

  /** Appends `value` as the newest. */
  push(value: number): void {
    const values = this.#values;
    const positions = this.#positions;
    if (this.extreme === "min") {
      while (values.length > 0 && beatsOrTiesForMin(value, values.last())) {
        values.pop();
        positions.pop();
      }
    } else {
      while (values.length > 0 && beatsOrTiesForMax(value, values.last())) {
        values.pop();
        positions.pop();
      }
    }
    values.push(value);
    positions.push(this.#pushed++);
  }

  /** Removes the oldest value of the FIFO; it must not be empty. */
  evictOldest(): void {
    if (this.#positions.length > 0 && this.#positions.first() === this.#evicted) {
      this.#positions.shift();
      this.#values.shift();
    }
    this.#evicted++;
  }

  /** The extreme of the values held. */
  value(): number {
    if (this.#values.length > 0) return this.#values.first();
    return this.extreme === "min" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }
}

/**
 * Whether a newer `x` makes an older `y` useless for the minimum: `x <= y` in the order
 * NaN < -Infinity < … < -0 < +0 < … (ties go to the newer value, which stays longer).
 */
function beatsOrTiesForMin(x: number, y: number): boolean {
  if (x < y) return true;
  if (x === y) return !(x === 0 && 1 / x > 0 && 1 / y < 0);
  return Number.isNaN(x);
}

/** The same for the maximum, in the order NaN > +Infinity > … > +0 > -0 > …. */
function beatsOrTiesForMax(x: number, y: number): boolean {
  if (x > y) return true;
  if (x === y) return !(x === 0 && 1 / x < 0 && 1 / y > 0);
  return Number.isNaN(x);
}
