import {
  type DataStream,
  type KeyedProcessContext,
  OutputTag,
  type StateHandles,
  valueState,
} from "@eddy/core";
import { compareValues } from "../functions/support/compare-values.ts";
import type { SqlRow, TumblingAggregateNode } from "../plan/logical-plan.ts";
import type { SqlValue } from "../types/sql-value.ts";
import { combinedAggregate } from "./aggregate-calls.ts";
import { errorRow } from "./error-rows.ts";
import { keyToken } from "./group-key.ts";
import { type GroupInput, groupRows } from "./group-rows.ts";
import type { LoweringContext } from "./row-step.ts";

/** One group of the monotonic key's current value: its key values and the calls' accumulators. */
interface OpenGroup {
  readonly keys: readonly SqlValue[];
  readonly calls: unknown[];
}

/** What the GROUP BY holds between rows, as checkpoints store it. */
interface MonotonicGroups {
  /** The monotonic key's current value, as a group-key token; undefined before the first row. */
  token: string | undefined;
  /** The last non-NULL value of the monotonic key: a row below it broke the order. */
  last: SqlValue;
  /** The greatest ROWTIME seen: the end of input stamps the last groups with it. */
  latest: number;
  /** The open groups of the current value, by the key of their other keys. */
  groups: Record<string, OpenGroup>;
  /** Rows the watermark has not passed yet, in arrival order. */
  pending: { grouped: GroupInput; t: number }[];
}

/** Timer that only the end of input's final watermark reaches: it closes the last groups. */
const END_OF_INPUT = Number.MAX_SAFE_INTEGER;

/**
 * A streaming GROUP BY whose monotonic key is not STEP/FLOOR of ROWTIME (`MONOTONIC(col)`, a
 * monotonic column of a subquery, STEP/FLOOR of one, ROWTIME itself), reference §7.1: "whenever a
 * row arrives that changes the value of the monotonic grouping expression, a new group is started
 * and the previous group is considered complete". Rows are taken in ROWTIME order (ties in arrival
 * order) once the watermark passes them; the groups of a value close when a row with another value
 * comes, each emitted with that row's ROWTIME (the time
 * it is known complete, as a window's row carries its end, A1), in group-key order (A16); at the
 * end of input the last value's groups close, stamped with the greatest ROWTIME seen. NULL is a
 * value of its own. A row whose value is below the last non-NULL one breaks the order the key
 * promised: it goes to the error stream as `LATE_ROW` and is dropped (A2).
 */
export function lowerMonotonicGroupBy(
  node: TumblingAggregateNode,
  input: DataStream<SqlRow>,
  lowering: LoweringContext,
  order: (a: SqlRow, b: SqlRow) => number,
): DataStream<SqlRow> {
  const monotonic = node.window.key;
  const calls = combinedAggregate(node.aggregates);
  const prepared = groupRows(
    input,
    "group-by",
    node.input.columns,
    lowering,
    node.groupKeys,
    monotonic,
    node.aggregates,
  );
  const late = new OutputTag<SqlRow>("group-by-late");
  const state = { groups: valueState<MonotonicGroups | null>(null) };
  type Context = KeyedProcessContext<string, SqlRow, StateHandles<typeof state>>;

  const close = (held: MonotonicGroups, context: Context, at: number) => {
    const rows = Object.values(held.groups).map((group) => [...group.keys, ...calls.result(group.calls)]);
    for (const row of rows.sort(order)) context.emit(row, at);
    held.groups = {};
  };

  const take = (held: MonotonicGroups, context: Context, grouped: GroupInput, t: number) => {
    const value = grouped.keys[monotonic] ?? null;
    held.latest = Math.max(held.latest, t);
    if (value !== null && held.last !== null && compareValues(value, held.last) < 0) {
      const message = `late row: the GROUP BY's monotonic key went back from ${String(held.last)} to ${String(value)}; the row was dropped`;
      const failed = errorRow({
        now: context.timerService.currentProcessingTime(),
        name: "LATE_ROW",
        message,
        rowtime: t,
        row: grouped.row,
        columns: node.input.columns,
        pump: lowering.pump,
      });
      context.output(late, failed, t);
      return;
    }
    const token = keyToken(value);
    if (held.token !== token) {
      close(held, context, t);
      held.token = token;
    }
    if (value !== null) held.last = value;
    // Keys are group-key tokens, which end in NUL: never an object's own property name.
    let group = held.groups[grouped.key];
    if (group === undefined) {
      group = { keys: grouped.keys, calls: calls.create() };
      held.groups[grouped.key] = group;
    }
    calls.add(group.calls, grouped.args);
  };

  const result = prepared
    .keyBy(() => "")
    .process<SqlRow, typeof state>({
      state,
      // Rows wait for the watermark and are taken in ROWTIME order (ties in arrival order), as a
      // KDA stream is in ROWTIME order even when several shards or pumps feed it.
      processElement(grouped: GroupInput, context) {
        const held = context.state.groups.value() ?? {
          token: undefined,
          last: null,
          latest: Number.MIN_SAFE_INTEGER,
          groups: {},
          pending: [],
        };
        held.pending.push({ grouped, t: context.timestamp });
        context.state.groups.update(held);
        context.timerService.registerEventTimeTimer(context.timestamp);
        context.timerService.registerEventTimeTimer(END_OF_INPUT);
      },
      onTimer(time, context) {
        const held = context.state.groups.value();
        if (held === null) return;
        const due = held.pending.filter((p) => p.t <= time).sort((a, b) => a.t - b.t);
        held.pending = held.pending.filter((p) => p.t > time);
        for (const p of due) take(held, context, p.grouped, p.t);
        if (time === END_OF_INPUT) {
          close(held, context, held.latest);
          context.state.groups.clear();
          return;
        }
        context.state.groups.update(held);
      },
    });
  lowering.errors.push(result.getSideOutput(late));
  return result;
}
