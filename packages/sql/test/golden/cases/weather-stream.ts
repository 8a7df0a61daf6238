import type { GoldenRow } from "../golden-case.ts";
import { timestamp } from "../values.ts";

function reading(at: string, CITY: string, TEMP: number): GoldenRow {
  return { ROWTIME: timestamp(at), CITY, TEMP };
}

/**
 * The WEATHERSTREAM table, printed identically on the "Aggregate Functions" and the "Windowed
 * Aggregation on Streams" pages, in the printed order.
 */
export const WEATHERSTREAM_ROWS: readonly GoldenRow[] = [
  reading("2018-11-01 01:00:00.0", "Denver", 29),
  reading("2018-11-01 01:00:00.0", "Anchorage", 2),
  reading("2018-11-01 06:00:00.0", "Miami", 65),
  reading("2018-11-01 07:00:00.0", "Denver", 32),
  reading("2018-11-01 09:00:00.0", "Anchorage", 9),
  reading("2018-11-01 13:00:00.0", "Denver", 50),
  reading("2018-11-01 17:00:00.0", "Anchorage", 10),
  reading("2018-11-01 18:00:00.0", "Miami", 71),
  reading("2018-11-01 19:00:00.0", "Denver", 43),
  reading("2018-11-02 01:00:00.0", "Anchorage", 4),
  reading("2018-11-02 01:00:00.0", "Denver", 39),
  reading("2018-11-02 07:00:00.0", "Denver", 46),
  reading("2018-11-02 09:00:00.0", "Anchorage", 3),
  reading("2018-11-02 13:00:00.0", "Denver", 56),
  reading("2018-11-02 17:00:00.0", "Anchorage", 2),
  reading("2018-11-02 19:00:00.0", "Denver", 50),
  reading("2018-11-03 01:00:00.0", "Denver", 36),
  reading("2018-11-03 01:00:00.0", "Anchorage", 1),
];
