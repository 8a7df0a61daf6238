import { describe, expect, it } from "vitest";
import { readApplicationDescription } from "../../src/application/application-description.ts";
import { checkApplication } from "../../src/check/check-application.ts";
import { parseSqlTypeText } from "../../src/functions/conversion/sql-type-text.ts";
import { createFunctionRegistry } from "../../src/functions/registry.ts";
import { tableFunctions } from "../../src/functions/table/index.ts";
import { planApplication } from "../../src/planner/plan-application.ts";
import { parseSql } from "../../src/syntax/parse.ts";
import type { SqlField } from "../../src/types/sql-type.ts";
import { awsSolutionApps } from "../apps/index.ts";
import { applicationCases } from "./index.ts";

const functions = createFunctionRegistry({ extra: tableFunctions() });

// Every documented application and both published AWS Solutions apps parse and check (the apps plan too).
describe("checking AWS's applications", () => {
  it.each(applicationCases.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    const inputs = Object.fromEntries(
      Object.entries(c.inputColumns).map(([stream, columns]) => [
        stream,
        Object.entries(columns).map(([name, type]): SqlField => ({ name, type: parseSqlTypeText(type) })),
      ]),
    );
    const app = checkApplication(parseSql(c.sql), { inputs, functions });
    const outputs = new Set([...app.streams.map((s) => s.name), ...(app.queries.length > 0 ? [""] : [])]);
    for (const stream of Object.keys(c.expected)) expect(outputs).toContain(stream);
  });

  it.each(awsSolutionApps.map((a) => [a.name, a] as const))("%s", (_name, a) => {
    const input = readApplicationDescription(a.description).input!;
    const columns = input.schema.columns.map((c) => ({ name: c.name, type: c.type }));
    const inputs = Object.fromEntries(input.streamNames.map((name) => [name, columns]));
    const app = checkApplication(parseSql(a.sql), { inputs, functions });
    expect(app.pumps.length).toBeGreaterThan(0);
    expect(app.inputs.map((i) => i.name)).toEqual([input.streamNames[0]]);
    // ... and plan: every pump gets a plan whose columns fit its target.
    const plan = planApplication(app, { queryStart: 0 });
    for (const pump of plan.pumps) expect(pump.query.columns.length).toBe(pump.targetColumns.length);
  });
});
