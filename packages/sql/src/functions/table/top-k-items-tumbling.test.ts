import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SqlValue } from "../../types/sql-value.ts";
import { SeededRandom } from "./seeded-random.ts";
import { Collector, column, literals, restoredThroughCheckpoint } from "./table-test-support.ts";
import { topKCapacity, topKItemsTumbling } from "./top-k-items-tumbling.ts";

const TICKER = [column("TICKER", "VARCHAR", 4), column("PRICE", "REAL")];
const T0 = Date.UTC(2024, 0, 1, 10, 0, 0);

/** The exact top K per window: counts, most frequent first, ties by first appearance in the window. */
function exactTopK(
  rows: { item: string; rowtime: number }[],
  k: number,
  windowMs: number,
): { rowtime: number; row: Record<string, SqlValue> }[] {
  const windows = new Map<number, Map<string, number>>();
  for (const { item, rowtime } of rows) {
    const end = Math.floor(rowtime / windowMs) * windowMs + windowMs;
    const counts = windows.get(end) ?? new Map<string, number>();
    counts.set(item, (counts.get(item) ?? 0) + 1);
    windows.set(end, counts);
  }
  return [...windows].flatMap(([end, counts]) =>
    [...counts]
      .map(([item, count], first) => ({ item, count, first }))
      .sort((a, b) => b.count - a.count || a.first - b.first)
      .slice(0, k)
      .map(({ item, count }) => ({ rowtime: end, row: { TICKER: item, MOST_FREQUENT_VALUES: count } })),
  );
}

