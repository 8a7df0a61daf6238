import {
  type AggregateFunction,
  type DataStream,
  OutputTag,
  type OverFrame,
  type OverResult,
} from "@eddy/core";
import type {
  AggregateCall,
  AnalyticCall,
  CompiledExpression,
  OverNode,
  ProjectNode,
  SqlRow,
} from "../plan/logical-plan.ts";
import type { SqlValue } from "../types/sql-value.ts";
import { analyticAggregate, type CallArguments } from "./aggregate-calls.ts";
import { arrivalOrder } from "./arrival-order.ts";
import { partitionKey } from "./group-key.ts";
import { lateRowsToErrors } from "./late-rows.ts";
import { type HeldRow, slidingUnits } from "./over-sliding-units.ts";
import { type LoweringContext, rowStep } from "./row-step.ts";
import { selectList } from "./simple-nodes.ts";

/**
 * Frame of a window without one (`OVER (PARTITION BY x)`): every earlier row of the partition. A
 * range this long is "all of it" for any epoch-ms ROWTIME.
 */
const WHOLE_PARTITION: OverFrame = { range: Number.MAX_SAFE_INTEGER };

/**
 * Where the values the windows read come from: input columns, read in place, and the values
 * evaluated per row, in order. A position below `inputWidth` is a column; position
 * `inputWidth + j` is evaluated value `j`.
 */
class HeldValues {
  /** What the first step evaluates, in order; `"rowtime"` for the ROWTIME calls take. */
  readonly evaluated: (CompiledExpression | "rowtime")[] = [];

  constructor(readonly inputWidth: number) {}

  /** Where an expression's value is in the held rows. */
  positionOf(expression: CompiledExpression | "rowtime"): number {
    if (expression !== "rowtime" && expression.column !== undefined && expression.column < this.inputWidth) {
      return expression.column;
    }
    let at = this.evaluated.indexOf(expression);
    if (at < 0) at = this.evaluated.push(expression) - 1;
    return this.inputWidth + at;
  }
}

/**
 * What a window after the first holds: the previous window's result, whose `record` leads back
 * to the held row (one level per window before). Each window reads the held row; the output row
 * is made once, after the last window, from the results along the chain.
 */
type WindowResult = OverResult<unknown, string | number, SqlValue[]>;

/** The held row under `depth` levels of window results. */
function heldRowAt(depth: number): (value: unknown) => HeldRow {
  if (depth === 0) return (value) => value as HeldRow;
  if (depth === 1) return (value) => (value as WindowResult).record as HeldRow;
  return (value) => {
    let at = value;
    for (let d = 0; d < depth; d++) at = (at as WindowResult).record;
    return at as HeldRow;
  };
}

/**
 * Throws unless `value` has the form a window at `depth` holds: `depth` window results around a
 * held row (an array). Checked on the first row of each frame, so that a checkpoint written by an
 * earlier version of this lowering (rows in envelopes, or flat rows in later windows), handed to
 * the window because its operator id matches, is refused with a clear message rather than read
 * as NULLs; the runtime names the operator.
 */
export function checkHeldForm(value: unknown, depth: number): void {
  let at = value;
  for (let d = 0; d < depth; d++) {
    at =
      at !== null && typeof at === "object" && !Array.isArray(at) ? (at as WindowResult).record : undefined;
  }
  if (!Array.isArray(at)) {
    throw new Error(
      "this OVER window's checkpointed rows are in the form of an earlier @eddy/sql (before the windows chained their results), which this version cannot read: start the application without its checkpoints (eddy-sql run --fresh)",
    );
  }
}

/**
 * Sliding-window aggregation on Eddy's over operator, one operator per window of the SELECT (the
 * seed FX query's W1 and R1), each reading the held row's partition keys and arguments and
 * passing its results on; the output row is made once, after the last. The operator handles a
 * row once the watermark passes it, in ROWTIME order (ties in arrival order, so a later peer is
 * not in an earlier row's frame: A19); its frame includes the RANGE bound. Rows keep their
 * ROWTIME; late rows go to the error stream (A2).
 *
 * `select`, a select list above the node that keeps ROWTIME (the planner puts one above every
 * OVER), is evaluated in the same last step rather than in one more.
 */
