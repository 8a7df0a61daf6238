import type { DataStream } from "@eddy/core";
import type { SqlRow, TableJoinNode } from "../plan/logical-plan.ts";
import { groupKeyOf } from "./group-key.ts";
import { type LoweringContext, rowStep } from "./row-step.ts";

/**
 * A stream joined with a reference table: each stream row, as it comes, with every table row the
 * condition accepts (looked up by the equi-join keys when the condition has them), keeping the
 * stream row's ROWTIME; a LEFT join keeps an unmatched stream row padded with NULLs. The table is
 * fixed for the run (KDA reloads reference data only on an application update).
 */
export function lowerTableJoin(
  node: TableJoinNode,
  input: DataStream<SqlRow>,
  tableRows: readonly SqlRow[],
  lowering: LoweringContext,
): DataStream<SqlRow> {
  const tableWidth = node.columns.length - node.input.columns.length;
  const padding: SqlRow = new Array(tableWidth).fill(null);
  const equi = node.equiKeys;
  const index = new Map<string, SqlRow[]>();
  if (equi) {
    for (const row of tableRows) {
      const values = equi.table.map((column) => row[column] ?? null);
      if (values.includes(null)) continue; // NULL equals nothing
      const key = groupKeyOf(values);
      const list = index.get(key);
      if (list) list.push(row);
      else index.set(key, [row]);
    }
  }
  const condition = node.condition;
  return rowStep<SqlRow>(
    input,
    `join(${node.table})`,
    node.input.columns,
    lowering,
    (row, rowtime, context, emit) => {
      let candidates: readonly SqlRow[] = tableRows;
      if (equi) {
        const values = equi.stream.map((key) => key.evaluate(row, rowtime, context));
        candidates = values.includes(null) ? [] : (index.get(groupKeyOf(values)) ?? []);
      }
      let matched = false;
      for (const tableRow of candidates) {
        const joined = [...row, ...tableRow];
        if (condition === undefined || condition.evaluate(joined, rowtime, context) === true) {
          matched = true;
          emit(joined, rowtime);
        }
      }
      if (!matched && node.joinType === "left") emit([...row, ...padding], rowtime);
    },
  );
}
