import type { DataStream } from "@eddy/core";
import { type DashboardView, table } from "@eddy/observability";
import type { SqlField, SqlRow, SqlValue } from "@eddy/sql";

/** Rows shown per in-application stream: the latest ones, newest first. */
const SHOWN = 10;

type ViewRow = Record<string, string | number>;

function cellOf(value: SqlValue, field: SqlField): string | number {
  if (value === null) return "";
  if (typeof value === "number")
    return field.type.name === "TIMESTAMP" ? new Date(value).toISOString() : value;
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/**
 * A live table of an in-application stream on the dashboard, like KDA's "real-time analytics"
 * tab: its latest rows, newest first, with ROWTIME. The table keeps {@link SHOWN} rows in a ring
 * (row `n` replaces row `n − SHOWN`), so a busy stream costs constant memory.
 *
 * @example
 * declare const rows: DataStream<SqlRow>, columns: SqlField[];
 * const view = streamView("DESTINATION_SQL_STREAM", rows, columns);
 */
export function streamView(
  name: string,
  rows: DataStream<SqlRow>,
  columns: readonly SqlField[],
): DashboardView {
  let seen = 0;
  const view = table({
    title: `${name} (latest rows)`,
    id: `stream-${name}`,
    columns: ["#", "ROWTIME", ...columns.map((c) => c.name)],
    key: (row: ViewRow) => String(Number(row["#"]) % SHOWN),
    sortBy: "#",
    descending: true,
    limit: SHOWN,
    rows: ({ row, rowtime }: { row: SqlRow; rowtime: number }) => {
      const shown: ViewRow = { "#": ++seen, ROWTIME: new Date(rowtime).toISOString() };
      columns.forEach((column, i) => {
        shown[column.name] = cellOf(row[i] ?? null, column);
      });
      return shown;
    },
  });
  rows
    .map((row, rowtime) => ({ row, rowtime }), { name: `view-rows(${name})` })
    .sink(view, {
      name: `dashboard(${name})`,
    });
  return view;
}
