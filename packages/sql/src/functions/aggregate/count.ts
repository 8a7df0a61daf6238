import { count as coreCount, numberColumn } from "@eddy/core";
import type { AggregateSqlFunction } from "../function-contract.ts";
import { SqlFunctionError } from "../function-contract.ts";
import { sqlType } from "../support/sql-types.ts";
import {
  type Row,
  refuseDistinct,
  skippingNulls,
  withForms,
  withNumericSummary,
} from "./aggregate-support.ts";

/**
 * COUNT(*) counts rows, COUNT(x) the rows where x is not NULL; 0 for an empty group or frame.
 * BIGINT. O(1) per record in a sliding frame, columnar in windows.
 */
export const countFunction: AggregateSqlFunction = {
  kind: "aggregate",
  name: "COUNT",
  returnType: (args, options) => {
    refuseDistinct("COUNT", options);
    if (options.star ? args.length !== 0 : args.length !== 1) {
      throw new SqlFunctionError(`COUNT expects * or one argument; got ${args.length} arguments`);
    }
    return sqlType("BIGINT", false);
  },
  create: (_args, options) => {
    if (options.star) {
      const rows = coreCount();
      return withForms<number>(
        { create: () => 0, add: (acc) => acc + 1, merge: (a, b) => a + b, result: (acc) => acc },
        { columnar: numberColumn(0, (acc: number) => acc + 1), sliding: () => rows.sliding!() },
      );
    }
    const add = (acc: number, row: Row) => (row[0] === null ? acc : acc + 1);
    const fn = withForms<number>(
      { create: () => 0, add, merge: (a, b) => a + b, result: (acc) => acc },
      {
        columnar: numberColumn(0, add),
        sliding: () => {
          let held = 0;
          const inner = { push: () => void held++, evictOldest: () => void held--, result: () => held };
          const skipping = skippingNulls(inner, (row) => row[0] ?? null);
          return { push: skipping.push, evictOldest: skipping.evictOldest, result: () => held };
        },
      },
    );
    return withNumericSummary(fn, { figure: "count", finish: (_figure, count) => count, empty: 0 });
  },
};
