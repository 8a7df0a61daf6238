import type { ColumnarAccumulator } from "@eddy/core";
import type { AggregateSqlFunction } from "../function-contract.ts";
import { isUntyped, sqlType } from "../support/sql-types.ts";
import { expectOneArgument, type Row, refuseDistinct, withForms } from "./aggregate-support.ts";
import { FlagFifo } from "./fifo.ts";

/** How many non-NULL values were TRUE, and how many there were. */
export interface TruthAccumulator {
  trues: number;
  count: number;
}

const truthColumns: ColumnarAccumulator<Row, TruthAccumulator> = {
  width: 2,
  init: (values, at) => {
    values[at] = 0;
    values[at + 1] = 0;
  },
  add: (values, at, row) => {
    const x = row[0];
    if (x === null || x === undefined) return;
    if (x === true) values[at] = values[at]! + 1;
    values[at + 1] = values[at + 1]! + 1;
  },
  read: (values, at) => ({ trues: values[at]!, count: values[at + 1]! }),
  write: (values, at, acc) => {
    values[at] = acc.trues;
    values[at + 1] = acc.count;
  },
};

function truthFunction(name: "ANY" | "EVERY"): AggregateSqlFunction {
  const decide = (acc: TruthAccumulator) =>
    acc.count === 0 ? null : name === "ANY" ? acc.trues > 0 : acc.trues === acc.count;
  return {
    kind: "aggregate",
    name,
    returnType: (args, options) => {
      refuseDistinct(name, options);
      expectOneArgument(name, args, (t) => t.name === "BOOLEAN" || isUntyped(t), "one boolean");
      return sqlType("BOOLEAN");
    },
    create: () =>
      withForms<TruthAccumulator>(
        {
          create: () => ({ trues: 0, count: 0 }),
          add: (acc, row) => {
            const x = row[0];
            if (x !== null && x !== undefined) {
              if (x === true) acc.trues++;
              acc.count++;
            }
            return acc;
          },
          merge: (a, b) => ({ trues: a.trues + b.trues, count: a.count + b.count }),
          result: decide,
        },
        {
          columnar: truthColumns,
          sliding: () => {
            // A flag per record: 0 NULL, 1 FALSE, 2 TRUE.
            const flags = new FlagFifo();
            const acc: TruthAccumulator = { trues: 0, count: 0 };
            return {
              push: (row) => {
                const x = row[0] ?? null;
                flags.push(x === null ? 0 : x === true ? 2 : 1);
                if (x !== null) {
                  acc.count++;
                  if (x === true) acc.trues++;
                }
              },
              evictOldest: () => {
                const flag = flags.shift();
                if (flag > 0) acc.count--;
                if (flag === 2) acc.trues--;
              },
              result: () => decide(acc),
            };
          },
        },
      ),
  };
}

/**
 * ANY(b) and EVERY(b) (sql-reference-any.html, sql-reference-every.html): whether b is TRUE in
 * some (every) row of the group or frame, NULLs ignored; NULL when no row has a value.
 */
export const anyFunction = truthFunction("ANY");
export const everyFunction = truthFunction("EVERY");
