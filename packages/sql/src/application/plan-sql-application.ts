import { checkApplication } from "../check/check-application.ts";
import type { SqlFunction } from "../functions/function-contract.ts";
import { createFunctionRegistry } from "../functions/registry.ts";
import { tableFunctions } from "../functions/table/index.ts";
import type { LogicalPlan } from "../plan/logical-plan.ts";
import { planApplication } from "../planner/plan-application.ts";
import { parseSql } from "../syntax/parse.ts";
import type { SqlField } from "../types/sql-type.ts";
import type { SqlApplication } from "./application-model.ts";
import { inputStreamColumns } from "./input-mapping.ts";

let defaultFunctions: ReadonlyMap<string, SqlFunction> | undefined;

/**
 * An application's SQL planned against what its description declares: each in-application input
 * stream (`<NamePrefix>_001` …) with the input schema's columns and `APPROXIMATE_ARRIVAL_TIME`,
 * and each reference table with its schema's columns. The SQL is `sql` when given, else the
 * description's `ApplicationCode`. Throws `SqlSyntaxError` / `SqlCheckError` (line, column,
 * caret) or `SqlPlanError`, and a `RangeError` when there is no SQL at all.
 *
 * @example
 * declare const description: unknown;
 * const app = readApplicationDescription(description);
 * const plan = planSqlApplication(app, "CREATE OR REPLACE STREAM \"OUT\" (N INTEGER); ...");
 */
export function planSqlApplication(
  app: SqlApplication,
  sql: string | undefined = app.code,
  options: { readonly queryStart?: number } = {},
): LogicalPlan {
  if (sql === undefined)
    throw new RangeError(`application ${app.name}: no SQL given and the description has no ApplicationCode`);
  const inputs: Record<string, SqlField[]> = {};
  if (app.input !== undefined) {
    const columns = inputStreamColumns(app.input.schema);
    for (const name of app.input.streamNames) inputs[name] = columns;
  }
  const referenceTables: Record<string, SqlField[]> = {};
  for (const table of app.referenceData)
    referenceTables[table.table] = table.schema.columns.map(({ name, type }) => ({ name, type }));
  defaultFunctions ??= createFunctionRegistry({ extra: tableFunctions() });
  const checked = checkApplication(parseSql(sql), { inputs, referenceTables, functions: defaultFunctions });
  return planApplication(checked, options.queryStart === undefined ? {} : { queryStart: options.queryStart });
}
