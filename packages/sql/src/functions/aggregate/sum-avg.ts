import { type ColumnarAccumulator, sum as coreSum } from "@eddy/core";
import { isNumericType, type SqlType } from "../../types/sql-type.ts";
import type { AggregateSqlFunction } from "../function-contract.ts";
import { fitNumber } from "../numeric/numeric-values.ts";
import { isUntyped, withNullable } from "../support/sql-types.ts";
import {
  expectOneArgument,
  type Row,
  refuseDistinct,
  resultOfType,
  skippingNulls,
  withForms,
} from "./aggregate-support.ts";

/** A sum of the non-NULL values and their count. */
export interface SumAccumulator {
  sum: number;
  count: number;
}

const sumColumns: ColumnarAccumulator<Row, SumAccumulator> = {
  width: 2,
  init: (values, at) => {
    values[at] = 0;
    values[at + 1] = 0;
  },
  add: (values, at, row) => {
    const x = row[0];
    if (x === null || x === undefined) return;
    values[at] = values[at]! + (x as number);
    values[at + 1] = values[at + 1]! + 1;
  },
  read: (values, at) => ({ sum: values[at]!, count: values[at + 1]! }),
  write: (values, at, acc) => {
    values[at] = acc.sum;
    values[at + 1] = acc.count;
  },
};

function sumLike(
  name: "SUM" | "AVG",
  finish: (sum: number, count: number, type: SqlType) => number,
): AggregateSqlFunction {
  const numeric = (type: SqlType) => isNumericType(type) || isUntyped(type);
  return {
    kind: "aggregate",
    name,
    returnType: (args, options) => {
      refuseDistinct(name, options);
      return withNullable(expectOneArgument(name, args, numeric, "one number"), true);
    },
    create: (args) => {
      const type = args[0]!.type;
      return withForms<SumAccumulator>(
        {
          create: () => ({ sum: 0, count: 0 }),
          add: (acc, row) => {
            const x = row[0];
            if (x !== null && x !== undefined) {
              acc.sum += x as number;
              acc.count++;
            }
            return acc;
          },
          merge: (a, b) => ({ sum: a.sum + b.sum, count: a.count + b.count }),
          result: (acc) => (acc.count === 0 ? null : finish(acc.sum, acc.count, type)),
        },
        {
          columnar: sumColumns,
          sliding: () => {
            // Core's compensated running sum over the non-NULL values; the count beside it.
            const sum = coreSum((x: number) => x).sliding!();
            let count = 0;
            return skippingNulls(
              {
                push: (x: number) => {
                  sum.push(x);
                  count++;
                },
                evictOldest: () => {
                  sum.evictOldest();
                  count--;
                },
                result: () => finish(sum.result(), count, type),
              },
              (row) => (row[0] ?? null) as number | null,
            );
          },
        },
      );
    },
  };
}

/**
 * SUM(x) and AVG(x) of numbers, NULLs ignored, NULL for an empty group or frame. The result keeps
 * the argument's type (KDA: AVG of INTEGER is a truncated INTEGER; a sum out of its type's range
 * is a row error). Columnar in windows; in sliding frames core's compensated running sum, O(1)
 * per record.
 */
export const sumFunction = sumLike("SUM", (sum, _count, type) => fitNumber(sum, type));
export const avgFunction = sumLike("AVG", (sum, count, type) => resultOfType(sum / count, type));
