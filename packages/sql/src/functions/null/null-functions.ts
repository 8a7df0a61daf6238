import { isNumericType, type SqlType } from "../../types/sql-type.ts";
import { toNumericType } from "../conversion/cast.ts";
import { type ScalarSqlFunction, SqlFunctionError } from "../function-contract.ts";
import { expectArity } from "../support/arguments.ts";
import { valuesEqual } from "../support/compare-values.ts";
import { commonType, describeTypes } from "../support/sql-types.ts";

function requireCommonType(name: string, types: readonly SqlType[]): SqlType {
  const type = commonType(types);
  if (type === undefined)
    throw new SqlFunctionError(`${name} expects arguments of one type; got ${describeTypes(types)}`);
  return type;
}

/**
 * COALESCE(a, b, …) (https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-coalesce.html):
 * the first non-NULL argument, brought to the arguments' common type; NULL when all are. Its
 * result is NULL only when every argument may be.
 */
const coalesce: ScalarSqlFunction = {
  kind: "scalar",
  name: "COALESCE",
  returnType: (args) => {
    expectArity("COALESCE", args, 1, Number.POSITIVE_INFINITY);
    const type = requireCommonType(
      "COALESCE",
      args.map((a) => a.type),
    );
    return { ...type, nullable: args.every((a) => a.type.nullable) };
  },
  prepare: (args) => {
    const type = requireCommonType(
      "COALESCE",
      args.map((a) => a.type),
    );
    const widen = isNumericType(type) && args.some((a) => a.type.name !== type.name);
    return (values) => {
      for (let i = 0; i < values.length; i++) {
        const value = values[i]!;
        if (value !== null) return widen ? toNumericType(value as number, type) : value;
      }
      return null;
    };
  },
  evaluate: (values) => values.find((v) => v !== null) ?? null,
};

/**
 * NULLIF(a, b) (https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-nullif.html):
 * NULL when the two are equal, else `a`; the arguments must be comparable.
 */
const nullif: ScalarSqlFunction = {
  kind: "scalar",
  name: "NULLIF",
  returnType: (args) => {
    expectArity("NULLIF", args, 2);
    requireCommonType(
      "NULLIF",
      args.map((a) => a.type),
    );
    return { ...args[0]!.type, nullable: true };
  },
  evaluate: (values) => {
    const [a, b] = values as [unknown, unknown];
    if (a === null) return null;
    return b !== null && valuesEqual(values[0]!, values[1]!, true) ? null : values[0]!;
  },
};

/** COALESCE and NULLIF. */
export const nullFunctions: readonly ScalarSqlFunction[] = [coalesce, nullif];
