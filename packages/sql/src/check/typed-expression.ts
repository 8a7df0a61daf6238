import type {
  AggregateCallOptions,
  AggregateSqlFunction,
  AnalyticSqlFunction,
  ArgumentInfo,
  ScalarSqlFunction,
} from "../functions/function-contract.ts";
import type { SourceSpan, WindowReference } from "../syntax/ast.ts";
import type { SqlType } from "../types/sql-type.ts";
import type { SqlValue } from "../types/sql-value.ts";

/**
 * A checked expression: every node knows its {@link SqlType}. Names are resolved to positions
 * in the input row (`column`) or to the row's ROWTIME; calls to the registry's functions; the
 * syntax the registry does not cover (BETWEEN, IN, simple CASE) is lowered to calls, logic and
 * searched CASE, so the compiler has few kinds to handle.
 */
export type TypedExpression =
  | TypedLiteral
  | TypedColumn
  | TypedRowtime
  | TypedCall
  | TypedAggregate
  | TypedAnalytic
  | TypedLogical
  | TypedIs
  | TypedCase
  | TypedField;

interface TypedBase {
  readonly type: SqlType;
  readonly span: SourceSpan;
}

/** A constant. */
export interface TypedLiteral extends TypedBase {
  readonly kind: "literal";
  readonly value: SqlValue;
}

/** A column of the input row, by position. */
export interface TypedColumn extends TypedBase {
  readonly kind: "column";
  readonly index: number;
  /** The column's stored name. */
  readonly name: string;
  /** Known to be non-decreasing (ROWTIME-derived or asserted by MONOTONIC in a subquery). */
  readonly monotonic: boolean;
}

/** The row's ROWTIME (unqualified, or qualified by the only input). */
export interface TypedRowtime extends TypedBase {
  readonly kind: "rowtime";
}

/** A scalar function or operator of the registry. */
export interface TypedCall extends TypedBase {
  readonly kind: "call";
  readonly fn: ScalarSqlFunction;
  readonly args: readonly TypedExpression[];
  /** What the function was told of its arguments at check time (types, literal values). */
  readonly argInfo: readonly ArgumentInfo[];
}

// What aggregate and analytic calls share: the function's arguments and modifiers.
interface TypedWindowableCall<TFunction> extends TypedBase {
  readonly fn: TFunction;
  readonly args: readonly TypedExpression[];
  readonly argInfo: readonly ArgumentInfo[];
  readonly options: AggregateCallOptions;
}

/** An aggregate call of a GROUP BY or stagger query; the planner evaluates it per group. */
export interface TypedAggregate extends TypedWindowableCall<AggregateSqlFunction> {
  readonly kind: "aggregate";
  /** With OVER: a windowed (analytic) use of the aggregate. */
  readonly over?: WindowReference;
}

/** An analytic function (LAG, NTH_VALUE) with its window. */
export interface TypedAnalytic extends TypedWindowableCall<AnalyticSqlFunction> {
  readonly kind: "analytic";
  readonly over: WindowReference;
}

/** AND, OR, NOT with three-valued logic. */
export interface TypedLogical extends TypedBase {
  readonly kind: "logical";
  readonly op: "AND" | "OR" | "NOT";
  readonly args: readonly TypedExpression[];
}

/** IS [NOT] NULL / TRUE / FALSE / UNKNOWN / DISTINCT FROM: never NULL. */
export interface TypedIs extends TypedBase {
  readonly kind: "is";
  readonly test: "NULL" | "TRUE" | "FALSE" | "UNKNOWN" | "DISTINCT FROM";
  readonly negated: boolean;
  readonly arg: TypedExpression;
  readonly other?: TypedExpression;
}

/** Searched CASE: the first branch whose condition is TRUE, else `otherwise` (NULL when absent). */
export interface TypedCase extends TypedBase {
  readonly kind: "case";
  readonly branches: readonly { readonly when: TypedExpression; readonly result: TypedExpression }[];
  readonly otherwise?: TypedExpression;
}

/** A field of a ROW value (a log parser's `COLUMN1`). */
export interface TypedField extends TypedBase {
  readonly kind: "field";
  readonly arg: TypedExpression;
  readonly field: string;
}

/** Whether an expression contains an aggregate or analytic call (outside subqueries). */
export function containsAggregate(e: TypedExpression): boolean {
  if (e.kind === "aggregate" || e.kind === "analytic") return true;
  let found = false;
  forEachChild(e, (child) => {
    found ||= containsAggregate(child);
  });
  return found;
}

/** Calls `visit` on each direct child of an expression. */
export function forEachChild(e: TypedExpression, visit: (child: TypedExpression) => void): void {
  switch (e.kind) {
    case "call":
    case "logical":
    case "aggregate":
    case "analytic":
      e.args.forEach(visit);
      return;
    case "is":
      visit(e.arg);
      if (e.other !== undefined) visit(e.other);
      return;
    case "case":
      for (const b of e.branches) {
        visit(b.when);
        visit(b.result);
      }
      if (e.otherwise !== undefined) visit(e.otherwise);
      return;
    case "field":
      visit(e.arg);
      return;
    default:
      return;
  }
}
