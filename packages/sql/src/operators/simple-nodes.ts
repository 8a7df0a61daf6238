import type { DataStream } from "@eddy/core";
import type { CompiledExpression, FilterNode, ProjectNode, SqlRow } from "../plan/logical-plan.ts";
import type { SqlValue } from "../types/sql-value.ts";
import { type LoweringContext, type RowContext, rowStep } from "./row-step.ts";

/** `WHERE` / `HAVING`: rows whose predicate is TRUE pass, with their ROWTIME. */
export function lowerFilter(
  node: FilterNode,
  input: DataStream<SqlRow>,
  lowering: LoweringContext,
): DataStream<SqlRow> {
  const predicate = node.predicate;
  return rowStep<SqlRow>(input, "where", node.input.columns, lowering, (row, rowtime, context, emit) => {
    if (predicate.evaluate(row, rowtime, context) === true) emit(row, rowtime);
  });
}

/**
 * A select list: each row's expressions, with the input's ROWTIME, or with the value of the item
 * aliased `AS ROWTIME` (a row whose new ROWTIME is NULL is dropped, as T-sort does).
 */
export function lowerProject(
  node: ProjectNode,
  input: DataStream<SqlRow>,
  lowering: LoweringContext,
): DataStream<SqlRow> {
  const select = selectList(node.expressions);
  const newRowtime = node.rowtime;
  return rowStep<SqlRow>(input, "select", node.input.columns, lowering, (row, rowtime, context, emit) => {
    const out = select(row, rowtime, context);
    if (newRowtime === undefined) return emit(out, rowtime);
    const at = newRowtime.evaluate(row, rowtime, context);
    if (at !== null) emit(out, at as number);
  });
}

/**
 * A select list's row from its input row. Plain columns are copied in place, without a call per
 * value (most of a select list); other expressions may throw `SqlFunctionError`.
 */
export function selectList(
  expressions: readonly CompiledExpression[],
): (row: SqlRow, rowtime: number, context: RowContext) => SqlValue[] {
  const columns = expressions.map((e) => e.column ?? -1);
  return (row, rowtime, context) => {
    const out = new Array<SqlValue>(expressions.length);
    for (let i = 0; i < expressions.length; i++) {
      const column = columns[i]!;
      out[i] = column >= 0 ? (row[column] ?? null) : expressions[i]!.evaluate(row, rowtime, context);
    }
    return out;
  };
}
