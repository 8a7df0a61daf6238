import { readFileSync } from "node:fs";
import type { DeadLetter } from "@eddy/app-kit";
import type { DataStream } from "@eddy/core";
import { compileSql, type LogicalPlan, lowerPlan, type SqlRow } from "@eddy/sql";
import type { FxRow } from "./fx-row.ts";
import type { FxTick } from "./fx-tick.ts";

/** The seed's Kinesis Data Analytics query, as its SQL text (`fx-query.sql`). */
export const FX_QUERY_SQL = readFileSync(new URL("./fx-query.sql", import.meta.url), "utf8");

/** The query's input stream and its columns, as the application's input schema maps a tick. */
export const FX_SQL_INPUT = {
  SOURCE_SQL_STREAM_001: { symbol: "VARCHAR(8)", timestamp: "BIGINT", price: "DOUBLE" },
} as const;

let compiled: LogicalPlan | undefined;

/**
 * {@link fxQuery}'s rows computed by the SQL text itself, through `@eddy/sql` (the app's `--sql`):
 * ticks (with event time and watermarks) become rows of `SOURCE_SQL_STREAM_001` with ROWTIME = the
 * tick's event time, the application's pump fills `DESTINATION_SQL_STREAM`, and its rows become
 * `FxRow`s. Rows that fail, and ticks late for the OVER windows, are the application's
 * `error_stream` rows, here as dead letters naming KDA's error (`LATE_ROW`…).
 *
 * @example
 * const { rows, deadLetters } = fxQuerySql(ticks.withWatermarks(boundedOutOfOrderness(seconds(5)), (t) => t.timestamp * 1000));
 */
export function fxQuerySql(ticks: DataStream<FxTick>): {
  readonly rows: DataStream<FxRow>;
  readonly deadLetters: DataStream<DeadLetter>;
} {
  compiled ??= compileSql(FX_QUERY_SQL, { inputs: FX_SQL_INPUT, referenceTables: {} });
  const plan = compiled;
  const input = ticks.map((t): SqlRow => [t.symbol, t.timestamp, t.price], { name: "sql-input" });
  const lowered = lowerPlan(
    plan,
    {
      input: () => input,
      values: () => input.filter(() => false),
      referenceRows: (table) => {
        throw new Error(`the FX query joins no reference table (asked for ${table})`);
      },
    },
    // The query reads no CURRENT_TIMESTAMP: its start time changes no row.
    { queryStart: 0 },
  );
  const rows = lowered.streams.get("DESTINATION_SQL_STREAM")!.map(
    ([symbol, timestamp, price, minPrice, maxPrice, avgPrice, previousPrice, change]): FxRow => ({
      symbol: symbol as string,
      timestamp: timestamp as number,
      price: price as number,
      minPrice: minPrice as number,
      maxPrice: maxPrice as number,
      avgPrice: avgPrice as number,
      previousPrice: previousPrice as number,
      change: change as number,
    }),
    { name: "rows" },
  );
  const errors = lowered.errors ?? input.filter(() => false);
  const deadLetters = errors.map(
    ([, , name, message, rowtime, data, pump]): DeadLetter => ({
      reason: `${String(name)}: ${String(message)}`,
      record: Buffer.from(String(data), "hex").toString("utf8"),
      origin: `SQL error_stream${pump ? ` (pump ${String(pump)})` : ""}`,
      timestamp: rowtime as number,
    }),
    { name: "sql-errors" },
  );
  return { rows, deadLetters };
}
