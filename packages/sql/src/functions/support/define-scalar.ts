import type { SqlType } from "../../types/sql-type.ts";
import type { SqlValue } from "../../types/sql-value.ts";
import type { ArgumentInfo, EvaluationContext, ScalarSqlFunction } from "../function-contract.ts";
import { hasNull } from "./arguments.ts";
import { typeOfValue } from "./value-types.ts";

/** One compiled call: the argument values in, the result out. */
export type ScalarBody = (values: readonly SqlValue[], context: EvaluationContext) => SqlValue;

/** What {@link strictScalar} needs: the checks, and the body for non-NULL arguments. */
export interface StrictScalarSpec {
  readonly name: string;
  returnType(args: readonly ArgumentInfo[]): SqlType;
  /** The body for a call site, built once at plan time (formats, regular expressions compiled here). */
  compile(args: readonly ArgumentInfo[]): ScalarBody;
}

/**
 * A scalar function that returns NULL when any argument is NULL (most of SQL's functions) and
 * otherwise runs the body compiled for its call site.
 */
export function strictScalar(spec: StrictScalarSpec): ScalarSqlFunction {
  return {
    kind: "scalar",
    name: spec.name,
    returnType: (args) => spec.returnType(args),
    prepare: (args) => {
      const body = spec.compile(args);
      return (values, context) => (hasNull(values) ? null : body(values, context));
    },
    // The slow path, for callers without a plan: the values are taken as literals of their own
    // types and the body is compiled for this one call.
    evaluate: (values, context) =>
      hasNull(values) ? null : spec.compile(values.map(literalArgument))(values, context),
  };
}

/** A value seen as a literal argument of its own type. */
export function literalArgument(value: SqlValue): ArgumentInfo {
  return { type: typeOfValue(value), literal: value };
}
