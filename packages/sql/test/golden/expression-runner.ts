import { EMPTY_SCOPE, ExpressionChecker } from "../../src/check/check-expression.ts";
import { compileExpression } from "../../src/expressions/compile-expression.ts";
import { parseSqlTypeText } from "../../src/functions/conversion/sql-type-text.ts";
import { SqlFunctionError } from "../../src/functions/function-contract.ts";
import { builtinFunctions } from "../../src/functions/registry.ts";
import { formatSqlType, type SqlType, type SqlValue } from "../../src/index.ts";
import type { CompiledExpression } from "../../src/plan/logical-plan.ts";
import { parseSqlExpression } from "../../src/syntax/parse.ts";
import { SqlError } from "../../src/syntax/sql-error.ts";
import type { GoldenErrorCase, GoldenExpressionCase, GoldenNoRowCase } from "./index.ts";

/** What running one golden case gave: whether it is the documented outcome, and what happened. */
export interface CaseOutcome {
  readonly id: string;
  readonly pass: boolean;
  readonly detail: string;
}

function compileText(text: string): CompiledExpression {
  const checker = new ExpressionChecker(text, builtinFunctions());
  return compileExpression(checker.check(parseSqlExpression(text), EMPTY_SCOPE));
}

function sameValue(a: SqlValue, b: SqlValue): boolean {
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return a === b;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return (
      a instanceof Uint8Array &&
      b instanceof Uint8Array &&
      a.length === b.length &&
      a.every((x, i) => x === b[i])
    );
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  const fieldsOf = (v: object) => v as Record<string, SqlValue>;
  return (
    keysA.length === keysB.length &&
    keysA.every((k) => sameValue(fieldsOf(a)[k] ?? null, fieldsOf(b)[k] ?? null))
  );
}

// The page's type against ours: name, and the parameters the page states.
function sameType(expected: string, actual: SqlType): boolean {
  // `ROW(COLUMN1 … COLUMN7)`: the fixture's short form names the first and last fields only.
  const range = /^ROW\((\w+) … (\w+)\)$/.exec(expected);
  if (range !== null) {
    const names = (actual.fields ?? []).map((f) => f.name);
    return actual.name === "ROW" && names[0] === range[1] && names[names.length - 1] === range[2];
  }
  if (/^ROW\(/i.test(expected))
    return expected.replace(/\s+/g, "") === formatSqlType(actual).replace(/\s+/g, "");
  const want = parseSqlTypeText(expected);
  if (want.name !== actual.name) return false;
  if (want.length !== undefined && want.length !== actual.length) return false;
  if (want.precision !== undefined && want.precision !== actual.precision) return false;
  if (want.scale !== undefined && want.scale !== actual.scale) return false;
  if (want.qualifier !== undefined) {
    const q = actual.qualifier;
    const end = (x: { start: string; end?: string }) => x.end ?? x.start;
    if (q === undefined || q.start !== want.qualifier.start || end(q) !== end(want.qualifier)) return false;
  }
  return true;
}

function show(value: unknown): string {
  return value instanceof Uint8Array ? `bytes ${[...value].join(",")}` : JSON.stringify(value);
}

/** An expression case: evaluated as a constant row, compared with the printed value (and type). */
export function runExpressionCase(c: GoldenExpressionCase): CaseOutcome {
  try {
    const compiled = compileText(c.expression);
    // The query starts now, as the page's SQLline session did when it ran (a two-digit year of
    // CHAR_TO_TIMESTAMP is read relative to it); CURRENT_ROW_TIMESTAMP is the page's clock.
    const queryStart = Date.now();
    const clock = c.clock ?? queryStart;
    const value = compiled.evaluate([], clock, { rowtime: clock, queryStart });
    if (!sameValue(value, c.expected))
      return { id: c.id, pass: false, detail: `got ${show(value)}, the page prints ${c.printed}` };
    if (c.type !== undefined && !sameType(c.type, compiled.type))
      return {
        id: c.id,
        pass: false,
        detail: `type ${formatSqlType(compiled.type)}, the page says ${c.type}`,
      };
    return { id: c.id, pass: true, detail: show(value) };
  } catch (error) {
    return { id: c.id, pass: false, detail: `failed: ${(error as Error).message.split("\n")[0]}` };
  }
}

/** An error case: refused at parse or check time, or by a runtime error. */
export function runErrorCase(c: GoldenErrorCase): CaseOutcome {
  try {
    const now = Date.now();
    const value = compileText(c.expression).evaluate([], now, { rowtime: now, queryStart: now });
    return {
      id: c.id,
      pass: false,
      detail: `accepted, gave ${show(value)}; KDA says ${c.error.split("\n")[0]}`,
    };
  } catch (error) {
    const refused = error instanceof SqlError || error instanceof SqlFunctionError;
    return { id: c.id, pass: refused, detail: (error as Error).message.split("\n")[0] ?? "" };
  }
}

/**
 * A no-row case ("No rows selected" in SQLline): it checks, and its evaluation raises a runtime
 * error, so in a stream the row goes to error_stream (the A6 decision in docs/sql/language.md).
 */
export function runNoRowCase(c: GoldenNoRowCase): CaseOutcome {
  let compiled: CompiledExpression;
  try {
    compiled = compileText(c.expression);
  } catch (error) {
    return {
      id: c.id,
      pass: false,
      detail: `refused before run time: ${(error as Error).message.split("\n")[0]}`,
    };
  }
  try {
    const now = Date.now();
    const value = compiled.evaluate([], now, { rowtime: now, queryStart: now });
    return { id: c.id, pass: false, detail: `gave ${show(value)}` };
  } catch (error) {
    const runtime = error instanceof SqlFunctionError;
    return { id: c.id, pass: runtime, detail: (error as Error).message };
  }
}
