import type { SqlValue } from "../../types/sql-value.ts";
import { compareValues } from "../support/compare-values.ts";

/**
 * The minimum or maximum of a FIFO of comparable SQL values (strings, intervals, booleans…) in
 * O(1) amortized per push and evict: a monotonic deque of the values that can still become the
 * extreme, each with its position in the FIFO. Core's deque does this for numbers; this one
 * takes SQL's ordering.
 */
export class OrderedDeque {
  readonly #values: SqlValue[] = [];
  readonly #positions: number[] = [];
  #head = 0;
  #pushed = 0;
  #evicted = 0;

  constructor(private readonly extreme: "min" | "max") {}

  push(value: SqlValue): void {
    const sign = this.extreme === "min" ? 1 : -1;
    // A newer value that ties or beats an older candidate outlives it.
    while (
      this.#values.length > this.#head &&
      sign * compareValues(this.#values[this.#values.length - 1]!, value) >= 0
    ) {
      this.#values.pop();
      this.#positions.pop();
    }
    this.#values.push(value);
    this.#positions.push(this.#pushed++);
  }

  evictOldest(): void {
    if (this.#values.length > this.#head && this.#positions[this.#head] === this.#evicted) this.#head++;
    this.#evicted++;
    // Drop the consumed prefix now and then, so the arrays do not grow without bound.
    if (this.#head > 64 && this.#head * 2 > this.#values.length) {
      this.#values.splice(0, this.#head);
      this.#positions.splice(0, this.#head);
      this.#head = 0;
    }
  }

  /** The extreme of the values held; undefined when none is. */
  value(): SqlValue | undefined {
    return this.#values.length > this.#head ? this.#values[this.#head] : undefined;
  }
}
