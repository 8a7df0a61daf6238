import type { DataStream, OperatorFactory } from "@eddy/core";
import type { SqlRow, TableFunctionNode } from "../plan/logical-plan.ts";
import type { SqlValue } from "../types/sql-value.ts";

/**
 * `TABLE(fn(CURSOR(...), args...))`: one instance of the table function for the running query,
 * fed the rows by column name in arrival order; told when event time advances (the watermark; the
 * end of input is +Infinity) so tumbling functions close their windows. Its state is the
 * operator's checkpointed state.
 */
export function lowerTableFunction(node: TableFunctionNode, input: DataStream<SqlRow>): DataStream<SqlRow> {
  const inputNames = node.input.columns.map((column) => column.name);
  const outputNames = node.columns.map((column) => column.name);
  const factory: OperatorFactory<SqlRow, SqlRow> = (_context, output) => {
    const instance = node.function.create(node.input.columns, node.args);
    const emit = (record: Readonly<Record<string, SqlValue>>, rowtime: number) =>
      output.emit(
        outputNames.map((name) => record[name] ?? null),
        rowtime,
      );
    return {
      processBatch(batch) {
        for (let i = 0; i < batch.values.length; i++) {
          const row = batch.values[i]!;
          const record: Record<string, SqlValue> = {};
          for (let c = 0; c < inputNames.length; c++) record[inputNames[c]!] = row[c] ?? null;
          instance.push(record, batch.timestamps[i]!, emit);
        }
      },
      processWatermark: (watermark) => instance.advance?.(watermark, emit),
      snapshotState: () => ({ operator: instance.snapshot() }),
      restoreState: (snapshot) => instance.restore(snapshot.operator),
    };
  };
  return input.transform(`table(${node.function.name})`, factory);
}
