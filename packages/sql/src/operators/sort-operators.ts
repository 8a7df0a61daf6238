import { type DataStream, type OperatorFactory, OutputTag } from "@eddy/core";
import { compareValues } from "../functions/support/compare-values.ts";
import type { SortKey, SortNode, SqlRow, TSortNode } from "../plan/logical-plan.ts";
import type { SqlValue } from "../types/sql-value.ts";
import { errorRow } from "./error-rows.ts";
import { groupKeyOf } from "./group-key.ts";
import { type LoweringContext, rowStep } from "./row-step.ts";
import { rowtimeWindows } from "./tumbling-aggregate.ts";

/** A row with its sort group and sort key values, evaluated once. */
interface Sortable {
  readonly row: SqlRow;
  readonly group: string;
  readonly keys: readonly SqlValue[];
}

/** The held group of a streaming ORDER BY, as checkpoints store it. */
interface SortState {
  group: string | undefined;
  /** End of the group's ROWTIME bucket (when the group key is a bucket of ROWTIME). */
  end: number;
  maxRowtime: number;
  held: Sortable[];
}

/**
 * Streaming `ORDER BY <monotonic>, k…` (reference §7.5): gathers the rows of one value of the
 * leading monotonic expression and, when a row with another value arrives (or the watermark
 * passes the group's ROWTIME bucket, or the input ends), emits them sorted by the other keys —
 * stable, so ties keep arrival order — each stamped with the greatest ROWTIME of the group so the
 * stream stays in ROWTIME order.
 */
export function lowerSort(
  node: SortNode,
  input: DataStream<SqlRow>,
  lowering: LoweringContext,
): DataStream<SqlRow> {
  const prepared = rowStep<Sortable>(
    input,
    "order-by",
    node.input.columns,
    lowering,
    (row, rowtime, context, emit) => {
      const group = groupKeyOf([node.group.evaluate(row, rowtime, context)]);
      emit(
        { row, group, keys: node.keys.map((key) => key.expression.evaluate(row, rowtime, context)) },
        rowtime,
      );
    },
  );
  const buckets = node.buckets && rowtimeWindows(node.buckets);
  const compare = sortComparator(node.keys);
  const factory: OperatorFactory<Sortable, SqlRow> = (_context, output) => {
    let state: SortState = { group: undefined, end: Number.POSITIVE_INFINITY, maxRowtime: 0, held: [] };
    const flush = () => {
      for (const held of state.held.sort(compare)) output.emit(held.row, state.maxRowtime);
      state = { group: undefined, end: Number.POSITIVE_INFINITY, maxRowtime: 0, held: [] };
    };
    return {
      processBatch(batch) {
        for (let i = 0; i < batch.values.length; i++) {
          const sortable = batch.values[i]!;
          const rowtime = batch.timestamps[i]!;
          if (state.group !== undefined && state.group !== sortable.group) flush();
          if (state.group === undefined) {
            state.group = sortable.group;
            state.end = buckets ? buckets.assignWindows(rowtime)[0]!.end : Number.POSITIVE_INFINITY;
          }
          state.held.push(sortable);
          state.maxRowtime = Math.max(state.maxRowtime, rowtime);
        }
      },
      processWatermark(watermark) {
        if (state.group !== undefined && watermark >= state.end - 1) flush();
      },
      finish: flush,
      snapshotState: () => ({ operator: state }),
      restoreState: (snapshot) => {
        state = snapshot.operator as SortState;
      },
    };
  };
  return prepared.transform("order-by", factory);
}

/** Orders rows by their sort keys: NULLs first or last as each key says, DESC reversing. */
function sortComparator(keys: readonly SortKey[]): (a: Sortable, b: Sortable) => number {
  return (a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const x = a.keys[i] ?? null;
      const y = b.keys[i] ?? null;
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null) === keys[i]!.nullsFirst ? -1 : 1;
      }
      const order = compareValues(x, y);
      if (order !== 0) return keys[i]!.descending ? -order : order;
    }
    return 0;
  };
}

/** What T-sort holds, as checkpoints store it. */
interface TSortState {
  /** Rows and ROWTIMEs in ROWTIME order (ties in arrival order). */
  rows: SqlRow[];
  rowtimes: number[];
  maxSeen: number;
  lastEmitted: number;
}

