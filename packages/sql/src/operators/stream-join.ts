import {
  type DataStream,
  type KeyedProcessContext,
  OutputTag,
  type StateHandles,
  valueState,
} from "@eddy/core";
import { SqlFunctionError } from "../functions/function-contract.ts";
import type { JoinWindow, SqlRow, StreamJoinNode } from "../plan/logical-plan.ts";
import { errorNameOf, errorRow } from "./error-rows.ts";
import type { LoweringContext, RowContext } from "./row-step.ts";

const LEFT = 0;
const RIGHT = 1;
type Side = typeof LEFT | typeof RIGHT;

/** A row on its way into the join, tagged with its side. */
interface SideRow {
  readonly side: Side;
  readonly row: SqlRow;
}

/** A row held in its side's window: whether it matched, for outer joins. */
interface Held {
  readonly row: SqlRow;
  readonly t: number;
  matched: boolean;
}

/** The join's state: rows waiting for the watermark, and each side's window. */
interface JoinState {
  pending: { side: Side; row: SqlRow; t: number }[];
  readonly windows: [Held[], Held[]];
  /** The greatest ROWTIME handled (absent in checkpoints from before the end of input closed ROWS windows). */
  latest?: number;
}

/** Timer that only the end of input's final watermark reaches: it closes the `ROWS` windows. */
const END_OF_INPUT = Number.MAX_SAFE_INTEGER;

/**
 * A stream–stream join (reference §7.4) as one keyed process function over both sides. KDA's
 * join windows are not partitioned (its rules forbid PARTITION BY there), so the whole join is one
 * key. Rows are handled in ROWTIME order once the watermark passes them (ties in arrival order):
 * a row matches the other side's rows in that side's window at its ROWTIME (none when that side
 * has no window: only its current row takes part), and joins with ROWTIME = its own, the later of
 * the two. A row stays in its own side's window — RANGE: until the watermark passes its ROWTIME +
 * the interval; ROWS: until n newer rows of its side arrived — and an outer join emits it padded
 * with NULLs when it leaves the window unmatched, with ROWTIME = its ROWTIME + the interval (or
 * the ROWTIME of the row that evicted it; rows still in a ROWS window at the end of input leave it
 * then, with the greatest ROWTIME the join handled). A row of a side without a window that matched
 * nothing is emitted at once. A row that matched is never emitted again as unmatched (A4).
 */
export function lowerStreamJoin(
  node: StreamJoinNode,
  left: DataStream<SqlRow>,
  right: DataStream<SqlRow>,
  lowering: LoweringContext,
): DataStream<SqlRow> {
  const widths = [node.left.columns.length, node.right.columns.length] as const;
  const frames: [JoinWindow | undefined, JoinWindow | undefined] = [node.leftWindow, node.rightWindow];
  const outer = [node.joinType === "left", node.joinType === "right"];
  const errors = new OutputTag<SqlRow>("join-errors");
  const condition = node.condition;
  const rowContext: RowContext = { rowtime: 0, queryStart: lowering.queryStart };
  const joined = (side: Side, row: SqlRow, other: SqlRow | undefined): SqlRow => {
    const padding = (width: number) => new Array(width).fill(null);
    const otherRow = other ?? padding(widths[1 - side]!);
    return side === LEFT ? [...row, ...otherRow] : [...otherRow, ...row];
  };
  const state = { state: valueState<JoinState | null>(null) };
  type Context = KeyedProcessContext<string, SqlRow, StateHandles<typeof state>>;

  const emitUnmatched = (context: Context, side: Side, held: Held, at: number) => {
    if (outer[side] && !held.matched) context.emit(joined(side, held.row, undefined), at);
  };

  const handle = (context: Context, state: JoinState, side: Side, row: SqlRow, t: number) => {
    const other = (1 - side) as Side;
    const current: Held = { row, t, matched: false };
    if (frames[other] !== undefined) {
      for (const candidate of inWindow(state.windows[other], frames[other]!, t)) {
        const pair = joined(side, row, candidate.row);
        rowContext.rowtime = t;
        let accepted: boolean;
        try {
          accepted = condition === undefined || condition.evaluate(pair, t, rowContext) === true;
        } catch (error) {
          if (!(error instanceof SqlFunctionError)) throw error;
          const failed = errorRow({
            now: context.timerService.currentProcessingTime(),
            name: errorNameOf(error),
            message: error.message,
            rowtime: t,
            row: pair,
            columns: node.columns,
            pump: lowering.pump,
          });
          context.output(errors, failed, t);
          continue;
        }
        if (!accepted) continue;
        current.matched = true;
        candidate.matched = true;
        context.emit(pair, t);
      }
    }
    const frame = frames[side];
    if (frame === undefined) return emitUnmatched(context, side, current, t);
    const own = state.windows[side];
    own.push(current);
    if ("rows" in frame) {
      while (own.length > frame.rows + 1) emitUnmatched(context, side, own.shift()!, t);
      if (outer[side]) context.timerService.registerEventTimeTimer(END_OF_INPUT);
    } else {
      context.timerService.registerEventTimeTimer(t + frame.range);
    }
  };

  const tagged = left
    .map((row): SideRow => ({ side: LEFT, row }))
    .union(right.map((row): SideRow => ({ side: RIGHT, row })));
  const result = tagged
    .keyBy(() => "")
    .process<SqlRow, typeof state>({
      state,
      processElement(input, context) {
        const current = context.state.state.value() ?? { pending: [], windows: [[], []] };
        current.pending.push({ side: input.side, row: input.row, t: context.timestamp });
        context.state.state.update(current);
        context.timerService.registerEventTimeTimer(context.timestamp);
      },
      onTimer(time, context) {
        const current = context.state.state.value();
        if (current === null) return;
        const due = current.pending.filter((p) => p.t <= time).sort((a, b) => a.t - b.t);
        current.pending = current.pending.filter((p) => p.t > time);
        for (const p of due) {
          handle(context, current, p.side, p.row, p.t);
          current.latest = Math.max(current.latest ?? p.t, p.t);
        }
        for (const side of [LEFT, RIGHT] as const) {
          const frame = frames[side];
          if (frame === undefined) continue;
          const own = current.windows[side];
          if ("rows" in frame) {
            // The end of input ends every ROWS window: its unmatched rows leave as if pushed out.
            if (time !== END_OF_INPUT) continue;
            const at = current.latest ?? Math.max(...own.map((held) => held.t));
            for (const leaving of own.splice(0)) emitUnmatched(context, side, leaving, at);
            continue;
          }
          while (own.length > 0 && own[0]!.t + frame.range <= time) {
            const leaving = own.shift()!;
            emitUnmatched(context, side, leaving, leaving.t + frame.range);
          }
        }
        context.state.state.update(current);
      },
    });
  lowering.errors.push(result.getSideOutput(errors));
  return result;
}

/** The rows of a side's window as seen by a row of the other side at `t`. */
function inWindow(rows: readonly Held[], frame: JoinWindow, t: number): readonly Held[] {
  if ("rows" in frame) return rows;
  return rows.filter((held) => held.t >= t - frame.range);
}
