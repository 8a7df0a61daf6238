import { isNumericType } from "../../types/sql-type.ts";
import type { SqlInterval, SqlValue } from "../../types/sql-value.ts";
import { type AggregateSqlFunction, SqlFunctionError } from "../function-contract.ts";
import { describeTypes, isUntyped, withNullable } from "../support/sql-types.ts";
import { refuseDistinct, resultOfType, withForms } from "./aggregate-support.ts";

/**
 * Sums of weighted values and weights, the weights `2^((t - reference) / halfLife)` relative to a
 * reference time (the average is their ratio, whatever the reference).
 */
export interface ExpAvgAccumulator {
  sum: number;
  weight: number;
  reference: number;
}

/** Past this many half-lives the weights are rebased, long before a double overflows (2^1023). */
const REBASE_AFTER = 512;

function rebase(acc: ExpAvgAccumulator, reference: number, halfLife: number): void {
  const factor = 2 ** ((acc.reference - reference) / halfLife);
  acc.sum *= factor;
  acc.weight *= factor;
  acc.reference = reference;
}

function halfLifeOf(args: Parameters<AggregateSqlFunction["create"]>[0]): number {
  const literal = args[1]?.literal as SqlInterval | undefined;
  if (literal?.kind !== "day-time" || literal.ms <= 0) {
    throw new SqlFunctionError(
      "EXP_AVG expects its half-life as a positive day-time interval literal (INTERVAL '10' SECOND)",
    );
  }
  return literal.ms;
}

function add(acc: ExpAvgAccumulator, x: number, t: number, halfLife: number): void {
  if (acc.weight === 0) acc.reference = t;
  else if ((t - acc.reference) / halfLife > REBASE_AFTER) rebase(acc, t, halfLife);
  const w = 2 ** ((t - acc.reference) / halfLife);
  acc.sum += x * w;
  acc.weight += w;
}

/**
 * EXP_AVG(x, half-life) (https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-exp-avg.html):
 * the exponentially weighted average of the non-NULL values, a row's weight halving every
 * half-life of age (by ROWTIME, which the planner passes as a third input: `rowtimeArgument`).
 * With a 10-second half-life, prices of the last 10 seconds weigh twice those 10 to 20 seconds
 * old. NULL when no value is held; the argument's type, as AVG.
 */
export const expAvgFunction: AggregateSqlFunction = {
  kind: "aggregate",
  name: "EXP_AVG",
  rowtimeArgument: true,
  returnType: (args, options) => {
    refuseDistinct("EXP_AVG", options);
    const ok =
      args.length === 2 &&
      (isNumericType(args[0]!.type) || isUntyped(args[0]!.type)) &&
      args[1]!.type.name === "INTERVAL_DAY_TIME";
    if (!ok) {
      throw new SqlFunctionError(
        `EXP_AVG expects a number and a day-time interval half-life; got ${describeTypes(args.map((a) => a.type))}`,
      );
    }
    halfLifeOf(args);
    return withNullable(args[0]!.type, true);
  },
  create: (args) => {
    const halfLife = halfLifeOf(args);
    const toType = resultOfType(args[0]!.type);
    const finish = (acc: ExpAvgAccumulator): SqlValue =>
      acc.weight === 0 ? null : toType(acc.sum / acc.weight);
    return withForms<ExpAvgAccumulator>(
      {
        create: () => ({ sum: 0, weight: 0, reference: 0 }),
        add: (acc, row) => {
          const x = row[0] ?? null;
          if (x !== null) add(acc, x as number, row[2] as number, halfLife);
          return acc;
        },
        merge: (a, b) => {
          if (a.weight === 0) return { ...b };
          if (b.weight === 0) return { ...a };
          const reference = Math.max(a.reference, b.reference);
          const x = { ...a };
          const y = { ...b };
          rebase(x, reference, halfLife);
          rebase(y, reference, halfLife);
          return { sum: x.sum + y.sum, weight: x.weight + y.weight, reference };
        },
        result: finish,
      },
      // No sliding form: subtracting an evicted row's weighted value would leave its rounding
      // behind; over frames run the generic two-stacks path on add and merge (O(1) amortized,
      // nothing subtracted).
      {},
    );
  },
};