/**
 * T-sort, `ORDER BY <timestamp> WITHIN <interval>` (reference §7.5): holds rows (their ROWTIME set
 * by the select item aliased ROWTIME) until the greatest ROWTIME seen passes theirs by the
 * interval, then emits them in ROWTIME order; everything held is emitted at the end of input.
 * Upstream watermarks are ignored, as KDA ignores incoming rowtime bounds: the operator makes its
 * own, the last ROWTIME it emitted. A row older than a row already emitted can no longer be put in
 * order: it goes to the error stream as late (A2).
 */
export function lowerTSort(
  node: TSortNode,
  input: DataStream<SqlRow>,
  lowering: LoweringContext,
): DataStream<SqlRow> {
  const late = new OutputTag<SqlRow>("t-sort-late");
  const factory: OperatorFactory<SqlRow, SqlRow> = (context, output) => {
    let state: TSortState = {
      rows: [],
      rowtimes: [],
      maxSeen: Number.NEGATIVE_INFINITY,
      lastEmitted: Number.NEGATIVE_INFINITY,
    };
    const release = (upTo: number) => {
      let n = 0;
      while (n < state.rowtimes.length && state.rowtimes[n]! <= upTo) {
        output.emit(state.rows[n]!, state.rowtimes[n]!);
        state.lastEmitted = state.rowtimes[n]!;
        n++;
      }
      if (n === 0) return;
      state.rows.splice(0, n);
      state.rowtimes.splice(0, n);
      output.emitWatermark(state.lastEmitted - 1);
    };
    return {
      generatesWatermarks: true,
      processBatch(batch) {
        for (let i = 0; i < batch.values.length; i++) {
          const row = batch.values[i]!;
          const rowtime = batch.timestamps[i]!;
          if (rowtime < state.lastEmitted) {
            const message = `late row: ROWTIME ${new Date(rowtime).toISOString()} is more than the WITHIN interval behind the rows already sorted; the row was dropped`;
            const failed = errorRow({
              now: context.clock.now(),
              name: "LATE_ROW",
              message,
              rowtime,
              row,
              columns: node.input.columns,
              pump: lowering.pump,
            });
            output.emitSide(late, failed, rowtime);
            continue;
          }
          let at = state.rowtimes.length;
          while (at > 0 && state.rowtimes[at - 1]! > rowtime) at--;
          state.rows.splice(at, 0, row);
          state.rowtimes.splice(at, 0, rowtime);
          state.maxSeen = Math.max(state.maxSeen, rowtime);
        }
        release(state.maxSeen - node.within);
      },
      processWatermark(watermark) {
        if (watermark !== Number.POSITIVE_INFINITY) return;
        release(Number.POSITIVE_INFINITY);
        output.emitWatermark(Number.POSITIVE_INFINITY);
      },
      snapshotState: () => ({ operator: state }),
      restoreState: (snapshot) => {
        state = snapshot.operator as TSortState;
      },
    };
  };
  const sorted = input.transform("t-sort", factory);
  lowering.errors.push(sorted.getSideOutput(late));
  return sorted;
}

/**
 * `SELECT STREAM DISTINCT` with a monotonic leading column: passes a row unless an equal row
 * passed while the leading column had its current value; rows keep their ROWTIME. Only the
 * current value's rows are remembered.
 */
export function lowerDistinct(input: DataStream<SqlRow>): DataStream<SqlRow> {
  const factory: OperatorFactory<SqlRow, SqlRow> = (_context, output) => {
    let leading: string | undefined;
    let seen = new Set<string>();
    return {
      processBatch(batch) {
        for (let i = 0; i < batch.values.length; i++) {
          const row = batch.values[i]!;
          const lead = groupKeyOf([row[0] ?? null]);
          if (lead !== leading) {
            leading = lead;
            seen = new Set();
          }
          const key = groupKeyOf(row);
          if (seen.has(key)) continue;
          seen.add(key);
          output.emit(row, batch.timestamps[i]!);
        }
      },
      snapshotState: () => ({ operator: { leading, seen: [...seen] } }),
      restoreState: (snapshot) => {
        const restored = snapshot.operator as { leading: string | undefined; seen: string[] };
        leading = restored.leading;
        seen = new Set(restored.seen);
      },
    };
  };
  return input.transform("distinct", factory);
}
