import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { groupRank } from "./group-rank.ts";
import { Collector, column, literals, restoredThroughCheckpoint } from "./table-test-support.ts";

const GROUPED = [
  column("group_time", "TIMESTAMP"),
  column("ticker", "VARCHAR", 65520),
  column("ticker_count", "INTEGER"),
];
const T0 = Date.UTC(2024, 0, 1, 10, 0, 0);
/** AWS's example call: GROUP_RANK(cursor, 'ticker_count', 'groupRank', 'desc', 'asc', 5, 0). */
const AWS_ARGS = literals("ticker_count", "groupRank", "desc", "asc", 5, 0);

function row(second: number, ticker: string, count: number | null) {
  return { group_time: T0 + second * 1000, ticker, ticker_count: count };
}

describe("GROUP_RANK", () => {
  it("returns the cursor's columns and the rank column named by rankOutColumnName (INTEGER)", () => {
    expect(groupRank().outputColumns(GROUPED, AWS_ARGS)).toEqual([
      ...GROUPED,
      { name: "groupRank", type: { name: "INTEGER", nullable: true } },
    ]);
  });

  it("ranks each second's GROUP BY rows by count, descending, output by ascending rank (AWS's example)", () => {
    const out = new Collector();
    const instance = groupRank().create(GROUPED, AWS_ARGS);
    // The rows one GROUP BY FLOOR(ROWTIME TO SECOND), TICKER_SYMBOL emits per second, in any order.
    const second1 = [
      row(0, "AMZN", 2),
      row(0, "TBV", 7),
      row(0, "INTC", 4),
      row(0, "MSFT", 7),
      row(0, "AAPL", 1),
    ];
    const second2 = [row(1, "AMZN", 5), row(1, "TBV", 3)];
    for (const r of second1) instance.push(r, T0 + 1000, out.emit);
    expect(out.rows).toEqual([]);
    for (const r of second2) instance.push(r, T0 + 2000, out.emit);
    expect(out.rows).toEqual(
      [
        { ...second1[1]!, groupRank: 1 },
        { ...second1[3]!, groupRank: 1 },
        { ...second1[2]!, groupRank: 3 },
        { ...second1[0]!, groupRank: 4 },
        { ...second1[4]!, groupRank: 5 },
      ].map((r) => ({ rowtime: T0 + 1000, row: r })),
    );
    instance.advance!(T0 + 2000, out.emit);
    expect(out.rows).toHaveLength(5);
    instance.advance!(T0 + 2001, out.emit);
    expect(out.rows.slice(5)).toEqual([
      { rowtime: T0 + 2000, row: { ...second2[0]!, groupRank: 1 } },
      { rowtime: T0 + 2000, row: { ...second2[1]!, groupRank: 2 } },
    ]);
  });

  it("orders output descending, keeps the outputMax best ranked, ranks NULL last, ascending sort ranks the smallest first", () => {
    const out = new Collector();
    const instance = groupRank().create(GROUPED, literals("ticker_count", "r", "ASC", "desc", 0, 3));
    for (const r of [row(0, "A", 5), row(0, "B", null), row(0, "C", 2), row(0, "D", 5), row(0, "E", 9)]) {
      instance.push(r, T0, out.emit);
    }
    instance.advance!(Number.POSITIVE_INFINITY, out.emit);
    // Ranks asc: C 1, A 2, D 2, E 4, B (NULL) 5; the best three are C, A, D; output by rank, descending.
    expect(out.rows.map((r) => [r.row.ticker, r.row.r])).toEqual([
      ["A", 2],
      ["D", 2],
      ["C", 1],
    ]);
  });

  it("ranks character columns by their text", () => {
    const out = new Collector();
    const instance = groupRank().create(GROUPED, literals("ticker", "rank", "asc", "asc", 0, 0));
    for (const r of [row(0, "b", 1), row(0, "B", 1), row(0, "a", 1)]) instance.push(r, T0, out.emit);
    instance.advance!(Number.POSITIVE_INFINITY, out.emit);
    expect(out.rows.map((r) => r.row.ticker)).toEqual(["B", "a", "b"]);
  });

  it("gives each row 1 + the number of rows of its group ranked strictly before it", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: 3 }), fc.option(fc.integer({ min: 0, max: 4 }), { nil: null })),
          {
            maxLength: 60,
          },
        ),
        fc.constantFrom("asc", "desc"),
        fc.constantFrom("asc", "desc"),
        fc.integer({ min: 0, max: 4 }),
        (entries, sortOrder, outputOrder, outputMax) => {
          let second = 0;
          const rows = entries.map(([gap, count], i) => {
            second += gap;
            return { rowtime: T0 + second * 1000, row: row(second, `T${i}`, count) };
          });
          const out = new Collector();
          const instance = groupRank().create(
            GROUPED,
            literals("ticker_count", "rank", sortOrder, outputOrder, 0, outputMax),
          );
          for (const r of rows) instance.push(r.row, r.rowtime, out.emit);
          instance.advance!(Number.POSITIVE_INFINITY, out.emit);
          const better = (a: number | null, b: number | null): boolean =>
            a !== null && (b === null || (sortOrder === "asc" ? a < b : a > b));
          const groups = new Map<number, typeof rows>();
          for (const r of rows) groups.set(r.rowtime, [...(groups.get(r.rowtime) ?? []), r]);
          let emitted = 0;
          for (const [rowtime, members] of groups) {
            const ranked = out.rows.filter((r) => r.rowtime === rowtime);
            emitted += ranked.length;
            expect(ranked).toHaveLength(outputMax > 0 ? Math.min(outputMax, members.length) : members.length);
            for (const { row: r } of ranked) {
              const value = r.ticker_count as number | null;
              expect(r.rank).toBe(1 + members.filter((m) => better(m.row.ticker_count, value)).length);
            }
            const ranks = ranked.map((r) => r.row.rank as number);
            expect(ranks).toEqual([...ranks].sort((a, b) => (outputOrder === "asc" ? a - b : b - a)));
          }
          expect(out.rows).toHaveLength(emitted);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("restored from a checkpoint mid-group, emits exactly as an uninterrupted run", () => {
    const rows = Array.from({ length: 40 }, (_, i) => row(Math.floor(i / 7), `T${i}`, (i * 37) % 11));
    const whole = new Collector();
    const parts = new Collector();
    const fn = groupRank();
    const uninterrupted = fn.create(GROUPED, AWS_ARGS);
    let running = fn.create(GROUPED, AWS_ARGS);
    rows.forEach((r, i) => {
      uninterrupted.push(r, r.group_time, whole.emit);
      if (i === 17) running = restoredThroughCheckpoint(running, fn.create(GROUPED, AWS_ARGS));
      running.push(r, r.group_time, parts.emit);
    });
    uninterrupted.advance!(Number.POSITIVE_INFINITY, whole.emit);
    running.advance!(Number.POSITIVE_INFINITY, parts.emit);
    expect(parts.rows).toEqual(whole.rows);
    expect(whole.rows).toHaveLength(40);
  });

  it("refuses what its declaration does not allow, naming the parameter", () => {
    const refuse = (args: ReturnType<typeof literals>, message: RegExp): void => {
      expect(() => groupRank().outputColumns(GROUPED, args)).toThrow(message);
    };
    refuse(
      literals("ticker_count", "groupRank", "up", "asc", 5, 0),
      /GROUP_RANK sortOrder must be 'asc' or 'desc', got 'up'/,
    );
    refuse(
      literals("ticker_count", "groupRank", "asc", "sideways", 5, 0),
      /outputOrder must be 'asc' or 'desc'/,
    );
    refuse(
      literals("ticker_count", "groupRank", "asc", "asc", -1, 0),
      /maxIdle must be from 0 to 2,147,483,647, got -1/,
    );
    refuse(
      literals("ticker_count", "groupRank", "asc", "asc", 0, -5),
      /outputMax must be from 0 to 2,147,483,647, got -5/,
    );
    refuse(literals("volume", "groupRank", "asc", "asc", 0, 0), /rankByColumnName 'volume' is not a column/);
    refuse(
      literals("group_time", "groupRank", "asc", "asc", 0, 0),
      /ranks by an INTEGER \(or other numeric\), CHAR or VARCHAR column; group_time is TIMESTAMP/,
    );
    refuse(
      literals("ticker_count", "ticker", "asc", "asc", 0, 0),
      /adds the column ticker, which the cursor already has/,
    );
    refuse(literals("ticker_count", "groupRank", "asc", "asc", 0), /needs the outputMax argument/);
  });

  it("refuses a row older than the group it gathers", () => {
    const instance = groupRank().create(GROUPED, AWS_ARGS);
    instance.push(row(1, "A", 1), T0 + 1000, () => {});
    expect(() => instance.push(row(0, "B", 1), T0, () => {})).toThrow(/rows must arrive in ROWTIME order/);
  });
});
