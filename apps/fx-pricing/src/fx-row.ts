/**
 * One output row per tick: the Kinesis Data Analytics query's columns.
 *
 * ```sql
 * SELECT STREAM "symbol", "timestamp", "price",
 *   MIN("price") OVER W1, MAX("price") OVER W1, AVG("price") OVER W1,
 *   FIRST_VALUE("price") OVER R1 AS previous_price,
 *   "price" - FIRST_VALUE("price") OVER R1 AS change
 * FROM "SOURCE_SQL_STREAM_001"
 * WINDOW W1 AS (PARTITION BY "symbol" RANGE INTERVAL '1' HOUR PRECEDING),
 *        R1 AS (PARTITION BY "symbol" ROWS 1 PRECEDING);
 * ```
 */
export interface FxRow {
  readonly symbol: string;
  /** The tick's, epoch seconds. */
  readonly timestamp: number;
  readonly price: number;
  /** Over the symbol's ticks of the preceding hour, this one included. */
  readonly minPrice: number;
  readonly maxPrice: number;
  readonly avgPrice: number;
  /** The symbol's tick before this one (this one's price for the first). */
  readonly previousPrice: number;
  readonly change: number;
}
