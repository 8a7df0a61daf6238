import { checkApplication } from "../check/check-application.ts";
import { parseSqlTypeText } from "../functions/conversion/sql-type-text.ts";
import type { SqlFunction } from "../functions/function-contract.ts";
import { createFunctionRegistry } from "../functions/registry.ts";
import { tableFunctions } from "../functions/table/index.ts";
import type { LogicalPlan } from "../plan/logical-plan.ts";
import { parseSql } from "../syntax/parse.ts";
import type { SqlField } from "../types/sql-type.ts";
import { planApplication } from "./plan-application.ts";

/** Columns as stream → column → SQL type text (the harness's and the golden cases' form). */
type ColumnTexts = Readonly<Record<string, Readonly<Record<string, string>>>>;

function fieldsOf(relations: ColumnTexts): Record<string, SqlField[]> {
  return Object.fromEntries(
    Object.entries(relations).map(([name, columns]) => [
      name,
      Object.entries(columns).map(([column, type]) => ({ name: column, type: parseSqlTypeText(type) })),
    ]),
  );
}

let defaultFunctions: ReadonlyMap<string, SqlFunction> | undefined;

/**
 * SQL text to a logical plan: parse, check against the inputs and reference tables, plan. Its
 * signature is the test harness's `SqlCompiler`, so `sqlHarness(sql, { compile: compileSql })`
 * runs SQL text. Throws `SqlSyntaxError` / `SqlCheckError` (line, column, caret) or `SqlPlanError`.
 * It never reads the wall clock: `queryStart` (epoch ms) is when the application starts reading,
 * needed only by a `VALUES` row that reads it (`CURRENT_TIMESTAMP`), which is refused without one.
 *
 * @example
 * const plan = compileSql("SELECT STREAM PRICE * 2 FROM S", { inputs: { S: { PRICE: "REAL" } }, referenceTables: {} });
 */
export function compileSql(
  sql: string,
  context: {
    readonly inputs: ColumnTexts;
    readonly referenceTables: ColumnTexts;
    readonly queryStart?: number;
  },
): LogicalPlan {
  defaultFunctions ??= createFunctionRegistry({ extra: tableFunctions() });
  const app = checkApplication(parseSql(sql), {
    inputs: fieldsOf(context.inputs),
    referenceTables: fieldsOf(context.referenceTables),
    functions: defaultFunctions,
  });
  return planApplication(app, context.queryStart === undefined ? {} : { queryStart: context.queryStart });
}
