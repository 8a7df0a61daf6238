import type { SqlType } from "../../types/sql-type.ts";
import type { SqlValue } from "../../types/sql-value.ts";
import type {
  ArgumentInfo,
  EvaluationContext,
  ScalarSqlFunction,
  SqlFunction,
} from "../function-contract.ts";
import { literalArgument } from "./define-scalar.ts";
import { typeOfValue } from "./value-types.ts";

/** Test support: calls scalar functions the way the planner does. */

export const CONTEXT: EvaluationContext = {
  rowtime: Date.UTC(2016, 8, 23, 4, 29, 26, 234),
  queryStart: Date.UTC(2026, 0, 1),
};

function scalar(fn: SqlFunction | undefined): ScalarSqlFunction {
  if (fn?.kind !== "scalar") throw new Error(`not a scalar function: ${fn?.name}`);
  return fn;
}

/** Calls with every argument a literal (checked, prepared, evaluated). */
export function callLiteral(fn: SqlFunction | undefined, ...values: SqlValue[]): SqlValue {
  const f = scalar(fn);
  const args = values.map(literalArgument);
  f.returnType(args);
  return (f.prepare?.(args) ?? f.evaluate)(values, CONTEXT);
}

/** Calls with arguments of the given types that are not literals (per-row values). */
export function callTyped(
  fn: SqlFunction | undefined,
  types: readonly (SqlType | ArgumentInfo)[],
  ...values: SqlValue[]
): SqlValue {
  const f = scalar(fn);
  const args: ArgumentInfo[] = types.map((type) => ("type" in type ? type : { type }));
  f.returnType(args);
  return (f.prepare?.(args) ?? f.evaluate)(values, CONTEXT);
}

/** Calls with per-row values whose types are those of the values. */
export function callDynamic(fn: SqlFunction | undefined, ...values: SqlValue[]): SqlValue {
  return callTyped(
    fn,
    values.map((v) => ({ ...typeOfValue(v), nullable: true })),
    ...values,
  );
}

/** The result type for arguments of the given types. */
export function typeFor(fn: SqlFunction | undefined, ...args: (SqlType | ArgumentInfo)[]): SqlType {
  const f = scalar(fn);
  return f.returnType(args.map((a) => ("type" in a ? a : { type: a })));
}

/** A type, nullable. */
export function t(name: SqlType["name"], extra: Partial<SqlType> = {}): SqlType {
  return { name, nullable: true, ...extra };
}
