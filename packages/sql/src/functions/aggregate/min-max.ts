import { type ColumnarAccumulator, max as coreMax, min as coreMin } from "@eddy/core";
import { isNumericType, type SqlType } from "../../types/sql-type.ts";
import type { SqlValue } from "../../types/sql-value.ts";
import { comparable } from "../comparison/comparison-operators.ts";
import type { AggregateSqlFunction } from "../function-contract.ts";
import { compareValues } from "../support/compare-values.ts";
import { withNullable } from "../support/sql-types.ts";
import {
  expectOneArgument,
  type Row,
  refuseDistinct,
  skippingNulls,
  withForms,
  withNumericSummary,
} from "./aggregate-support.ts";
import { OrderedDeque } from "./ordered-deque.ts";

/** The extreme of the non-NULL numbers seen, and how many there were. */
export interface ExtremeAccumulator {
  value: number;
  count: number;
}

/** Types whose values are JavaScript numbers ordered by `<`: numbers and datetimes. */
function isNumberValued(type: SqlType): boolean {
  return isNumericType(type) || type.name === "DATE" || type.name === "TIME" || type.name === "TIMESTAMP";
}

function numberExtreme(extreme: "min" | "max"): ReturnType<AggregateSqlFunction["create"]> {
  const pick = extreme === "min" ? Math.min : Math.max;
  const initial = extreme === "min" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  const columnar: ColumnarAccumulator<Row, ExtremeAccumulator> = {
    width: 2,
    init: (values, at) => {
      values[at] = initial;
      values[at + 1] = 0;
    },
    add: (values, at, row) => {
      const x = row[0];
      if (x === null || x === undefined) return;
      values[at] = pick(values[at]!, x as number);
      values[at + 1] = values[at + 1]! + 1;
    },
    read: (values, at) => ({ value: values[at]!, count: values[at + 1]! }),
    write: (values, at, acc) => {
      values[at] = acc.value;
      values[at + 1] = acc.count;
    },
  };
  const core = (extreme === "min" ? coreMin : coreMax)((x: number) => x);
  const fn = withForms<ExtremeAccumulator>(
    {
      create: () => ({ value: initial, count: 0 }),
      add: (acc, row) => {
        const x = row[0];
        if (x !== null && x !== undefined) {
          acc.value = pick(acc.value, x as number);
          acc.count++;
        }
        return acc;
      },
      merge: (a, b) => ({ value: pick(a.value, b.value), count: a.count + b.count }),
      result: (acc) => (acc.count === 0 ? null : acc.value),
    },
    {
      columnar,
      // Core's monotonic deque over the non-NULL values.
      sliding: () => skippingNulls(core.sliding!(), (row) => (row[0] ?? null) as number | null),
    },
  );
  return withNumericSummary(fn, { figure: extreme, finish: (value) => value, empty: null });
}

/** The accumulator for other comparable values: the extreme so far, if any. */
export interface ValueExtremeAccumulator {
  has: boolean;
  value: SqlValue;
}

function valueExtreme(extreme: "min" | "max"): ReturnType<AggregateSqlFunction["create"]> {
  const better = (a: SqlValue, b: SqlValue) =>
    extreme === "min" ? compareValues(a, b) < 0 : compareValues(a, b) > 0;
  return withForms<ValueExtremeAccumulator>(
    {
      create: () => ({ has: false, value: null }),
      add: (acc, row) => {
        const x = row[0] ?? null;
        if (x !== null && (!acc.has || better(x, acc.value))) {
          acc.value = x;
          acc.has = true;
        }
        return acc;
      },
      merge: (a, b) => (!b.has ? { ...a } : !a.has || better(b.value, a.value) ? { ...b } : { ...a }),
      result: (acc) => (acc.has ? acc.value : null),
    },
    {
      sliding: () => {
        const deque = new OrderedDeque(extreme);
        return skippingNulls(
          {
            push: (x: SqlValue) => deque.push(x),
            evictOldest: () => deque.evictOldest(),
            result: () => deque.value() ?? null,
          },
          (row) => row[0] ?? null,
        );
      },
    },
  );
}

function extremeFunction(name: "MIN" | "MAX"): AggregateSqlFunction {
  const extreme = name === "MIN" ? "min" : "max";
  return {
    kind: "aggregate",
    name,
    returnType: (args, options) => {
      refuseDistinct(name, options);
      const type = expectOneArgument(
        name,
        args,
        (t) => t.name !== "ROW" && comparable(t, t),
        "one comparable value",
      );
      return withNullable(type, true);
    },
    create: (args) => (isNumberValued(args[0]!.type) ? numberExtreme(extreme) : valueExtreme(extreme)),
  };
}

/**
 * MIN(x) and MAX(x) of numbers, datetimes, strings, intervals and booleans, NULLs ignored, NULL
 * for an empty group or frame; the argument's type. Numbers and datetimes are columnar in windows
 * and use core's monotonic deque in sliding frames; other types a deque of SQL values. Both O(1)
 * amortized per record.
 */
export const minFunction = extremeFunction("MIN");
export const maxFunction = extremeFunction("MAX");
