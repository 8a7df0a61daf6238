import { describe, expect, it } from "vitest";
import { type CaseOutcome, runErrorCase, runExpressionCase, runNoRowCase } from "./expression-runner.ts";
import { errorCases, expressionCases, noRowCases } from "./index.ts";
import { supportedExpressionCases } from "./supported-expression-cases.ts";

// Every expression, error and no-row case is run; the supported ones must pass.
const outcomes: readonly CaseOutcome[] = [
  ...expressionCases.map(runExpressionCase),
  ...errorCases.map(runErrorCase),
  ...noRowCases.map(runNoRowCase),
];
const byId = new Map(outcomes.map((o) => [o.id, o]));
const supported = new Set(supportedExpressionCases);

describe("golden expression, error and no-row cases", () => {
  it.each(supportedExpressionCases)("%s", (id) => {
    const outcome = byId.get(id);
    expect(outcome, `${id} is not an expression, error or no-row case`).toBeDefined();
    expect(outcome?.pass, outcome?.detail).toBe(true);
  });

  it("lists every case that passes, so the supported list only grows", () => {
    const passing = outcomes.filter((o) => o.pass);
    console.log(
      `golden expression cases: ${passing.length} of ${outcomes.length} pass (${expressionCases.length} expression, ${errorCases.length} error, ${noRowCases.length} no-row)`,
    );
    const unlisted = passing.filter((o) => !supported.has(o.id)).map((o) => o.id);
    expect(unlisted, "these cases pass now: add them to supported-expression-cases.ts").toEqual([]);
  });
});
