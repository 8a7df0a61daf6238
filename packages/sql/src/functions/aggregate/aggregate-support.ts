import type { AggregateFunction, SlidingAccumulator } from "@eddy/core";
import { isIntegerType, type SqlType } from "../../types/sql-type.ts";
import type { SqlValue } from "../../types/sql-value.ts";
import { type AggregateCallOptions, type ArgumentInfo, SqlFunctionError } from "../function-contract.ts";
import { numberFitter } from "../numeric/numeric-values.ts";
import { describeTypes } from "../support/sql-types.ts";
import { FlagFifo } from "./fifo.ts";

/** What an aggregate's input is: the row's evaluated arguments. */
export type Row = readonly SqlValue[];

/** An aggregate over rows, with SQL's NULL result. */
export type RowAggregate<TAcc> = AggregateFunction<Row, TAcc, SqlValue>;

/**
 * Gives an aggregate its columnar and sliding forms as non-enumerable properties, as core's
 * built-ins have them: an aggregate made by spreading this one and replacing `add` or `result`
 * must not inherit forms that compute this one's result.
 */
export function withForms<TAcc>(
  fn: RowAggregate<TAcc>,
  forms: Pick<RowAggregate<TAcc>, "columnar" | "sliding">,
): RowAggregate<TAcc> {
  for (const [name, value] of Object.entries(forms)) {
    if (value !== undefined) Object.defineProperty(fn, name, { value, enumerable: false });
  }
  return fn;
}

/** KDA refuses DISTINCT aggregates in streaming aggregation and windowed aggregation. */
export function refuseDistinct(name: string, options: AggregateCallOptions): void {
  if (options.distinct) {
    throw new SqlFunctionError(`${name}(DISTINCT ...) is not allowed in streaming or windowed aggregation`);
  }
}

/** Throws unless the call has exactly one argument of an accepted type. */
export function expectOneArgument(
  name: string,
  args: readonly ArgumentInfo[],
  accepts: (type: SqlType) => boolean,
  expected: string,
): SqlType {
  if (args.length !== 1 || !accepts(args[0]!.type)) {
    throw new SqlFunctionError(
      `${name} expects ${expected}; got ${args.length === 0 ? "no arguments" : describeTypes(args.map((a) => a.type))}`,
    );
  }
  return args[0]!.type;
}

/**
 * Brings computed average-like results to the argument's type, as KDA keeps it: integers are
 * truncated (AVG of INTEGER 1 and 2 is 1), DECIMAL rounded to its scale, REAL rounded to 32 bits.
 * Specialized once per call site.
 */
export function resultOfType(type: SqlType): (value: number) => number {
  const toType = numberFitter(type);
  return isIntegerType(type) ? (value) => toType(Math.trunc(value) || 0) : toType;
}

/**
 * The sliding form of a NULL-ignoring aggregate from a sliding accumulator over its non-NULL
 * values: a flag per record says whether it reached the inner accumulator, so evicting a NULL
 * record leaves the inner one alone. `empty` is the result while no non-NULL value is held.
 */
export function skippingNulls<TIn>(
  inner: SlidingAccumulator<TIn, SqlValue>,
  inputOf: (row: Row) => TIn | null,
): SlidingAccumulator<Row, SqlValue> {
  const flags = new FlagFifo();
  let held = 0;
  return {
    push: (row) => {
      const value = inputOf(row);
      if (value === null) flags.push(0);
      else {
        inner.push(value);
        flags.push(1);
        held++;
      }
    },
    evictOldest: () => {
      if (flags.shift() === 1) {
        inner.evictOldest();
        held--;
      }
    },
    result: () => (held === 0 ? null : inner.result()),
  };
}

/**
 * What a built-in numeric aggregate (MIN, MAX, SUM, AVG and COUNT(x) of numbers) computes from
 * the non-NULL values of its argument: which figure of them it reads, and its result from that
 * figure. The calls of one over window on the same argument then share one sliding summary of
 * it (a NULL flag per row, a compensated running sum and two monotonic deques, as core's `stats`
 * keeps them) instead of keeping one each; their results are the ones their own sliding forms
 * give.
 *
 * @example
 * const avgOfReal: NumericSummaryUse = { figure: "sum", finish: (sum, count) => Math.fround(sum / count), empty: null };
 */
export interface NumericSummaryUse {
  /** The figure of the non-NULL values the result comes from. */
  readonly figure: "count" | "sum" | "min" | "max";
  /** The result from the figure and the number of non-NULL values (at least one). */
  readonly finish: (figure: number, count: number) => SqlValue;
  /** The result while no non-NULL value is held: NULL, or 0 for COUNT. */
  readonly empty: SqlValue;
}

/**
 * Marks an aggregate as reading a {@link NumericSummaryUse}; not enumerable, like its forms, so
 * an aggregate spread from it and given another `result` is not taken for it.
 */
export function withNumericSummary<TAcc>(fn: RowAggregate<TAcc>, use: NumericSummaryUse): RowAggregate<TAcc> {
  Object.defineProperty(fn, NUMERIC_SUMMARY, { value: use, enumerable: false });
  return fn;
}

/**
 * The {@link NumericSummaryUse} of a registry aggregate, if it has one.
 *
 * @example
 * declare const call: AggregateFunction<readonly SqlValue[], unknown, SqlValue>;
 * const use = numericSummaryOf(call); // { figure: "min", ... } for MIN of a number
 */
export function numericSummaryOf(
  fn: AggregateFunction<Row, unknown, SqlValue>,
): NumericSummaryUse | undefined {
  return (fn as { [NUMERIC_SUMMARY]?: NumericSummaryUse })[NUMERIC_SUMMARY];
}

const NUMERIC_SUMMARY = Symbol("numericSummary");

/**
 * A sliding form over one argument's value itself rather than a row of arguments: an over window
 * reads the value where it holds it, with no argument list per row.
 */
export type ValueForm = () => SlidingAccumulator<SqlValue, SqlValue>;

/**
 * Marks an aggregate of one argument as having a {@link ValueForm} that gives the results of its
 * sliding form; not enumerable, like its forms, so an aggregate spread from it and given another
 * `result` is not taken for it.
 */
export function withValueForm<TAcc>(fn: RowAggregate<TAcc>, form: ValueForm): RowAggregate<TAcc> {
  Object.defineProperty(fn, VALUE_FORM, { value: form, enumerable: false });
  return fn;
}

/**
 * The {@link ValueForm} of a registry aggregate of one argument, if it has one.
 *
 * @example
 * declare const call: AggregateFunction<readonly SqlValue[], unknown, SqlValue>;
 * const form = valueFormOf(call)?.(); // FIRST_VALUE: push(x), evictOldest(), result()
 */
export function valueFormOf(fn: AggregateFunction<Row, unknown, SqlValue>): ValueForm | undefined {
  return (fn as { [VALUE_FORM]?: ValueForm })[VALUE_FORM];
}

const VALUE_FORM = Symbol("valueForm");
