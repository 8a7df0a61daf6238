import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sqlHarness } from "../testing/sql-harness.ts";
import { compileSql } from "./compile-sql.ts";

// The seed's FX query, as the FX app runs it with `--sql`: it inserts into DESTINATION_SQL_STREAM.
const FX_SQL = readFileSync(new URL("../../../../apps/fx-pricing/src/fx-query.sql", import.meta.url), "utf8");

const HOUR = 3_600_000;

interface Tick {
  readonly symbol: string;
  readonly price: number;
  readonly rowtime: number;
}

// The same rows computed plainly: per symbol, the ticks of the last hour (bound inclusive) and
// the tick before.
function reference(ticks: readonly Tick[]) {
  return ticks.map((tick, i) => {
    const mine = ticks.slice(0, i + 1).filter((t) => t.symbol === tick.symbol);
    const hour = mine.filter((t) => t.rowtime >= tick.rowtime - HOUR).map((t) => t.price);
    const previous = (mine.length >= 2 ? mine[mine.length - 2]! : tick).price;
    return {
      ROWTIME: tick.rowtime,
      symbol: tick.symbol,
      price: tick.price,
      MIN_PRICE: Math.min(...hour),
      MAX_PRICE: Math.max(...hour),
      AVG_PRICE: hour.reduce((a, b) => a + b, 0) / hour.length,
      PREVIOUS_PRICE: previous,
      CHANGE: tick.price - previous,
    };
  });
}

const ticksArbitrary = fc
  .array(
    fc.record({
      symbol: fc.constantFrom("EURUSD", "GBPUSD", "USDJPY"),
      price: fc.integer({ min: 1, max: 5000 }).map((n) => n / 1000),
      gap: fc.integer({ min: 0, max: 40 * 60_000 }),
    }),
    { minLength: 1, maxLength: 40 },
  )
  .map((raw) => {
    let rowtime = Date.UTC(2026, 0, 1);
    return raw.map(({ symbol, price, gap }): Tick => {
      rowtime += gap;
      return { symbol, price, rowtime };
    });
  });

describe("the seed FX query, run from its SQL text", () => {
  it("gives the rows of a plain computation over one-hour and previous-row windows", async () => {
    await fc.assert(
      fc.asyncProperty(ticksArbitrary, async (ticks) => {
        const h = await sqlHarness(FX_SQL, {
          compile: compileSql,
          inputs: { SOURCE_SQL_STREAM_001: { symbol: "VARCHAR(8)", timestamp: "BIGINT", price: "DOUBLE" } },
        });
        for (const t of ticks)
          await h.push(
            "SOURCE_SQL_STREAM_001",
            { symbol: t.symbol, timestamp: t.rowtime, price: t.price },
            t.rowtime,
          );
        await h.finish();
        const rows = h.rows("DESTINATION_SQL_STREAM").map(({ timestamp: _, ...row }) => row);
        const expected = reference(ticks);
        expect(rows.length).toBe(expected.length);
        rows.forEach((row, i) => {
          const want = expected[i]!;
          expect({ ...row, AVG_PRICE: 0 }).toEqual({ ...want, AVG_PRICE: 0 });
          // AVG is a running sum: the same value up to the last bits of a double.
          expect(row.AVG_PRICE as number).toBeCloseTo(want.AVG_PRICE, 9);
        });
        expect(h.rows("error_stream")).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });
});
