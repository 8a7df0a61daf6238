import type { DataStream, OperatorFactory } from "@eddy/core";
import type { SqlRow } from "../plan/logical-plan.ts";
import type { SqlField } from "../types/sql-type.ts";
import { errorRow } from "./error-rows.ts";
import type { LoweringContext } from "./row-step.ts";

/** What a stateful operator's late-data side output carries: the row it refused. */
export interface HeldRow {
  readonly row: SqlRow;
}

/**
 * Turns the rows a window or over operator refused as late (ROWTIME at or below its watermark on
 * arrival) into `error_stream` rows named `LATE_ROW`: KDA lists out-of-order rows among the error
 * stream's causes and SQLstream discards and logs them (A2); they are never silently lost.
 * `rowOf` finds the input row in what the operator held (only its first `columns.length` values
 * are read).
 */
export function lateRowsToErrors<T>(
  late: DataStream<T>,
  rowOf: (held: T) => SqlRow,
  what: string,
  columns: readonly SqlField[],
  lowering: LoweringContext,
): void {
  const factory: OperatorFactory<T, SqlRow> = (operator, output) => ({
    processBatch(batch) {
      for (let i = 0; i < batch.values.length; i++) {
        const rowtime = batch.timestamps[i]!;
        const message = `late row: ROWTIME ${new Date(rowtime).toISOString()} reached the ${what} after the time it belongs to had passed; the row was dropped`;
        output.emit(
          errorRow({
            now: operator.clock.now(),
            name: "LATE_ROW",
            message,
            rowtime,
            row: rowOf(batch.values[i]!),
            columns,
            pump: lowering.pump,
          }),
          rowtime,
        );
      }
    },
  });
  lowering.errors.push(late.transform(`late-rows(${what})`, factory));
}
