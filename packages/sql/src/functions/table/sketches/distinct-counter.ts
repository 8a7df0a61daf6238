import type { SqlValue } from "../../../types/sql-value.ts";
import { HyperLogLog } from "./hyper-log-log.ts";

/** Up to this many distinct items the count is exact, as KDA documents for COUNT_DISTINCT_ITEMS_TUMBLING. */
export const EXACT_DISTINCT_LIMIT = 10_000;

/**
 * Counts distinct values: exactly (a Set) while there are at most {@link EXACT_DISTINCT_LIMIT}, then
 * with a {@link HyperLogLog} into which the Set's items are moved.
 */
export class DistinctCounter {
  #exact: Set<SqlValue> | undefined = new Set();
  #sketch: HyperLogLog | undefined;

  /** Adds a value (NULL is no item). */
  add(value: SqlValue): void {
    if (value === null) return;
    const exact = this.#exact;
    if (exact) {
      exact.add(value instanceof Uint8Array ? hex(value) : value);
      if (exact.size > EXACT_DISTINCT_LIMIT) {
        const sketch = new HyperLogLog();
        for (const item of exact) sketch.add(hashKey(item));
        this.#sketch = sketch;
        this.#exact = undefined;
      }
      return;
    }
    this.#sketch!.add(hashKey(value));
  }

  /** The number of distinct values: exact up to {@link EXACT_DISTINCT_LIMIT}, else estimated. */
  count(): number {
    return this.#exact ? this.#exact.size : Math.round(this.#sketch!.estimate());
  }

  /** The counter as plain data. */
  snapshot(): DistinctCounterSnapshot {
    return this.#exact ? { exact: [...this.#exact] } : { registers: this.#sketch!.snapshot() };
  }

  /** A counter continuing from a snapshot. */
  static restore(state: DistinctCounterSnapshot): DistinctCounter {
    const counter = new DistinctCounter();
    if ("exact" in state) counter.#exact = new Set(state.exact);
    else {
      counter.#exact = undefined;
      counter.#sketch = new HyperLogLog(state.registers);
    }
    return counter;
  }
}

/** What {@link DistinctCounter.snapshot} returns. */
export type DistinctCounterSnapshot =
  | { readonly exact: readonly SqlValue[] }
  | { readonly registers: Uint8Array };

function hashKey(value: SqlValue): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return hex(value);
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}
