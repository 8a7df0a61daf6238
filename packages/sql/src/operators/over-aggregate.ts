import { type AggregateFunction, type DataStream, OutputTag, type OverFrame } from "@eddy/core";
import type { OverNode, SqlRow } from "../plan/logical-plan.ts";
import type { SqlValue } from "../types/sql-value.ts";
import { analyticAggregate, type CallArguments, evaluateCallArguments } from "./aggregate-calls.ts";
import { groupKeyOf } from "./group-key.ts";
import { type HeldRow, lateRowsToErrors } from "./late-rows.ts";
import { type LoweringContext, rowStep } from "./row-step.ts";

/** A row on its way through one over operator per window: its partition keys, arguments, results. */
interface OverInput extends HeldRow {
  /** Partition key per window. */
  readonly keys: readonly string[];
  readonly args: readonly CallArguments[];
  /** One slot per call, filled by its window's operator. */
  readonly results: SqlValue[];
}

/**
 * Frame of a window without one (`OVER (PARTITION BY x)`): every earlier row of the partition. A
 * range this long is "all of it" for any epoch-ms ROWTIME.
 */
const WHOLE_PARTITION: OverFrame = { range: Number.MAX_SAFE_INTEGER };

/**
 * Sliding-window aggregation on Eddy's over operator, one operator per window of the SELECT (the
 * seed FX query's W1 and R1), each filling its calls' slots. The operator handles a row once the
 * watermark passes it, in ROWTIME order (ties in arrival order, so a later peer is not in an
 * earlier row's frame: A19); its frame includes the RANGE bound. Rows keep their ROWTIME; late
 * rows go to the error stream (A2).
 */
export function lowerOver(
  node: OverNode,
  input: DataStream<SqlRow>,
  lowering: LoweringContext,
): DataStream<SqlRow> {
  const allCalls = node.calls.map((c) => c.call);
  let stream = rowStep<OverInput>(
    input,
    "over",
    node.input.columns,
    lowering,
    (row, rowtime, context, emit) => {
      const keys = node.windows.map((window) =>
        groupKeyOf(window.partitionBy.map((key) => key.evaluate(row, rowtime, context))),
      );
      const args = evaluateCallArguments(allCalls, row, rowtime, context);
      emit({ row, keys, args, results: new Array<SqlValue>(allCalls.length).fill(null) }, rowtime);
    },
  );
  node.windows.forEach((window, w) => {
    const slots = node.calls.flatMap((c, i) => (c.window === w ? [i] : []));
    if (slots.length === 0) return;
    const late = new OutputTag<OverInput>(`over-late-${w}`);
    const aggregate = windowAggregate(node, slots);
    const aggregated = stream
      .keyBy((input) => input.keys[w]!)
      .over(window.frame ?? historyFrame(node, slots))
      .sideOutputLateData(late)
      .aggregate(aggregate);
    lateRowsToErrors(aggregated.getSideOutput(late), "OVER window", node.input.columns, lowering);
    stream = aggregated.map((result) => {
      slots.forEach((slot, i) => {
        result.record.results[slot] = result.value[i]!;
      });
      return result.record;
    });
  });
  return stream.map((input) => [...input.row, ...input.results]);
}

/**
 * The calls of one window as one aggregate over the rows' envelopes, each result in the order of
 * `slots`; with a sliding form when every call has one (the registry's aggregates do, and analytic
 * calls keep their frame's rows), so a frame costs O(1) per row. One flat level: this runs for
 * every row.
 */
function windowAggregate(
  node: OverNode,
  slots: readonly number[],
): AggregateFunction<OverInput, unknown[], SqlValue[]> {
  const parts: AggregateFunction<readonly CallArguments[], unknown, SqlValue>[] = slots.map((slot) => {
    const call = node.calls[slot]!.call;
    return call.kind === "aggregate" ? pickArguments(call.aggregate, slot) : analyticAggregate(call, slot);
  });
  const count = parts.length;
  const allSliding = parts.every((part) => part.sliding !== undefined);
  return {
    create: () => parts.map((part) => part.create()),
    add: (accs, input) => {
      for (let i = 0; i < count; i++) accs[i] = parts[i]!.add(accs[i], input.args);
      return accs;
    },
    merge: (a, b) => parts.map((part, i) => part.merge(a[i], b[i])),
    result: (accs) => parts.map((part, i) => part.result(accs[i])),
    ...(allSliding && {
      sliding: () => {
        const forms = parts.map((part) => part.sliding!());
        return {
          push: (input: OverInput) => {
            for (let i = 0; i < count; i++) forms[i]!.push(input.args);
          },
          evictOldest: () => {
            for (let i = 0; i < count; i++) forms[i]!.evictOldest();
          },
          result: () => {
            const values = new Array<SqlValue>(count);
            for (let i = 0; i < count; i++) values[i] = forms[i]!.result();
            return values;
          },
        };
      },
    }),
  };
}

/** An aggregate over one call's arguments, fed every call's arguments of a row. */
function pickArguments(
  fn: AggregateFunction<readonly SqlValue[], unknown, SqlValue>,
  slot: number,
): AggregateFunction<readonly CallArguments[], unknown, SqlValue> {
  return {
    create: fn.create,
    add: (acc, args) => fn.add(acc, args[slot]!),
    merge: fn.merge,
    result: fn.result,
    ...(fn.sliding && {
      sliding: () => {
        const form = fn.sliding!();
        return {
          push: (args: readonly CallArguments[]) => form.push(args[slot]!),
          evictOldest: () => form.evictOldest(),
          result: () => form.result(),
        };
      },
    }),
  };
}

/**
 * A window without a frame: analytic calls keep the rows of history they say they need (`LAG(x,
 * 3)`: three), aggregates the whole partition.
 */
function historyFrame(node: OverNode, slots: readonly number[]): OverFrame {
  let rows = 0;
  for (const slot of slots) {
    const call = node.calls[slot]!.call;
    if (call.kind === "aggregate" || call.evaluator.history === undefined) return WHOLE_PARTITION;
    rows = Math.max(rows, call.evaluator.history);
  }
  return { rows };
}
