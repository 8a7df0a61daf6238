import type { SqlField } from "../../types/sql-type.ts";
import type { SqlValue } from "../../types/sql-value.ts";
import type {
  ArgumentInfo,
  TableEmit,
  TableFunctionInstance,
  TableSqlFunction,
} from "../function-contract.ts";
import { itemColumn, windowSizeMs } from "./item-column.ts";
import { SpaceSaving, type SpaceSavingSnapshot } from "./sketches/space-saving.ts";
import { TableArguments } from "./table-arguments.ts";
import { TumblingWindow, type TumblingWindowSnapshot } from "./tumbling-window.ts";

const NAME = "TOP_K_ITEMS_TUMBLING";
const COUNT = "MOST_FREQUENT_VALUES";
/** KDA's documented range of K. */
const K_RANGE = { min: 1, max: 100_000 };

/**
 * Counters the Space-Saving summary of one window keeps: counts are exact while a window holds at
 * most this many distinct items.
 */
export function topKCapacity(k: number): number {
  return Math.max(10_000, 4 * k);
}

interface TopKCall {
  readonly column: SqlField;
  readonly k: number;
  readonly windowMs: number;
}

function topKCall(input: readonly SqlField[], args: readonly ArgumentInfo[]): TopKCall {
  const read = new TableArguments(NAME, args, 3);
  return {
    column: itemColumn(read, 0, input),
    k: read.integer(1, "K", K_RANGE),
    windowMs: windowSizeMs(read, 2),
  };
}

/**
 * KDA's `TOP_K_ITEMS_TUMBLING(cursor, 'columnName', K, windowSize)`: for each tumbling window of
 * `windowSize` seconds of ROWTIME, the `K` most frequent values of the column, most frequent first,
 * as rows `(<columnName>, MOST_FREQUENT_VALUES BIGINT)` (the names of AWS's examples, whose
 * destination streams take them with `SELECT STREAM *`). K is 1..100,000 and windowSize 1..3,600
 * seconds, as documented.
 *
 * AWS documents the result as approximate ("may return three of the five most traded"); Eddy counts
 * with a Space-Saving summary of `max(10,000, 4·K)` counters per window, which is exact while the
 * window holds at most that many distinct values and otherwise keeps every value more frequent than
 * the least counted one. Equal counts come in the order the values were first counted. NULL is not
 * counted. The rows of a window carry ROWTIME = its end and appear when ROWTIME passes it (see
 * {@link TumblingWindow}).
 *
 * @example
 * const input = [{ name: "TICKER", type: { name: "VARCHAR", length: 4, nullable: true } }] as const;
 * const args = [
 *   { type: { name: "CHAR", length: 6, nullable: false }, literal: "TICKER" },
 *   { type: { name: "INTEGER", nullable: false }, literal: 5 },
 *   { type: { name: "INTEGER", nullable: false }, literal: 60 },
 * ] as const;
 * const instance = topKItemsTumbling().create(input, args);
 * instance.push({ TICKER: "AMZN" }, Date.UTC(2024, 0, 1, 10, 0, 5), () => {});
 * instance.advance?.(Number.POSITIVE_INFINITY, (row, rowtime) => console.log(row, rowtime));
 */
export function topKItemsTumbling(): TableSqlFunction {
  return {
    kind: "table",
    name: NAME,
    outputColumns: (input, args) => {
      const call = topKCall(input, args);
      return [call.column, { name: COUNT, type: { name: "BIGINT", nullable: false } }];
    },
    create: (input, args) => new TopKInstance(topKCall(input, args)),
  };
}

class TopKInstance implements TableFunctionInstance {
  readonly #call: TopKCall;
  readonly #windows: TumblingWindow<SpaceSaving>;

  constructor(call: TopKCall) {
    this.#call = call;
    const capacity = topKCapacity(call.k);
    this.#windows = new TumblingWindow({
      functionName: NAME,
      sizeMs: call.windowMs,
      open: () => new SpaceSaving(capacity),
      close: (summary, end, emit) => {
        for (const { item, count } of summary.top(call.k))
          emit({ [call.column.name]: item, [COUNT]: count }, end);
      },
    });
  }

  push(row: Readonly<Record<string, SqlValue>>, rowtime: number, emit: TableEmit): void {
    this.#windows.contentsAt(rowtime, emit).add(row[this.#call.column.name] ?? null);
  }

  advance(rowtime: number, emit: TableEmit): void {
    this.#windows.advance(rowtime, emit);
  }

  snapshot(): TumblingWindowSnapshot<SpaceSavingSnapshot> {
    return this.#windows.snapshot((summary) => summary.snapshot());
  }

  restore(state: unknown): void {
    const capacity = topKCapacity(this.#call.k);
    this.#windows.restore(state as TumblingWindowSnapshot<SpaceSavingSnapshot>, (saved) =>
      SpaceSaving.restore(capacity, saved),
    );
  }
}
