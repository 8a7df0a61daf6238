import { type DataStream, valueState } from "@eddy/core";
import type { SqlRow, StaggerAggregateNode } from "../plan/logical-plan.ts";
import type { SqlValue } from "../types/sql-value.ts";
import { combinedAggregate } from "./aggregate-calls.ts";
import { groupRows } from "./group-rows.ts";
import type { LoweringContext } from "./row-step.ts";

/** One key's open window: when it opened, the first row's key values, the accumulators. */
interface OpenWindow {
  readonly open: number;
  readonly keys: readonly SqlValue[];
  readonly calls: unknown[];
}

/**
 * `WINDOWED BY STAGGER` as a keyed process function: a key's first row opens its window at its
 * ROWTIME; rows of the key with ROWTIME in [open, open + length) join it; when the watermark
 * reaches open + length − 1 (so once a row at open + length or later has arrived, or at the end
 * of input) the window emits one row stamped open + length and closes. The key's next row opens
 * its next window, not aligned on the clock (A3). A row older than its key's open window (only
 * possible with an event-time ROWTIME) is counted in that window.
 */
export function lowerStagger(
  node: StaggerAggregateNode,
  input: DataStream<SqlRow>,
  lowering: LoweringContext,
): DataStream<SqlRow> {
  const calls = combinedAggregate(node.aggregates);
  const prepared = groupRows(
    input,
    "stagger",
    node.input.columns,
    lowering,
    node.partitionBy,
    -1,
    node.aggregates,
  );
  const resultOf = (window: OpenWindow): SqlRow => [...window.keys, ...calls.result(window.calls)];
  const state = { window: valueState<OpenWindow | null>(null) };
  return prepared
    .keyBy((input) => input.key)
    .process<SqlRow, typeof state>({
      state,
      processElement(input, context) {
        let window = context.state.window.value();
        if (window !== null && context.timestamp >= window.open + node.length) {
          // The watermark has not reached the window's end yet, but this row is past it.
          context.timerService.deleteEventTimeTimer(window.open + node.length - 1);
          context.emit(resultOf(window), window.open + node.length);
          window = null;
        }
        if (window === null) {
          window = { open: context.timestamp, keys: input.keys, calls: calls.create() };
          context.timerService.registerEventTimeTimer(window.open + node.length - 1);
        }
        calls.add(window.calls, input.args);
        context.state.window.update(window);
      },
      onTimer(_time, context) {
        const window = context.state.window.value();
        if (window === null) return;
        context.emit(resultOf(window), window.open + node.length);
        context.state.window.clear();
      },
    });
}
