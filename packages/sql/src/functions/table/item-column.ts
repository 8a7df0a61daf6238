import { formatSqlType, type SqlField } from "../../types/sql-type.ts";
import type { TableArguments } from "./table-arguments.ts";

/** Arguments the `*_TUMBLING` functions share. */

/** Types whose values cannot be counted as items (they are not single comparable values). */
const NOT_ITEMS = new Set(["ROW", "INTERVAL_DAY_TIME", "INTERVAL_YEAR_MONTH"]);

/** The column the `'columnName'` argument at `index` names, whose values are counted as items. */
export function itemColumn(args: TableArguments, index: number, input: readonly SqlField[]): SqlField {
  const column = args.column(index, "columnName", input);
  if (NOT_ITEMS.has(column.type.name)) {
    throw args.error(
      `cannot count the items of ${column.name} (${formatSqlType(column.type)}): choose a column of single values`,
    );
  }
  return column;
}

/** KDA's documented range of the `*_TUMBLING` functions' windowSize, in seconds. */
const WINDOW_SECONDS = { min: 1, max: 3_600 };

/** The windowSize argument at `index` (seconds, 1..3,600 as documented), in milliseconds. */
export function windowSizeMs(args: TableArguments, index: number): number {
  return args.integer(index, "windowSize", WINDOW_SECONDS) * 1000;
}
