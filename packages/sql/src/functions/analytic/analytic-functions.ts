import { isIntegerType } from "../../types/sql-type.ts";
import type { SqlValue } from "../../types/sql-value.ts";
import { type AnalyticSqlFunction, SqlFunctionError } from "../function-contract.ts";
import { commonType, describeTypes, isUntyped, withNullable } from "../support/sql-types.ts";

type Rows = readonly (readonly SqlValue[])[];

function offsetOf(name: string, value: SqlValue | undefined, fallback: number, min: number): number {
  const n = value === undefined ? fallback : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min) {
    throw new SqlFunctionError(`${name}'s offset must be an integer of at least ${min}, got ${String(n)}`);
  }
  return n;
}

/**
 * LAG(expr [, N [, default]]) [IGNORE NULLS | RESPECT NULLS] OVER w
 * (https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-lag.html): `expr` of
 * the row N rows before the current one in the window (N = 1 by default; 0 is the current row),
 * or `default` (NULL when absent) when that row is outside the window. IGNORE NULLS does not
 * count rows where `expr` is NULL; `default` never replaces an actual NULL. N and default are
 * evaluated on the current row.
 */
export const lagFunction: AnalyticSqlFunction = {
  kind: "analytic",
  name: "LAG",
  returnType: (args) => {
    if (args.length < 1 || args.length > 3) {
      throw new SqlFunctionError(`LAG expects (expr [, N [, default]]); got ${args.length} arguments`);
    }
    if (args[1] !== undefined && !(isIntegerType(args[1].type) || isUntyped(args[1].type))) {
      throw new SqlFunctionError(`LAG's offset N must be an integer; got ${describeTypes([args[1].type])}`);
    }
    if (typeof args[1]?.literal === "number") offsetOf("LAG", args[1].literal, 1, 0);
    const type = args[2] === undefined ? args[0]!.type : commonType([args[0]!.type, args[2].type]);
    if (type === undefined) {
      throw new SqlFunctionError(
        `LAG's default must have the expression's type; got ${describeTypes([args[0]!.type, args[2]!.type])}`,
      );
    }
    return withNullable(args[0]!.type, true);
  },
  create: (args, options) => {
    const ignoreNulls = options.nulls === "ignore";
    const literalN =
      typeof args[1]?.literal === "number" ? args[1].literal : args[1] === undefined ? 1 : undefined;
    return {
      ...(literalN !== undefined && !ignoreNulls ? { history: literalN + 1 } : {}),
      evaluate: (rows: Rows) => {
        const current = rows[rows.length - 1]!;
        const n = offsetOf("LAG", current[1], 1, 0);
        const fallback = current[2] ?? null;
        if (n === 0) return current[0] ?? null;
        if (!ignoreNulls) {
          const at = rows.length - 1 - n;
          return at >= 0 ? (rows[at]![0] ?? null) : fallback;
        }
        let seen = 0;
        for (let i = rows.length - 2; i >= 0; i--) {
          const value = rows[i]![0] ?? null;
          if (value !== null && ++seen === n) return value;
        }
        return fallback;
      },
    };
  },
};

/**
 * NTH_VALUE(x, n) [FROM FIRST | FROM LAST] [IGNORE NULLS | RESPECT NULLS] OVER w
 * (https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-nth-value.html): the
 * n-th value of x (1-based) counted from the window's first row (or its last), skipping NULLs
 * with IGNORE NULLS; NULL when the window has too few rows.
 */
export const nthValueFunction: AnalyticSqlFunction = {
  kind: "analytic",
  name: "NTH_VALUE",
  returnType: (args) => {
    if (args.length !== 2 || !(isIntegerType(args[1]!.type) || isUntyped(args[1]!.type))) {
      throw new SqlFunctionError(
        `NTH_VALUE expects (x, n) with an integer n; got ${describeTypes(args.map((a) => a.type))}`,
      );
    }
    if (typeof args[1]!.literal === "number") offsetOf("NTH_VALUE", args[1]!.literal, 1, 1);
    return withNullable(args[0]!.type, true);
  },
  create: (_args, options) => {
    const ignoreNulls = options.nulls === "ignore";
    const fromLast = options.from === "last";
    return {
      evaluate: (rows: Rows) => {
        const n = offsetOf("NTH_VALUE", rows[rows.length - 1]![1], 1, 1);
        let seen = 0;
        for (let k = 0; k < rows.length; k++) {
          const value = rows[fromLast ? rows.length - 1 - k : k]![0] ?? null;
          if (ignoreNulls && value === null) continue;
          if (++seen === n) return value;
        }
        return null;
      },
    };
  },
};

/** LAG and NTH_VALUE; FIRST_VALUE and LAST_VALUE OVER are aggregates with sliding forms. */
export const analyticFamily: readonly AnalyticSqlFunction[] = [lagFunction, nthValueFunction];