export function lowerOver(
  node: OverNode,
  input: DataStream<SqlRow>,
  lowering: LoweringContext,
  select?: ProjectNode,
): DataStream<SqlRow> {
  const inputWidth = node.input.columns.length;
  const callCount = node.calls.length;
  const held = new HeldValues(inputWidth);
  const keyPositions = node.windows.map((window) => window.partitionBy.map((key) => held.positionOf(key)));
  const argumentPositions = node.calls.map(({ call }) => {
    const positions = call.args.map((arg) => held.positionOf(arg));
    if (call.kind === "aggregate" && call.rowtimeArgument) positions.push(held.positionOf("rowtime"));
    return positions;
  });
  const evaluated = held.evaluated;
  const evaluatedCount = evaluated.length;

  const active = node.windows.flatMap((window, w) => {
    const slots = node.calls.flatMap((c, i) => (c.window === w ? [i] : []));
    return slots.length === 0 ? [] : [{ window, w, slots }];
  });
  // A window reads rows in the order the window before it emitted them: by that window's
  // partition. That is arrival order within each of its own partitions only when each lies inside
  // one partition of the window before (its keys include the other's); otherwise the rows are put
  // back in arrival order first, by a sequence stamped where they enter (the last held slot).
  const reorder = active.map(
    ({ w }, depth) =>
      depth > 0 && !keyPositions[active[depth - 1]!.w]!.every((p) => keyPositions[w]!.includes(p)),
  );
  const sequenced = reorder.includes(true);
  const sequenceAt = inputWidth + evaluatedCount;

  let rows: DataStream<unknown> = input;
  if (evaluatedCount > 0 || sequenced) {
    // The sequence is checkpointed: rows held by the windows keep theirs across a restart.
    let sequence = 0;
    const state = sequenced
      ? {
          snapshot: () => sequence,
          restore: (saved: unknown) => {
            // Another operator's state under this step's id: a checkpoint of an earlier lowering.
            if (typeof saved !== "number") {
              throw new Error(
                "this OVER step's checkpointed state is not its arrival sequence: the checkpoint was written by an @eddy/sql that lowered the query differently; start the application without its checkpoints (eddy-sql run --fresh)",
              );
            }
            sequence = saved;
          },
        }
      : undefined;
    const width = sequenced ? sequenceAt + 1 : sequenceAt;
    rows = rowStep<HeldRow>(
      input,
      "over",
      node.input.columns,
      lowering,
      (row, rowtime, context, emit) => {
        const values = new Array<SqlValue>(width);
        for (let i = 0; i < inputWidth; i++) values[i] = row[i] ?? null;
        for (let j = 0; j < evaluatedCount; j++) {
          const value = evaluated[j]!;
          values[inputWidth + j] = value === "rowtime" ? rowtime : value.evaluate(row, rowtime, context);
        }
        if (sequenced) values[sequenceAt] = sequence++;
        emit(values, rowtime);
      },
      state && { state },
    );
  }

  // Whether each window's result is one value rather than a list (see windowAggregate).
  const single: boolean[] = [];
  active.forEach(({ window, w, slots }, depth) => {
    const rowOf = heldRowAt(depth);
    if (reorder[depth]) rows = arrivalOrder(rows, (value) => rowOf(value)[sequenceAt] as number | undefined);
    const positions = keyPositions[w]!;
    const keyOf = partitionKey(
      positions,
      window.partitionBy.map((key) => key.type),
    );
    const before = depth === 0 ? undefined : keyPositions[active[depth - 1]!.w]!;
    // A window partitioned as the one before it has that window's key at hand (the FX query's R1).
    const sameKey =
      before !== undefined &&
      before.length === positions.length &&
      before.every((p, i) => p === positions[i]);
    const late = new OutputTag<unknown>(`over-late-${w}`);
    const { aggregate, singleValue } = windowAggregate(
      slots.map((slot) => node.calls[slot]!.call),
      slots.map((slot) => argumentPositions[slot]!),
      depth,
      depth === active.length - 1,
    );
    single.push(singleValue);
    const aggregated = rows
      .keyBy(
        depth === 0
          ? (keyOf as (value: unknown) => string | number)
          : sameKey
            ? (value) => (value as WindowResult).key
            : (value) => keyOf(rowOf(value)),
      )
      .over(window.frame ?? historyFrame(node, slots))
      .sideOutputLateData(late)
      .aggregate(aggregate);
    lateRowsToErrors(aggregated.getSideOutput(late), rowOf, "OVER window", node.input.columns, lowering);
    rows = aggregated;
  });

  // The output row: the input columns, then each call's result, from the chain of results.
  const resultSlots = active.map(({ slots }) => slots.map((slot) => inputWidth + slot)).reverse();
  const singleResult = single.reverse();
  const fillRow = (out: SqlValue[], value: unknown): SqlValue[] => {
    let at = value;
    for (let n = 0; n < resultSlots.length; n++) {
      const slots = resultSlots[n]!;
      const results = (at as WindowResult).value;
      if (singleResult[n])
        for (let i = 0; i < slots.length; i++) out[slots[i]!] = results as unknown as SqlValue;
      else for (let i = 0; i < slots.length; i++) out[slots[i]!] = results[i]!;
      at = (at as WindowResult).record;
    }
    const row = at as HeldRow;
    for (let i = 0; i < inputWidth; i++) out[i] = row[i] ?? null;
    return out;
  };
  const outputRow = (value: unknown) => fillRow(new Array<SqlValue>(inputWidth + callCount), value);
  if (select === undefined) return rows.map(outputRow);
  // The select list above, in the same step: its expressions may fail, so the step is a row
  // step, and a failing row goes to the error stream as the select list's would. The select
  // list reads the output row and makes its own, so one scratch row serves every row.
  const project = selectList(select.expressions);
  const scratch = new Array<SqlValue>(inputWidth + callCount);
  return rowStep(
    rows,
    "over-select",
    node.columns,
    lowering,
    (value, rowtime, context, emit) => emit(project(fillRow(scratch, value), rowtime, context), rowtime),
    { rowOf: outputRow },
  );
}

