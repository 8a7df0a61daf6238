import { type DataStream, type OperatorFactory, OutputTag } from "@eddy/core";
import { SqlFunctionError } from "../functions/function-contract.ts";
import type { SqlRow } from "../plan/logical-plan.ts";
import type { SqlField } from "../types/sql-type.ts";
import { errorNameOf, errorRow } from "./error-rows.ts";

/**
 * What lowering a pump's or query's tree shares: where rows that fail go, and the values every
 * evaluation sees.
 */
export interface LoweringContext {
  /** When the application started (`CURRENT_TIMESTAMP`…), epoch ms. */
  readonly queryStart: number;
  /** The pump being lowered (`PUMP_NAME` of its error rows); `""` for a bare query. */
  readonly pump: string;
  /** Every operator's error rows; the application's `error_stream` is their union. */
  readonly errors: DataStream<SqlRow>[];
}

/** The evaluation context an operator keeps and updates per row (expressions read `rowtime`). */
export interface RowContext {
  rowtime: number;
  readonly queryStart: number;
}

/**
 * One row's work in a {@link rowStep}: evaluate expressions on `row` and `emit` zero or more
 * results. A `SqlFunctionError` it throws sends the row to the error stream.
 */
export type RowWork<TOut, TIn = SqlRow> = (
  row: TIn,
  rowtime: number,
  context: RowContext,
  emit: (value: TOut, rowtime: number) => void,
) => void;

/**
 * What a step's `work` keeps from row to row and must survive a restart (a counter), as the
 * step's checkpointed state: `snapshot` is called as a checkpoint barrier passes, `restore` with
 * what it returned before the first row after a restart.
 */
export interface RowStepState {
  snapshot(): unknown;
  restore(saved: unknown): void;
}

/** Options of {@link rowStep}. */
export interface RowStepOptions<TIn> {
  /** Where the row of an input that is not a row itself is, for its error rows. */
  readonly rowOf?: (value: TIn) => SqlRow;
  /** State `work` keeps; without it the step is stateless. */
  readonly state?: RowStepState;
}

/**
 * Adds a step that runs `work` on every row of `input`, in order. Evaluation failures
 * (`SqlFunctionError`: division by zero, a failed cast…) become `error_stream` rows, stamped with
 * the job's clock and the pump's name, and the step goes on with the next row (reference §8); any
 * other error is a bug and fails the job. The error row shows the input row (of `columns`); an
 * input that is not a row itself says where its row is with `options.rowOf`. The step is
 * stateless unless `options.state` says what to checkpoint.
 */
export function rowStep<TOut, TIn = SqlRow>(
  input: DataStream<TIn>,
  label: string,
  columns: readonly SqlField[],
  lowering: LoweringContext,
  work: RowWork<TOut, TIn>,
  options: RowStepOptions<TIn> = {},
): DataStream<TOut> {
  const rowOf = options.rowOf ?? ((value: TIn) => value as SqlRow);
  const state = options.state;
  const errors = new OutputTag<SqlRow>(`${label}-errors`);
  const factory: OperatorFactory<TIn, TOut> = (operator, output) => {
    const context: RowContext = { rowtime: 0, queryStart: lowering.queryStart };
    // A batch's results are gathered here and handed on as one batch, as core's `map` does
    // (`output.emit` per row would push into growing arrays and box each ROWTIME).
    let values: TOut[] = [];
    let rowtimes: number[] = [];
    let count = 0;
    const emit = (value: TOut, rowtime: number) => {
      values[count] = value;
      rowtimes[count] = rowtime;
      count++;
    };
    return {
      processBatch(batch) {
        values = new Array<TOut>(batch.values.length);
        rowtimes = new Array<number>(batch.values.length);
        count = 0;
        let failures: (SqlRow | number)[] | undefined;
        for (let i = 0; i < batch.values.length; i++) {
          const row = batch.values[i]!;
          const rowtime = batch.timestamps[i]!;
          context.rowtime = rowtime;
          try {
            work(row, rowtime, context, emit);
          } catch (error) {
            if (!(error instanceof SqlFunctionError)) throw error;
            operator.metrics.failedRecords++;
            const failed = errorRow({
              now: operator.clock.now(),
              name: errorNameOf(error),
              message: error.message,
              rowtime,
              row: rowOf(row),
              columns,
              pump: lowering.pump,
            });
            failures ??= [];
            failures.push(failed, rowtime);
          }
        }
        values.length = count;
        rowtimes.length = count;
        output.emitBatch(values, rowtimes);
        // Error rows after the batch's rows, as the stage hands side outputs on after its output.
        if (failures !== undefined) {
          for (let f = 0; f < failures.length; f += 2) {
            output.emitSide(errors, failures[f] as SqlRow, failures[f + 1] as number);
          }
        }
      },
      ...(state && {
        snapshotState: () => ({ operator: state.snapshot() }),
        restoreState: (snapshot) => state.restore(snapshot.operator),
      }),
    };
  };
  const stream = input.transform(label, factory);
  lowering.errors.push(stream.getSideOutput(errors));
  return stream;
}
