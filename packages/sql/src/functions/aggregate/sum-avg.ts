import { type ColumnarAccumulator, sum as coreSum } from "@eddy/core";
import { isIntegerType, isNumericType, type SqlType } from "../../types/sql-type.ts";
import type { AggregateSqlFunction } from "../function-contract.ts";
import { numberFitter } from "../numeric/numeric-values.ts";
import { decimal, isUntyped, MAX_DECIMAL_PRECISION, withNullable } from "../support/sql-types.ts";
import {
  expectOneArgument,
  type Row,
  refuseDistinct,
  resultOfType,
  skippingNulls,
  withForms,
  withNumericSummary,
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

/**
 * SUM's type: integers sum to BIGINT and DECIMAL(p, s) to DECIMAL(18, s), so a sum of TINYINT
 * heart rates or DECIMAL(5, 2) prices does not overflow its argument's narrow range; REAL and
 * DOUBLE stay. AVG keeps the argument's type (it stays within the values' range).
 */
export function sumType(type: SqlType): SqlType {
  if (isIntegerType(type)) return { name: "BIGINT", nullable: true };
  if (type.name === "DECIMAL") return decimal(MAX_DECIMAL_PRECISION, type.scale ?? 0);
  return withNullable(type, true);
}

function sumLike(
  name: "SUM" | "AVG",
  /** The result from the sum and count, specialized for the result type once per call site. */
  finishFor: (type: SqlType) => (sum: number, count: number) => number,
): AggregateSqlFunction {
  const numeric = (type: SqlType) => isNumericType(type) || isUntyped(type);
  const resultType = (type: SqlType) => (name === "SUM" ? sumType(type) : withNullable(type, true));
  return {
    kind: "aggregate",
    name,
    returnType: (args, options) => {
      refuseDistinct(name, options);
      return resultType(expectOneArgument(name, args, numeric, "one number"));
    },
    create: (args) => {
      const finish = finishFor(resultType(args[0]!.type));
      const fn = withForms<SumAccumulator>(
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
          result: (acc) => (acc.count === 0 ? null : finish(acc.sum, acc.count)),
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
                result: () => finish(sum.result(), count),
              },
              (row) => (row[0] ?? null) as number | null,
            );
          },
        },
      );
      return withNumericSummary(fn, { figure: "sum", finish, empty: null });
    },
  };
}

/**
 * SUM(x) and AVG(x) of numbers, NULLs ignored, NULL for an empty group or frame. AVG keeps the
 * argument's type (KDA: AVG of INTEGER is a truncated INTEGER); SUM widens it (see `sumType`; a
 * sum out of BIGINT's range is a row error). Columnar in windows; in sliding frames core's
 * compensated running sum, O(1) per record.
 */
export const sumFunction = sumLike("SUM", (type) => {
  const toType = numberFitter(type);
  return (sum) => toType(sum);
});
export const avgFunction = sumLike("AVG", (type) => {
  const toType = resultOfType(type);
  return (sum, count) => toType(sum / count);
});