/**
 * The calls of one window (at `depth` in the chain) as one aggregate over what it holds, results in call order; with a
 * sliding form when every call has one (the registry's aggregates do, and analytic calls keep
 * their frame's rows), so a frame costs O(1) per row. Calls that read the same positions share
 * one argument list per row, and in the sliding form work is shared too: numeric aggregates of
 * one argument (MIN, MAX and AVG of a price) keep one summary of it, and a call repeated in the
 * select list (the FX query's `FIRST_VALUE("price") OVER R1`, twice) is computed once. This runs
 * for every row: loops, no nested closures per call.
 */
function windowAggregate(
  calls: readonly (AggregateCall | AnalyticCall)[],
  positions: readonly (readonly number[])[],
  depth: number,
  last: boolean,
): { aggregate: AggregateFunction<unknown, unknown[], SqlValue[]>; singleValue: boolean } {
  const rowOf = heldRowAt(depth);
  const parts: AggregateFunction<CallArguments, unknown, SqlValue>[] = calls.map((call) =>
    call.kind === "aggregate" ? call.aggregate : analyticAggregate(call),
  );
  const count = parts.length;
  // Distinct argument lists, and which one each call reads.
  const lists: (readonly number[])[] = [];
  const listOf = positions.map((list) => {
    const found = lists.findIndex(
      (other) => other.length === list.length && other.every((p, i) => p === list[i]),
    );
    return found >= 0 ? found : lists.push(list) - 1;
  });
  // The argument lists of the row being added; every list is a new array, as calls may keep it.
  const current = new Array<CallArguments>(lists.length);
  const argumentsOf = (row: HeldRow) => {
    for (let l = 0; l < lists.length; l++) {
      const list = lists[l]!;
      const values = new Array<SqlValue>(list.length);
      for (let a = 0; a < list.length; a++) values[a] = row[list[a]!]!;
      current[l] = values;
    }
  };
  const allSliding = parts.every((part) => part.sliding !== undefined);
  const callPositions = listOf.map((l) => lists[l]!);
  // The last window's results go straight to the output row, held by no later window: when its
  // calls all give one value (the FX query's FIRST_VALUE twice), that value is its result, no
  // list per row. (A window's result is in the state of the window after it, so only the last
  // one's form can change without changing what its checkpoints hold.)
  const probe = allSliding ? slidingUnits(calls, parts, callPositions) : [];
  const singleValue = last && probe.length === 1 && probe[0]!.value !== undefined;
  const aggregate: AggregateFunction<unknown, unknown[], SqlValue[]> = {
    create: () => parts.map((part) => part.create()),
    add: (accs, value) => {
      argumentsOf(rowOf(value));
      for (let i = 0; i < count; i++) accs[i] = parts[i]!.add(accs[i], current[listOf[i]!]!);
      return accs;
    },
    merge: (a, b) => parts.map((part, i) => part.merge(a[i], b[i])),
    result: (accs) => parts.map((part, i) => part.result(accs[i])),
    ...(allSliding && {
      sliding: () => {
        const units = slidingUnits(calls, parts, callPositions);
        const unitCount = units.length;
        let checked = false;
        return {
          push: (value: unknown) => {
            if (!checked) {
              checkHeldForm(value, depth);
              checked = true;
            }
            const row = rowOf(value);
            for (let u = 0; u < unitCount; u++) units[u]!.push(row);
          },
          evictOldest: () => {
            for (let u = 0; u < unitCount; u++) units[u]!.evictOldest();
          },
          result: singleValue
            ? () => units[0]!.value!() as unknown as SqlValue[]
            : () => {
                const values = new Array<SqlValue>(count);
                for (let u = 0; u < unitCount; u++) units[u]!.results(values);
                return values;
              },
        };
      },
    }),
  };
  return { aggregate, singleValue };
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
