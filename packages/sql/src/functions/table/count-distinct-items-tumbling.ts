import type { SqlField } from "../../types/sql-type.ts";
import type { SqlValue } from "../../types/sql-value.ts";
import type {
  ArgumentInfo,
  TableEmit,
  TableFunctionInstance,
  TableSqlFunction,
} from "../function-contract.ts";
import { itemColumn, windowSizeMs } from "./item-column.ts";
import { DistinctCounter, type DistinctCounterSnapshot } from "./sketches/distinct-counter.ts";
import { TableArguments } from "./table-arguments.ts";
import { TumblingWindow, type TumblingWindowSnapshot } from "./tumbling-window.ts";

const NAME = "COUNT_DISTINCT_ITEMS_TUMBLING";
const COUNT = "NUMBER_OF_DISTINCT_ITEMS";

interface CountDistinctCall {
  readonly column: SqlField;
  readonly windowMs: number;
}

function countDistinctCall(input: readonly SqlField[], args: readonly ArgumentInfo[]): CountDistinctCall {
  const read = new TableArguments(NAME, args, 2);
  return { column: itemColumn(read, 0, input), windowMs: windowSizeMs(read, 1) };
}

/**
 * KDA's `COUNT_DISTINCT_ITEMS_TUMBLING(cursor, 'columnName', windowSize)`: for each tumbling window of
 * `windowSize` seconds of ROWTIME (1..3,600, as documented), one row `(NUMBER_OF_DISTINCT_ITEMS
 * BIGINT)` (the name of AWS's example) with the number of distinct values of the column. As
 * documented, the count is exact while the window holds at most 10,000 distinct values and is
 * otherwise HyperLogLog's estimate (2^14 registers: a standard error of about 0.8%; AWS's example
 * says 100,000 items "may return 99,700"). NULL is not counted. The row carries ROWTIME = the
 * window's end and appears when ROWTIME passes it (see {@link TumblingWindow}).
 *
 * @example
 * const input = [{ name: "TICKER_SYMBOL", type: { name: "VARCHAR", length: 4, nullable: true } }] as const;
 * const args = [
 *   { type: { name: "CHAR", length: 13, nullable: false }, literal: "TICKER_SYMBOL" },
 *   { type: { name: "INTEGER", nullable: false }, literal: 60 },
 * ] as const;
 * const instance = countDistinctItemsTumbling().create(input, args);
 * instance.push({ TICKER_SYMBOL: "AMZN" }, Date.UTC(2024, 0, 1, 10, 0, 5), () => {});
 * instance.advance?.(Number.POSITIVE_INFINITY, (row) => console.log(row.NUMBER_OF_DISTINCT_ITEMS));
 */
export function countDistinctItemsTumbling(): TableSqlFunction {
  return {
    kind: "table",
    name: NAME,
    outputColumns: (input, args) => {
      countDistinctCall(input, args);
      return [{ name: COUNT, type: { name: "BIGINT", nullable: false } }];
    },
    create: (input, args) => new CountDistinctInstance(countDistinctCall(input, args)),
  };
}

class CountDistinctInstance implements TableFunctionInstance {
  readonly #column: string;
  readonly #windows: TumblingWindow<DistinctCounter>;

  constructor(call: CountDistinctCall) {
    this.#column = call.column.name;
    this.#windows = new TumblingWindow({
      functionName: NAME,
      sizeMs: call.windowMs,
      open: () => new DistinctCounter(),
      close: (counter, end, emit) => emit({ [COUNT]: counter.count() }, end),
    });
  }

  push(row: Readonly<Record<string, SqlValue>>, rowtime: number, emit: TableEmit): void {
    this.#windows.contentsAt(rowtime, emit).add(row[this.#column] ?? null);
  }

  advance(rowtime: number, emit: TableEmit): void {
    this.#windows.advance(rowtime, emit);
  }

  snapshot(): TumblingWindowSnapshot<DistinctCounterSnapshot> {
    return this.#windows.snapshot((counter) => counter.snapshot());
  }

  restore(state: unknown): void {
    this.#windows.restore(state as TumblingWindowSnapshot<DistinctCounterSnapshot>, DistinctCounter.restore);
  }
}
