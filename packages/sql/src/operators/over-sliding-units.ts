import { type AggregateFunction, max, min, type SlidingAccumulator, sum } from "@eddy/core";
import {
  type NumericSummaryUse,
  numericSummaryOf,
  valueFormOf,
} from "../functions/aggregate/aggregate-support.ts";
import { ValueFifo } from "../functions/aggregate/fifo.ts";
import type { AggregateCall, AnalyticCall } from "../plan/logical-plan.ts";
import type { SqlValue } from "../types/sql-value.ts";
import type { CallArguments } from "./aggregate-calls.ts";

/**
 * The row the over windows read, one flat array: the input row itself, or, when some partition
 * key or call argument is not a plain input column, `[input columns | evaluated values]`: the
 * values evaluated before any state is touched, so that a failing one sends the row to the error
 * stream whole (A6), and ROWTIME where a call takes it; when the windows' partitions need rows
 * put back in arrival order, its arrival sequence last. The first window holds it; each later
 * window holds the result of the one before, which leads back to it.
 *
 * Flat arrays, not envelopes, and no copy of the input row when nothing is evaluated: a RANGE
 * frame keeps every row of its interval (an hour of ticks for the seed FX query), and each object
 * it keeps is copied by the collector until it is promoted.
 */
export type HeldRow = readonly SqlValue[];

/** One sliding structure of an over window, and the calls whose results it gives. */
export interface SlidingUnit {
  /** Adds a held row as the newest: the unit reads its arguments at their positions. */
  push(row: HeldRow): void;
  /** Removes the oldest row. */
  evictOldest(): void;
  /** Writes its calls' results into their slots of `values`. */
  results(values: SqlValue[]): void;
  /** Units whose calls all give one value (one call, or one repeated): that value. */
  value?(): SqlValue;
}

/**
 * The sliding structures of an over window's calls (which all have sliding forms), call `i`
 * reading held-row positions `positions[i]`: one {@link NumericSummary} per argument that numeric
 * aggregates read (MIN, MAX and AVG of a price keep one), and one form per other distinct call (a
 * call repeated in the select list, as the FX query's `FIRST_VALUE("price") OVER R1`, is
 * computed once), reading the held value itself when the call has a value form (FIRST_VALUE,
 * LAST_VALUE) rather than a new argument list per row. Each unit gives the results the calls' own
 * forms would.
 *
 * @example
 * declare const calls: readonly AggregateCall[]; // MIN(price), MAX(price)
 * const units = slidingUnits(calls, calls.map((c) => c.aggregate), [[2], [2]]); // one summary
 */
export function slidingUnits(
  calls: readonly (AggregateCall | AnalyticCall)[],
  parts: readonly AggregateFunction<CallArguments, unknown, SqlValue>[],
  positions: readonly (readonly number[])[],
): SlidingUnit[] {
  const summaries = new Map<string, { at: number; uses: NumericSummaryUse[]; slots: number[] }>();
  const single = new Map<string, { part: number; slots: number[] }>();
  calls.forEach((call, i) => {
    const list = positions[i]!.join(",");
    const use = call.kind === "aggregate" ? numericSummaryOf(call.aggregate) : undefined;
    if (use !== undefined) {
      const summary = summaries.get(list) ?? { at: positions[i]![0]!, uses: [], slots: [] };
      summary.uses.push(use);
      summary.slots.push(i);
      summaries.set(list, summary);
      return;
    }
    // An aggregate repeated with the same arguments and options gives the same results; analytic
    // calls carry settings (LAG's offset) that the plan does not show, so each keeps its own.
    const same = call.kind === "aggregate" ? `${call.name} ${list} ${JSON.stringify(call.options)}` : `#${i}`;
    const found = single.get(same);
    if (found) found.slots.push(i);
    else single.set(same, { part: i, slots: [i] });
  });
  const units: SlidingUnit[] = [];
  for (const { at, uses, slots } of summaries.values()) units.push(new NumericSummary(at, uses, slots));
  for (const { part, slots } of single.values()) {
    const call = calls[part]!;
    const valueForm =
      call.kind === "aggregate" && positions[part]!.length === 1 && valueFormOf(call.aggregate);
    units.push(
      valueForm
        ? new ValueCallForm(valueForm(), positions[part]![0]!, slots)
        : new CallForm(parts[part]!.sliding!(), positions[part]!, slots),
    );
  }
  return units;
}

/** One call's own sliding form, given a new argument list per row (the call may keep it). */
class CallForm implements SlidingUnit {
  constructor(
    private readonly form: SlidingAccumulator<CallArguments, SqlValue>,
    private readonly positions: readonly number[],
    private readonly slots: readonly number[],
  ) {}

