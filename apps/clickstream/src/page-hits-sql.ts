import { readFileSync } from "node:fs";
import type { DataStream } from "@eddy/core";
import { compileSql, type LogicalPlan, lowerPlan, type SqlRow } from "@eddy/sql";
import type { Hit } from "./access-log.ts";
import type { PageHits } from "./page-hits.ts";

/** Hits per page per minute as Kinesis Data Analytics SQL (`page-hits.sql`). */
export const PAGE_HITS_SQL = readFileSync(new URL("./page-hits.sql", import.meta.url), "utf8");

const MINUTE = 60_000;
let compiled: LogicalPlan | undefined;

/**
 * The clickstream's `pageHits` computed by its SQL text through `@eddy/sql` (the app's `--sql`):
 * each hit (with event time and watermarks) is a row of `SOURCE_SQL_STREAM_001` whose ROWTIME is
 * its time; the application's GROUP BY on `STEP(ROWTIME BY INTERVAL '1' MINUTE)` emits a row per
 * page and minute when the watermark passes the minute's end, as the typed tumbling window does.
 *
 * @example
 * const pageHits = pageHitsSql(hits); // hits with watermarks
 */
export function pageHitsSql(hits: DataStream<Hit>): DataStream<PageHits> {
  compiled ??= compileSql(PAGE_HITS_SQL, {
    inputs: { SOURCE_SQL_STREAM_001: { path: "VARCHAR(2048)" } },
    referenceTables: {},
  });
  const plan = compiled;
  const input = hits.map((hit): SqlRow => [hit.path], { name: "sql-input" });
  const lowered = lowerPlan(
    plan,
    {
      input: () => input,
      values: () => input.filter(() => false),
      referenceRows: (table) => {
        throw new Error(`the page-hits query joins no reference table (asked for ${table})`);
      },
    },
    { queryStart: 0 },
  );
  return lowered.streams.get("DESTINATION_SQL_STREAM")!.map(
    ([page, minute, count]): PageHits => ({
      page: page as string,
      start: minute as number,
      end: (minute as number) + MINUTE,
      hits: count as number,
    }),
    { name: "page-hits" },
  );
}
