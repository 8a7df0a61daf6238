import { expect } from "vitest";
import type { FxRow } from "../fx-row.ts";
import type { FxTick } from "../fx-tick.ts";

/** The rows of each symbol, in emission order. */
export function rowsBySymbol(rows: readonly FxRow[]): Map<string, FxRow[]> {
  const out = new Map<string, FxRow[]>();
  for (const row of rows) out.set(row.symbol, [...(out.get(row.symbol) ?? []), row]);
  return out;
}

/**
 * Rows equal the reference's, field by field. The average is compared to 1e-12 of its value: the
 * reference adds floating-point prices, the job whole ten-thousandths (exact), so the two means
 * may differ in the last bits; every other field must be identical.
 */
export function expectRowsEqual(actual: Map<string, FxRow[]>, expected: Map<string, FxRow[]>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [symbol, rows] of expected) {
    const got = actual.get(symbol)!;
    expect(got.length, symbol).toBe(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const { avgPrice, ...exact } = rows[i]!;
      const { avgPrice: gotAvg, ...gotExact } = got[i]!;
      expect(gotExact, `${symbol} row ${i}`).toEqual(exact);
      expect(Math.abs(gotAvg - avgPrice) / avgPrice, `${symbol} row ${i} average`).toBeLessThan(1e-12);
    }
  }
}

/** A EURUSD tick at `timestamp` (epoch seconds) with no spread. */
export const eurusdTick = (timestamp: number, price: number): FxTick => ({
  symbol: "EURUSD",
  price,
  ask: price,
  bid: price,
  timestamp,
});