  push(row: HeldRow): void {
    const args = new Array<SqlValue>(this.positions.length);
    for (let a = 0; a < this.positions.length; a++) args[a] = row[this.positions[a]!]!;
    this.form.push(args);
  }

  evictOldest(): void {
    this.form.evictOldest();
  }

  results(values: SqlValue[]): void {
    const value = this.form.result();
    for (let s = 0; s < this.slots.length; s++) values[this.slots[s]!] = value;
  }

  value(): SqlValue {
    return this.form.result();
  }
}

/** One call of one argument on its value form: it reads the value in the held row, no list per row. */
class ValueCallForm implements SlidingUnit {
  constructor(
    private readonly form: SlidingAccumulator<SqlValue, SqlValue>,
    private readonly at: number,
    private readonly slots: readonly number[],
  ) {}

  push(row: HeldRow): void {
    this.form.push(row[this.at] ?? null);
  }

  evictOldest(): void {
    this.form.evictOldest();
  }

  results(values: SqlValue[]): void {
    const value = this.form.result();
    for (let s = 0; s < this.slots.length; s++) values[this.slots[s]!] = value;
  }

  value(): SqlValue {
    return this.form.result();
  }
}

/** The figures a summary keeps, by {@link NumericSummaryUse.figure}. */
const FIGURE = { count: 0, sum: 1, min: 2, max: 3 } as const;

/**
 * The numeric aggregates of one argument (at position `at` of the held rows) as one summary of
 * its non-NULL values: which held rows are NULL, and core's sliding forms of the figures the calls
 * read (a compensated running sum, monotonic deques for the extremes: what the calls' own forms
 * keep, so the results are theirs).
 */
class NumericSummary implements SlidingUnit {
  readonly #nulls = new NullRows();
  readonly #sum: SlidingAccumulator<number, number> | undefined;
  readonly #min: SlidingAccumulator<number, number> | undefined;
  readonly #max: SlidingAccumulator<number, number> | undefined;
  readonly #figures: readonly number[];
  #held = 0;

  constructor(
    private readonly at: number,
    private readonly uses: readonly NumericSummaryUse[],
    private readonly slots: readonly number[],
  ) {
    const needs = (figure: NumericSummaryUse["figure"]) => uses.some((use) => use.figure === figure);
    const of = (x: number) => x;
    this.#sum = needs("sum") ? sum(of).sliding!() : undefined;
    this.#min = needs("min") ? min(of).sliding!() : undefined;
    this.#max = needs("max") ? max(of).sliding!() : undefined;
    this.#figures = uses.map((use) => FIGURE[use.figure]);
  }

  push(row: HeldRow): void {
    const x = row[this.at] ?? null;
    this.#nulls.push(x === null);
    if (x === null) return;
    this.#sum?.push(x as number);
    this.#min?.push(x as number);
    this.#max?.push(x as number);
    this.#held++;
  }

  evictOldest(): void {
    if (this.#nulls.shift()) return;
    this.#sum?.evictOldest();
    this.#min?.evictOldest();
    this.#max?.evictOldest();
    this.#held--;
  }

  results(values: SqlValue[]): void {
    const { uses, slots } = this;
    const held = this.#held;
    if (held === 0) {
      for (let u = 0; u < uses.length; u++) values[slots[u]!] = uses[u]!.empty;
      return;
    }
    const total = this.#sum?.result() ?? 0;
    const least = this.#min?.result() ?? 0;
    const greatest = this.#max?.result() ?? 0;
    for (let u = 0; u < uses.length; u++) {
      const figure = this.#figures[u]!;
      const value =
        figure === FIGURE.count
          ? held
          : figure === FIGURE.sum
            ? total
            : figure === FIGURE.min
              ? least
              : greatest;
      values[slots[u]!] = uses[u]!.finish(value, held);
    }
  }
}

/**
 * Which held rows are NULL, kept as the positions of the NULL ones: O(1) per row, and no work
 * beyond two counters while the argument has no NULLs (a price column never does).
 */
class NullRows {
  readonly #positions = new ValueFifo<number>();
  #pushed = 0;
  #evicted = 0;

  push(isNull: boolean): void {
    if (isNull) this.#positions.push(this.#pushed);
    this.#pushed++;
  }

  /** Removes the oldest row: whether it was NULL. */
  shift(): boolean {
    const position = this.#evicted++;
    if (this.#positions.size === 0 || this.#positions.at(0) !== position) return false;
    this.#positions.shift();
    return true;
  }
}
