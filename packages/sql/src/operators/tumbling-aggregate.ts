import {
  type DataStream,
  eventTimeTrigger,
  type OperatorFactory,
  OutputTag,
  PipelineDefinitionError,
  type TimeWindow,
  tumbling,
  type WindowAssigner,
  type WindowResult,
} from "@eddy/core";
import { compareValues } from "../functions/support/compare-values.ts";
import type { RowtimeBuckets, SqlRow, TumblingAggregateNode } from "../plan/logical-plan.ts";
import type { SqlValue } from "../types/sql-value.ts";
import { combinedAggregate } from "./aggregate-calls.ts";
import { type GroupInput, groupRows } from "./group-rows.ts";
import { lateRowsToErrors } from "./late-rows.ts";
import { lowerMonotonicGroupBy } from "./monotonic-group-by.ts";
import type { LoweringContext } from "./row-step.ts";

/** A group's state: the first row's key values and the calls' accumulators. */
interface GroupAccumulator {
  keys: readonly SqlValue[] | undefined;
  readonly calls: unknown[];
}

/**
 * A streaming GROUP BY on Eddy's keyed tumbling windows: keyed by the group keys other than the
 * ROWTIME one, windowed by the buckets that key denotes. A window fires when the watermark passes
 * its end (a row of a later bucket, `advance`, or the end of input), and its rows are stamped
 * with the window's END (A1), the rows one watermark releases in group-key order (A16: each batch
 * the window operator emits, up to about a thousand rows, is sorted). Late rows go to the error
 * stream (A2). A GROUP BY whose monotonic key is not such a bucket closes its groups when the key's
 * value changes ({@link lowerMonotonicGroupBy}).
 */
export function lowerTumblingAggregate(
  node: TumblingAggregateNode,
  input: DataStream<SqlRow>,
  lowering: LoweringContext,
): DataStream<SqlRow> {
  const keyCount = node.groupKeys.length;
  const buckets = node.window.buckets;
  if (buckets === undefined) {
    return lowerMonotonicGroupBy(node, input, lowering, (a, b) => compareKeys(a, b, keyCount));
  }
  const prepared = groupRows(
    input,
    "group-by",
    node.input.columns,
    lowering,
    node.groupKeys,
    node.window.key,
    node.aggregates,
  );
  const calls = combinedAggregate(node.aggregates);
  const late = new OutputTag<GroupInput>("group-by-late");
  const results = prepared
    .keyBy((input) => input.key)
    .window(rowtimeWindows(buckets))
    .sideOutputLateData(late)
    .aggregate<GroupAccumulator, SqlRow>({
      create: () => ({ keys: undefined, calls: calls.create() }),
      add: (acc, input) => {
        acc.keys ??= input.keys;
        calls.add(acc.calls, input.args);
        return acc;
      },
      merge: (a, b) => ({ keys: a.keys ?? b.keys, calls: calls.merge(a.calls, b.calls) }),
      result: (acc) => [...(acc.keys ?? []), ...calls.result(acc.calls)],
    });
  lateRowsToErrors(results.getSideOutput(late), (held) => held.row, "GROUP BY", node.input.columns, lowering);
  const emitInKeyOrder: OperatorFactory<WindowResult<string, TimeWindow, SqlRow>, SqlRow> = (
    _context,
    output,
  ) => ({
    processBatch(batch) {
      const results = batch.values;
      const order = results.map((_, i) => i);
      order.sort(
        (a, b) =>
          results[a]!.window.end - results[b]!.window.end ||
          compareKeys(results[a]!.value, results[b]!.value, keyCount),
      );
      for (const i of order) output.emit(results[i]!.value, results[i]!.window.end);
    },
  });
  return results.transform("group-by-emit", emitInKeyOrder);
}

/**
 * Orders two result rows by their first `count` values (the group keys), NULLs first: rows that
 * one watermark releases leave in group-key order (A16: the aggregate page prints them by CITY).
 */
function compareKeys(a: SqlRow, b: SqlRow, count: number): number {
  for (let i = 0; i < count; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    const order = compareValues(x, y);
    if (order !== 0) return order;
  }
  return 0;
}

/** The window assigner of a ROWTIME key's buckets. */
export function rowtimeWindows(buckets: RowtimeBuckets): WindowAssigner<TimeWindow> {
  if (buckets.kind === "fixed") return tumbling(buckets.size, buckets.offset % buckets.size);
  return calendarMonths(buckets.months);
}

/** Tumbling windows of `months` calendar months (UTC), counted from January 1970. */
function calendarMonths(months: number): WindowAssigner<TimeWindow> {
  if (!Number.isInteger(months) || months <= 0) {
    throw new PipelineDefinitionError(
      `a window of ${months} months is not a positive whole number of months`,
    );
  }
  return {
    description: `months(${months})`,
    merging: false,
    eventTime: true,
    assignWindows: (timestamp) => {
      const date = new Date(timestamp);
      const sinceEpoch = (date.getUTCFullYear() - 1970) * 12 + date.getUTCMonth();
      const first = Math.floor(sinceEpoch / months) * months;
      return [{ start: Date.UTC(1970, first, 1), end: Date.UTC(1970, first + months, 1) }];
    },
    defaultTrigger: eventTimeTrigger,
  };
}
