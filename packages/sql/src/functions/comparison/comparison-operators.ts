import { isCharacterType, isNumericType, type SqlType } from "../../types/sql-type.ts";
import type { ScalarSqlFunction } from "../function-contract.ts";
import { anyNullable, expectArity, wrongTypes } from "../support/arguments.ts";
import { compareValues, valuesEqual } from "../support/compare-values.ts";
import { strictScalar } from "../support/define-scalar.ts";
import { isUntyped, sqlType } from "../support/sql-types.ts";

/** Whether values of two types can be compared (numbers with numbers, text with text, else equal types). */
export function comparable(a: SqlType, b: SqlType): boolean {
  if (isUntyped(a) || isUntyped(b)) return true;
  if (isNumericType(a) && isNumericType(b)) return true;
  if (isCharacterType(a) && isCharacterType(b)) return true;
  if ((a.name === "BINARY" || a.name === "VARBINARY") && (b.name === "BINARY" || b.name === "VARBINARY"))
    return true;
  return a.name === b.name && a.name !== "ROW";
}

function comparison(name: string, test: (order: number) => boolean, equality: boolean): ScalarSqlFunction {
  return strictScalar({
    name,
    returnType: (args) => {
      expectArity(name, args, 2);
      if (!comparable(args[0]!.type, args[1]!.type)) wrongTypes(name, "two comparable values", args);
      return sqlType("BOOLEAN", anyNullable(args));
    },
    compile: (args) => {
      // CHAR values compare without their trailing pad spaces, as SQL pads the shorter one.
      const padded = args.some((a) => a.type.name === "CHAR");
      if (equality) return (values) => test(valuesEqual(values[0]!, values[1]!, padded) ? 0 : 1);
      if (padded)
        return (values) =>
          test(compareValues((values[0] as string).trimEnd(), (values[1] as string).trimEnd()));
      return (values) => test(compareValues(values[0]!, values[1]!));
    },
  });
}

/** `= <> < <= > >=` with SQL's NULL rule (a NULL operand gives UNKNOWN, i.e. NULL). */
export const comparisonOperators: readonly ScalarSqlFunction[] = [
  comparison("=", (o) => o === 0, true),
  comparison("<>", (o) => o !== 0, true),
  comparison("<", (o) => o < 0, false),
  comparison("<=", (o) => o <= 0, false),
  comparison(">", (o) => o > 0, false),
  comparison(">=", (o) => o >= 0, false),
];

/** MONOTONIC(expr): the value itself; it tells the planner the expression only grows. */
export const monotonicFunction: ScalarSqlFunction = {
  kind: "scalar",
  name: "MONOTONIC",
  returnType: (args) => {
    expectArity("MONOTONIC", args, 1);
    return args[0]!.type;
  },
  evaluate: (values) => values[0]!,
};
