import type { ScalarSqlFunction } from "../function-contract.ts";
import { expectArity } from "../support/arguments.ts";
import { sqlType } from "../support/sql-types.ts";
import { type DatetimeKind, toKind } from "./datetime-literals.ts";

function clockFunction(name: string, kind: DatetimeKind, perRow: boolean): ScalarSqlFunction {
  return {
    kind: "scalar",
    name,
    returnType: (args) => {
      expectArity(name, args, 0);
      return sqlType(kind, false);
    },
    evaluate: (_values, context) => toKind(kind, perRow ? context.rowtime : context.queryStart),
  };
}

/**
 * The clock functions, all UTC. CURRENT_DATE, CURRENT_TIME, CURRENT_TIMESTAMP, LOCALTIME and
 * LOCALTIMESTAMP are the query's start, the same for every row (KDA: "puts into all output rows
 * the time the query is first run"); CURRENT_ROW_TIMESTAMP is per row: the row's ROWTIME, which
 * in Eddy is when the row entered the application, so a replay gives the same values.
 */
export const currentTimeFunctions: readonly ScalarSqlFunction[] = [
  clockFunction("CURRENT_DATE", "DATE", false),
  clockFunction("CURRENT_TIME", "TIME", false),
  clockFunction("CURRENT_TIMESTAMP", "TIMESTAMP", false),
  clockFunction("LOCALTIME", "TIME", false),
  clockFunction("LOCALTIMESTAMP", "TIMESTAMP", false),
  clockFunction("CURRENT_ROW_TIMESTAMP", "TIMESTAMP", true),
];
