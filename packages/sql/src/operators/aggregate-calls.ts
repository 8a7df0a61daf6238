import type { AggregateFunction, SlidingAccumulator } from "@eddy/core";
import type { AggregateCall, AnalyticCall, SqlRow } from "../plan/logical-plan.ts";
import type { SqlValue } from "../types/sql-value.ts";
import type { RowContext } from "./row-step.ts";

/** A call's evaluated arguments for one row (with the ROWTIME appended when the call asks for it). */
export type CallArguments = readonly SqlValue[];

/**
 * Evaluates the arguments of each call on one row, in call order. Done in a row step, before any
 * state is touched, so a failing argument sends the row to the error stream whole (A6).
 */
export function evaluateCallArguments(
  calls: readonly (AggregateCall | AnalyticCall)[],
  row: SqlRow,
  rowtime: number,
  context: RowContext,
): CallArguments[] {
  // Loops, not map: this runs for every row of every aggregation.
  const all = new Array<CallArguments>(calls.length);
  for (let c = 0; c < calls.length; c++) {
    const call = calls[c]!;
    const values = new Array<SqlValue>(call.args.length);
    for (let a = 0; a < call.args.length; a++) values[a] = call.args[a]!.evaluate(row, rowtime, context);
    if (call.kind === "aggregate" && call.rowtimeArgument) values.push(rowtime);
    all[c] = values;
  }
  return all;
}

/**
 * Runs several aggregate calls as one core aggregate over each row's argument lists, picking call
 * `slots[i]`'s arguments for call `i`; with a sliding form when every call has one, so over frames
 * stay O(1) per row.
 */
export function combinedAggregate(
  calls: readonly AggregateCall[],
  slots: readonly number[] = calls.map((_, i) => i),
): AggregateFunction<readonly CallArguments[], unknown[], SqlValue[]> {
  const parts = calls.map((call) => call.aggregate);
  const slidingParts = parts.every((part) => part.sliding !== undefined)
    ? parts.map((part) => part.sliding!)
    : undefined;
  return {
    create: () => parts.map((part) => part.create()),
    add: (accumulators, args) => {
      for (let i = 0; i < parts.length; i++) {
        accumulators[i] = parts[i]!.add(accumulators[i], args[slots[i]!]!);
      }
      return accumulators;
    },
    merge: (a, b) => parts.map((part, i) => part.merge(a[i], b[i])),
    result: (accumulators) => parts.map((part, i) => part.result(accumulators[i])),
    ...(slidingParts && {
      sliding: (): SlidingAccumulator<readonly CallArguments[], SqlValue[]> => {
        const forms = slidingParts.map((make) => make());
        return {
          push: (args) => {
            for (let i = 0; i < forms.length; i++) forms[i]!.push(args[slots[i]!]!);
          },
          evictOldest: () => {
            for (const form of forms) form.evictOldest();
          },
          result: () => forms.map((form) => form.result()),
        };
      },
    }),
  };
}

/**
 * An analytic call (`LAG`, `NTH_VALUE`) as a core aggregate whose state is the frame's argument
 * lists, oldest first: the over operator slides it like any other aggregate. It keeps the lists
 * it is given.
 */
export function analyticAggregate(
  call: AnalyticCall,
): AggregateFunction<CallArguments, CallArguments[], SqlValue> {
  return {
    create: () => [],
    add: (rows, args) => {
      rows.push(args);
      return rows;
    },
    merge: (a, b) => a.concat(b),
    result: (rows) => call.evaluator.evaluate(rows),
    sliding: () => {
      let rows: CallArguments[] = [];
      let head = 0;
      return {
        push: (args) => void rows.push(args),
        evictOldest: () => {
          head++;
          // Drop the evicted prefix once it is half the array, so eviction stays O(1) amortized.
          if (head * 2 >= rows.length) {
            rows = rows.slice(head);
            head = 0;
          }
        },
        result: () => call.evaluator.evaluate(head === 0 ? rows : rows.slice(head)),
      };
    },
  };
}
