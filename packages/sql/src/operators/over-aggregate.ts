import { type AggregateFunction, type DataStream, OutputTag, type OverFrame, stats } from "@eddy/core";
import { type NumericSummaryUse, numericSummaryOf } from "../functions/aggregate/aggregate-support.ts";
import { FlagFifo } from "../functions/aggregate/fifo.ts";
import type {
  AggregateCall,
  AnalyticCall,
  CompiledExpression,
  OverNode,
  SqlRow,
} from "../plan/logical-plan.ts";
import type { SqlValue } from "../types/sql-value.ts";
import { analyticAggregate, type CallArguments } from "./aggregate-calls.ts";
import { partitionKey } from "./group-key.ts";
import { lateRowsToErrors } from "./late-rows.ts";
import { type LoweringContext, rowStep } from "./row-step.ts";

/**
 * What the over operators hold, one flat array per row:
 *
 * - the first window reads the input row itself, or, when some partition key or call argument
 *   is not a plain input column, `[input columns | evaluated values]`: the values evaluated
 *   before any state is touched, so that a failing one sends the row to the error stream whole
 *   (A6), and ROWTIME where a call takes it;
 * - its results start the output row, `[input columns | one slot per call | evaluated values]`,
 *   which the later windows read and fill in place. Its first `input + calls` slots are the
 *   node's output.
 *
 * Flat arrays, not envelopes, and no copy of the input row for the first window: a RANGE frame
 * keeps every row of its interval (an hour of ticks for the seed FX query), and each object it
 * keeps is copied by the collector until it is promoted.
 */
type HeldRow = readonly SqlValue[];

/**
 * Frame of a window without one (`OVER (PARTITION BY x)`): every earlier row of the partition. A
 * range this long is "all of it" for any epoch-ms ROWTIME.
 */
const WHOLE_PARTITION: OverFrame = { range: Number.MAX_SAFE_INTEGER };

/**
 * Where the values the windows read come from: input columns, read in place, and the values
 * evaluated per row, in order. A position below `inputWidth` is a column; position
 * `inputWidth + j` is evaluated value `j`, which later windows find after the calls' slots.
 */
class HeldValues {
  /** What the first step evaluates, in order; `"rowtime"` for the ROWTIME calls take. */
  readonly evaluated: (CompiledExpression | "rowtime")[] = [];

  constructor(readonly inputWidth: number) {}

  /** Where an expression's value is, in the first window's rows. */
  positionOf(expression: CompiledExpression | "rowtime"): number {
    if (expression !== "rowtime" && expression.column !== undefined && expression.column < this.inputWidth) {
      return expression.column;
    }
    let at = this.evaluated.indexOf(expression);
    if (at < 0) at = this.evaluated.push(expression) - 1;
    return this.inputWidth + at;
  }

  /** The same positions in the output rows, where `calls` slots precede the evaluated values. */
  shifted(positions: readonly number[], calls: number): number[] {
    return positions.map((p) => (p < this.inputWidth ? p : p + calls));
  }
}

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
  const inputWidth = node.input.columns.length;
  const callCount = node.calls.length;
  const outputWidth = inputWidth + callCount;
  const held = new HeldValues(inputWidth);
  const keyPositions = node.windows.map((window) => window.partitionBy.map((key) => held.positionOf(key)));
  const argumentPositions = node.calls.map(({ call }) => {
    const positions = call.args.map((arg) => held.positionOf(arg));
    if (call.kind === "aggregate" && call.rowtimeArgument) positions.push(held.positionOf("rowtime"));
    return positions;
  });
  const evaluated = held.evaluated;
  const evaluatedCount = evaluated.length;

  let first: DataStream<HeldRow> = input;
  if (evaluatedCount > 0) {
    first = rowStep<HeldRow>(input, "over", node.input.columns, lowering, (row, rowtime, context, emit) => {
      const values = new Array<SqlValue>(inputWidth + evaluatedCount);
      for (let i = 0; i < inputWidth; i++) values[i] = row[i] ?? null;
      for (let j = 0; j < evaluatedCount; j++) {
        const value = evaluated[j]!;
        values[inputWidth + j] = value === "rowtime" ? rowtime : value.evaluate(row, rowtime, context);
      }
      emit(values, rowtime);
    });
  }

  let output: DataStream<SqlValue[]> | undefined;
  node.windows.forEach((window, w) => {
    const slots = node.calls.flatMap((c, i) => (c.window === w ? [i] : []));
    if (slots.length === 0) return;
    const shift = output === undefined ? 0 : callCount;
    const rows: DataStream<HeldRow> = output ?? first;
    const late = new OutputTag<HeldRow>(`over-late-${w}`);
    const aggregated = rows
      .keyBy(
        partitionKey(
          held.shifted(keyPositions[w]!, shift),
          window.partitionBy.map((key) => key.type),
        ),
      )
      .over(window.frame ?? historyFrame(node, slots))
      .sideOutputLateData(late)
      .aggregate(
        windowAggregate(
          slots.map((slot) => node.calls[slot]!.call),
          slots.map((slot) => held.shifted(argumentPositions[slot]!, shift)),
        ),
      );
    lateRowsToErrors(
      aggregated.getSideOutput(late),
      (row) => row,
      "OVER window",
      node.input.columns,
      lowering,
    );
    const resultSlots = slots.map((slot) => inputWidth + slot);
    const fill = (values: SqlValue[], results: readonly SqlValue[]) => {
      for (let i = 0; i < resultSlots.length; i++) values[resultSlots[i]!] = results[i]!;
      return values;
    };
    output =
      output === undefined
        ? aggregated.map((result) => fill(outputRow(result.record, inputWidth, callCount), result.value))
        : aggregated.map((result) => fill(result.record as SqlValue[], result.value));
  });
  const rows = output ?? first.map((row) => outputRow(row, inputWidth, callCount));
  // Without evaluated values the output row is the whole held row; else its prefix is.
  return evaluatedCount === 0 ? rows : rows.map((values) => values.slice(0, outputWidth));
}