describe("TOP_K_ITEMS_TUMBLING", () => {
  it("outputs the column and MOST_FREQUENT_VALUES BIGINT", () => {
    expect(topKItemsTumbling().outputColumns(TICKER, literals("TICKER", 5, 60))).toEqual([
      TICKER[0],
      { name: "MOST_FREQUENT_VALUES", type: { name: "BIGINT", nullable: false } },
    ]);
  });

  it("gives AWS's example (five tickers, K = 5, 60 s windows): every ticker with its count, at each window's end", () => {
    // The developer guide's generator: random.choice(['AAPL', 'AMZN', 'MSFT', 'INTC', 'TBV']).
    const random = new SeededRandom(3);
    const tickers = ["AAPL", "AMZN", "MSFT", "INTC", "TBV"];
    const rows = Array.from({ length: 600 }, (_, i) => ({
      item: tickers[Math.floor(random.next() * 5)]!,
      rowtime: T0 + i * 500,
    }));
    const out = new Collector();
    const instance = topKItemsTumbling().create(TICKER, literals("TICKER", 5, 60));
    for (const { item, rowtime } of rows) instance.push({ TICKER: item, PRICE: 1 }, rowtime, out.emit);
    instance.advance!(Number.POSITIVE_INFINITY, out.emit);
    expect(out.rows).toEqual(exactTopK(rows, 5, 60_000));
    expect(out.rows.map((r) => r.rowtime)).toEqual([
      ...new Array(5).fill(T0 + 60_000),
      ...new Array(5).fill(T0 + 120_000),
      ...new Array(5).fill(T0 + 180_000),
      ...new Array(5).fill(T0 + 240_000),
      ...new Array(5).fill(T0 + 300_000),
    ]);
  });

  it("is exact while a window holds fewer distinct items than the summary's capacity", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom("A", "B", "C", "D", "E", "F", "G"), fc.integer({ min: 0, max: 2_500 })),
          { maxLength: 300 },
        ),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 3 }),
        (items, k, windowSeconds) => {
          const rows: { item: string; rowtime: number }[] = [];
          let rowtime = T0;
          for (const [item, gap] of items) {
            rowtime += gap;
            rows.push({ item, rowtime });
          }
          const out = new Collector();
          const instance = topKItemsTumbling().create(TICKER, literals("TICKER", k, windowSeconds));
          for (const { item, rowtime: t } of rows) instance.push({ TICKER: item, PRICE: 0 }, t, out.emit);
          instance.advance!(Number.POSITIVE_INFINITY, out.emit);
          expect(out.rows).toEqual(exactTopK(rows, k, windowSeconds * 1000));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("keeps the heavy hitters, counts off by at most rows / capacity, when distinct items overflow the summary", () => {
    const rows: string[] = [];
    const heavy = { H1: 5_000, H2: 4_000, H3: 3_000, H4: 2_000, H5: 1_000 };
    for (const [item, count] of Object.entries(heavy)) for (let i = 0; i < count; i++) rows.push(item);
    for (let i = 0; i < 30_000; i++) rows.push(`single-${i}`);
    const random = new SeededRandom(1);
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(random.next() * (i + 1));
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
    const out = new Collector();
    const instance = topKItemsTumbling().create(TICKER, literals("TICKER", 5, 3_600));
    rows.forEach((item, i) => {
      instance.push({ TICKER: item, PRICE: 0 }, T0 + i, out.emit);
    });
    instance.advance!(Number.POSITIVE_INFINITY, out.emit);
    expect(out.column("TICKER")).toEqual(["H1", "H2", "H3", "H4", "H5"]);
    const slack = rows.length / topKCapacity(5);
    for (const { row } of out.rows) {
      const truth = heavy[row.TICKER as keyof typeof heavy];
      expect(row.MOST_FREQUENT_VALUES as number).toBeGreaterThanOrEqual(truth);
      expect(row.MOST_FREQUENT_VALUES as number).toBeLessThanOrEqual(truth + slack);
    }
  });

  it("closes a window when ROWTIME passes its end (a later row or advance), skips empty windows, ignores NULL", () => {
    const out = new Collector();
    const instance = topKItemsTumbling().create(TICKER, literals("ticker", 2, 10));
    instance.push({ TICKER: "A", PRICE: 0 }, T0 + 1_000, out.emit);
    instance.push({ TICKER: null, PRICE: 0 }, T0 + 2_000, out.emit);
    instance.advance!(T0 + 9_999, out.emit);
    expect(out.rows).toEqual([]);
    instance.advance!(T0 + 10_000, out.emit);
    expect(out.rows).toEqual([{ rowtime: T0 + 10_000, row: { TICKER: "A", MOST_FREQUENT_VALUES: 1 } }]);
    instance.push({ TICKER: "B", PRICE: 0 }, T0 + 45_000, out.emit);
    instance.push({ TICKER: "C", PRICE: 0 }, T0 + 51_000, out.emit);
    expect(out.rows.slice(1)).toEqual([
      { rowtime: T0 + 50_000, row: { TICKER: "B", MOST_FREQUENT_VALUES: 1 } },
    ]);
    expect(() => instance.push({ TICKER: "D", PRICE: 0 }, T0 + 49_000, out.emit)).toThrow(
      /TOP_K_ITEMS_TUMBLING got a row at ROWTIME 2024-01-01T10:00:49.000Z after its window had closed/,
    );
  });

  it("restored from a checkpoint mid-window, emits exactly as an uninterrupted run", () => {
    const random = new SeededRandom(4);
    const rows = Array.from({ length: 400 }, (_, i) => ({
      item: `T${Math.floor(random.next() ** 2 * 20)}`,
      rowtime: T0 + i * 300,
    }));
    const fn = topKItemsTumbling();
    const args = literals("TICKER", 3, 7);
    const whole = new Collector();
    const parts = new Collector();
    const uninterrupted = fn.create(TICKER, args);
    let running = fn.create(TICKER, args);
    rows.forEach(({ item, rowtime }, i) => {
      uninterrupted.push({ TICKER: item, PRICE: 0 }, rowtime, whole.emit);
      if (i === 217) running = restoredThroughCheckpoint(running, fn.create(TICKER, args));
      running.push({ TICKER: item, PRICE: 0 }, rowtime, parts.emit);
    });
    uninterrupted.advance!(Number.POSITIVE_INFINITY, whole.emit);
    running.advance!(Number.POSITIVE_INFINITY, parts.emit);
    expect(parts.rows).toEqual(whole.rows);
  });

  it("refuses K, windowSize and columnName outside what AWS documents", () => {
    const refuse = (args: ReturnType<typeof literals>, message: RegExp): void => {
      expect(() => topKItemsTumbling().outputColumns(TICKER, args)).toThrow(message);
    };
    refuse(literals("TICKER", 0, 60), /TOP_K_ITEMS_TUMBLING K must be from 1 to 100,000, got 0/);
    refuse(literals("TICKER", 100_001, 60), /K must be from 1 to 100,000, got 100001/);
    refuse(literals("TICKER", 5, 0), /windowSize must be from 1 to 3,600, got 0/);
    refuse(literals("TICKER", 5, 3_601), /windowSize must be from 1 to 3,600, got 3601/);
    refuse(
      literals("SYMBOL", 5, 60),
      /columnName 'SYMBOL' is not a column of the cursor \(columns: TICKER, PRICE\)/,
    );
    refuse([...literals(5, 5, 60)], /columnName must be a character literal in single quotes, got 5/);
  });
});
