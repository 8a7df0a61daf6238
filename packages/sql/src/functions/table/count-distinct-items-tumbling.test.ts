import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countDistinctItemsTumbling } from "./count-distinct-items-tumbling.ts";
import { Collector, column, literals, restoredThroughCheckpoint } from "./table-test-support.ts";

const INPUT = [column("ITEM", "VARCHAR", 32), column("N", "BIGINT")];
const T0 = Date.UTC(2024, 0, 1, 10, 0, 0);

function countOnce(items: readonly (string | null)[], args = literals("ITEM", 3_600)): number {
  const out = new Collector();
  const instance = countDistinctItemsTumbling().create(INPUT, args);
  items.forEach((item, i) => {
    instance.push({ ITEM: item, N: i }, T0 + Math.floor(i / 100), out.emit);
  });
  instance.advance!(Number.POSITIVE_INFINITY, out.emit);
  expect(out.rows).toHaveLength(1);
  expect(out.rows[0]!.rowtime).toBe(T0 + 3_600_000);
  return out.rows[0]!.row.NUMBER_OF_DISTINCT_ITEMS as number;
}

describe("COUNT_DISTINCT_ITEMS_TUMBLING", () => {
  it("outputs NUMBER_OF_DISTINCT_ITEMS BIGINT, one row per window at its end", () => {
    expect(countDistinctItemsTumbling().outputColumns(INPUT, literals("ITEM", 60))).toEqual([
      { name: "NUMBER_OF_DISTINCT_ITEMS", type: { name: "BIGINT", nullable: false } },
    ]);
    const out = new Collector();
    const instance = countDistinctItemsTumbling().create(INPUT, literals("N", 60));
    for (let i = 0; i < 300; i++) instance.push({ ITEM: "x", N: i % 47 }, T0 + i * 1000, out.emit);
    instance.advance!(Number.POSITIVE_INFINITY, out.emit);
    expect(out.rows).toEqual(
      [1, 2, 3, 4, 5].map((w) => ({ rowtime: T0 + w * 60_000, row: { NUMBER_OF_DISTINCT_ITEMS: 47 } })),
    );
  });

  it("is exact up to 10,000 distinct items (NULL not counted)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.string({ maxLength: 3 }), { nil: null }), { maxLength: 500 }),
        (items) => {
          if (items.every((i) => i === null)) return;
          expect(countOnce(items)).toBe(new Set(items.filter((i) => i !== null)).size);
        },
      ),
      { numRuns: 100 },
    );
    const tenThousand = Array.from({ length: 20_000 }, (_, i) => `item-${i % 10_000}`);
    expect(countOnce(tenThousand)).toBe(10_000);
  });

  it("estimates above 10,000 within HyperLogLog's error (3 standard errors: 2.5%)", () => {
    for (const distinct of [10_001, 60_000, 250_000]) {
      const items = Array.from({ length: distinct }, (_, i) => `user-${i * 7919}@example.com`);
      const estimate = countOnce(items);
      expect(Math.abs(estimate / distinct - 1)).toBeLessThan(0.025);
    }
  });

  it("restored from a checkpoint (exact, then sketched), counts exactly as an uninterrupted run", () => {
    for (const cut of [500, 15_000]) {
      const fn = countDistinctItemsTumbling();
      const args = literals("ITEM", 20);
      const whole = new Collector();
      const parts = new Collector();
      const uninterrupted = fn.create(INPUT, args);
      let running = fn.create(INPUT, args);
      for (let i = 0; i < 30_000; i++) {
        const row = { ITEM: `k${(i * 31) % 23_000}`, N: i };
        uninterrupted.push(row, T0 + i, whole.emit);
        if (i === cut) running = restoredThroughCheckpoint(running, fn.create(INPUT, args));
        running.push(row, T0 + i, parts.emit);
      }
      uninterrupted.advance!(Number.POSITIVE_INFINITY, whole.emit);
      running.advance!(Number.POSITIVE_INFINITY, parts.emit);
      expect(parts.rows).toEqual(whole.rows);
    }
  });

  it("refuses windowSize outside 1..3,600 and unknown columns", () => {
    expect(() => countDistinctItemsTumbling().outputColumns(INPUT, literals("ITEM", 0))).toThrow(
      /COUNT_DISTINCT_ITEMS_TUMBLING windowSize must be from 1 to 3,600, got 0/,
    );
    expect(() => countDistinctItemsTumbling().outputColumns(INPUT, literals("ITEM", 3_601))).toThrow(
      /got 3601/,
    );
    expect(() => countDistinctItemsTumbling().outputColumns(INPUT, literals("NOPE", 60))).toThrow(
      /'NOPE' is not a column/,
    );
    expect(() => countDistinctItemsTumbling().outputColumns(INPUT, literals("ITEM"))).toThrow(
      /needs the windowSize argument/,
    );
  });
});