/** `[input columns | NULL per call | evaluated values]` from a row the first window held. */
function outputRow(held: HeldRow, inputWidth: number, callCount: number): SqlValue[] {
  const values = new Array<SqlValue>(held.length + callCount);
  for (let i = 0; i < inputWidth; i++) values[i] = held[i] ?? null;
  for (let i = inputWidth; i < inputWidth + callCount; i++) values[i] = null;
  for (let i = inputWidth; i < held.length; i++) values[i + callCount] = held[i]!;
  return values;
}

/**
 * The calls of one window as one aggregate over held rows, results in call order; with a
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
): AggregateFunction<HeldRow, unknown[], SqlValue[]> {
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
  return {
    create: () => parts.map((part) => part.create()),
    add: (accs, row) => {
      argumentsOf(row);
      for (let i = 0; i < count; i++) accs[i] = parts[i]!.add(accs[i], current[listOf[i]!]!);
      return accs;
    },
    merge: (a, b) => parts.map((part, i) => part.merge(a[i], b[i])),
    result: (accs) => parts.map((part, i) => part.result(accs[i])),
    ...(allSliding && {
      sliding: () => {
        const units = slidingUnits(calls, parts, listOf);
        const unitCount = units.length;
        return {
          push: (row: HeldRow) => {
            argumentsOf(row);
            for (let u = 0; u < unitCount; u++) units[u]!.push(current[units[u]!.list]!);
          },
          evictOldest: () => {
            for (let u = 0; u < unitCount; u++) units[u]!.evictOldest();
          },
          result: () => {
            const values = new Array<SqlValue>(count);
            for (let u = 0; u < unitCount; u++) units[u]!.results(values);
            return values;
          },
        };
      },
    }),
  };
}

/** One sliding structure of a window, and the calls whose results it gives. */
interface SlidingUnit {
  /** The argument list it reads. */
  readonly list: number;
  push(args: CallArguments): void;
  evictOldest(): void;
  /** Writes its calls' results into their slots of `values`. */
  results(values: SqlValue[]): void;
}

/**
 * The sliding units of a window's calls (which all have sliding forms): one numeric summary per
 * argument list that numeric aggregates read, one form per other distinct call.
 */
function slidingUnits(
  calls: readonly (AggregateCall | AnalyticCall)[],
  parts: readonly AggregateFunction<CallArguments, unknown, SqlValue>[],
  listOf: readonly number[],
): SlidingUnit[] {
  const units: SlidingUnit[] = [];
  const summaries = new Map<number, { uses: NumericSummaryUse[]; slots: number[] }>();
  const single = new Map<string, { part: number; slots: number[] }>();
  calls.forEach((call, i) => {
    const list = listOf[i]!;
    const use = call.kind === "aggregate" ? numericSummaryOf(call.aggregate) : undefined;
    if (use !== undefined) {
      const summary = summaries.get(list) ?? { uses: [], slots: [] };
      summary.uses.push(use);
      summary.slots.push(i);
      summaries.set(list, summary);
      return;
    }
    // An aggregate repeated with the same arguments and options gives the same results; analytic
    // calls carry settings (LAG's offset) that the plan does not show, so each keeps its own.
    const same = call.kind === "aggregate" ? `${call.name} ${list} ${JSON.stringify(call.options)}` : `#${i}`;
    const found = single.get(same);
    if (found) found.slots.push(i);
    else single.set(same, { part: i, slots: [i] });
  });
  for (const [list, { uses, slots }] of summaries) units.push(numericSummaryUnit(list, uses, slots));
  for (const { part, slots } of single.values()) {
    const form = parts[part]!.sliding!();
    units.push({
      list: listOf[part]!,
      push: (args) => form.push(args),
      evictOldest: () => form.evictOldest(),
      results: (values) => {
        const value = form.result();
        for (let s = 0; s < slots.length; s++) values[slots[s]!] = value;
      },
    });
  }
  return units;
}

/**
 * The numeric aggregates of one argument list as one summary of its first argument's non-NULL
 * values: a flag per row (NULL or not), and core's `stats` sliding form (a compensated running
 * sum and two monotonic deques: what the calls' own forms keep) when a call needs more than the
 * count.
 */
function numericSummaryUnit(
  list: number,
  uses: readonly NumericSummaryUse[],
  slots: readonly number[],
): SlidingUnit {
  const flags = new FlagFifo();
  const figures = uses.some((use) => use.figure !== "count") ? stats((x: number) => x).sliding!() : undefined;
  let held = 0;
  return {
    list,
    push: (args) => {
      const x = args[0] ?? null;
      if (x === null) flags.push(0);
      else {
        figures?.push(x as number);
        flags.push(1);
        held++;
      }
    },
    evictOldest: () => {
      if (flags.shift() === 1) {
        figures?.evictOldest();
        held--;
      }
    },
    results: (values) => {
      if (held === 0) {
        for (let u = 0; u < uses.length; u++) values[slots[u]!] = uses[u]!.empty;
        return;
      }
      const summary = figures?.result();
      for (let u = 0; u < uses.length; u++) {
        const use = uses[u]!;
        values[slots[u]!] = use.finish(use.figure === "count" ? held : summary![use.figure], held);
      }
    },
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
