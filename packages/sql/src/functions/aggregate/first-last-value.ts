import type { SlidingAccumulator } from "@eddy/core";
import type { SqlValue } from "../../types/sql-value.ts";
import { type AggregateSqlFunction, SqlFunctionError } from "../function-contract.ts";
import { describeTypes, withNullable } from "../support/sql-types.ts";
import { refuseDistinct, type ValueForm, withForms, withValueForm } from "./aggregate-support.ts";
import { FlagFifo, ValueFifo } from "./fifo.ts";

/** Whether a value was taken, and which. */
export interface ValueAccumulator {
  has: boolean;
  value: SqlValue;
}

/** FIRST_VALUE in a sliding frame: the oldest value held (the oldest non-NULL one when ignoring NULLs). */
function slidingFirst(ignoreNulls: boolean): SlidingAccumulator<SqlValue, SqlValue> {
  const values = new ValueFifo<SqlValue>();
  const flags = new FlagFifo();
  return {
    push: (x) => {
      flags.push(x === null ? 0 : 1);
      if (x !== null || !ignoreNulls) values.push(x);
    },
    evictOldest: () => {
      if (flags.shift() === 1 || !ignoreNulls) values.shift();
    },
    result: () => (values.size === 0 ? null : values.at(0)),
  };
}

/** LAST_VALUE in a sliding frame: the newest value held (the newest non-NULL one when ignoring NULLs). */
function slidingLast(ignoreNulls: boolean): SlidingAccumulator<SqlValue, SqlValue> {
  const flags = new FlagFifo();
  let nonNull = 0;
  let last: SqlValue = null;
  return {
    push: (x) => {
      flags.push(x === null ? 0 : 1);
      if (x !== null) nonNull++;
      if (x !== null || !ignoreNulls) last = x;
    },
    evictOldest: () => {
      // Records leave oldest first, so the newest non-NULL value stays until it is the only one left.
      if (flags.shift() === 1) nonNull--;
    },
    result: () => (ignoreNulls && nonNull === 0 ? null : last),
  };
}

function positional(name: "FIRST_VALUE" | "LAST_VALUE"): AggregateSqlFunction {
  const first = name === "FIRST_VALUE";
  return {
    kind: "aggregate",
    name,
    returnType: (args, options) => {
      refuseDistinct(name, options);
      if (args.length !== 1) {
        throw new SqlFunctionError(
          `${name} expects one argument; got ${describeTypes(args.map((a) => a.type))}`,
        );
      }
      return withNullable(args[0]!.type, true);
    },
    create: (_args, options) => {
      const ignoreNulls = options.nulls === "ignore";
      const valueForm: ValueForm = () => (first ? slidingFirst(ignoreNulls) : slidingLast(ignoreNulls));
      const fn = withForms<ValueAccumulator>(
        {
          create: () => ({ has: false, value: null }),
          add: (acc, row) => {
            const x = row[0] ?? null;
            if ((x !== null || !ignoreNulls) && (!first || !acc.has)) {
              acc.value = x;
              acc.has = true;
            }
            return acc;
          },
          // `a` holds the earlier rows.
          merge: (a, b) => ({ ...(first ? (a.has ? a : b) : b.has ? b : a) }),
          result: (acc) => (acc.has ? acc.value : null),
        },
        {
          sliding: () => {
            const form = valueForm();
            return {
              push: (row) => form.push(row[0] ?? null),
              evictOldest: () => form.evictOldest(),
              result: () => form.result(),
            };
          },
        },
      );
      return withValueForm(fn, valueForm);
    },
  };
}

/**
 * FIRST_VALUE(x) and LAST_VALUE(x) [IGNORE NULLS | RESPECT NULLS]
 * (https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-first-value.html): the
 * value of the first (last) row of the group or frame in arrival order — with IGNORE NULLS of the
 * first (last) row where it is not NULL. RESPECT NULLS is the default. O(1) per record in
 * sliding frames.
 */
export const firstValueFunction = positional("FIRST_VALUE");
export const lastValueFunction = positional("LAST_VALUE");
