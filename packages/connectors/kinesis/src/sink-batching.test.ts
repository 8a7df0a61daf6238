import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { type BufferedEntry, EntryBuffer, entrySize } from "./sink-batching.ts";

const entry = (size: number, id = 0): BufferedEntry => ({
  data: new Uint8Array(size),
  partitionKey: String(id),
  size,
  attempts: 0,
});

describe("EntryBuffer", () => {
  test("a batch holds at most maxCount entries and maxBytes bytes, in order, and at least one entry", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1_000 }), { maxLength: 300 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1_000, max: 5_000 }),
        (sizes, maxCount, maxBytes) => {
          const buffer = new EntryBuffer();
          for (const [i, s] of sizes.entries()) buffer.push(entry(s, i));
          const taken: number[] = [];
          while (buffer.length > 0) {
            const batch = buffer.takeBatch(maxCount, maxBytes);
            expect(batch.length).toBeGreaterThan(0);
            expect(batch.length).toBeLessThanOrEqual(maxCount);
            expect(batch.reduce((n, e) => n + e.size, 0)).toBeLessThanOrEqual(maxBytes);
            taken.push(...batch.map((e) => Number(e.partitionKey)));
          }
          expect(taken).toEqual(sizes.map((_, i) => i));
          expect(buffer.bytes).toBe(0);
        },
      ),
    );
  });

  test("Kinesis's limits: 500 records or 5 MiB per call, whichever comes first", () => {
    const buffer = new EntryBuffer();
    for (let i = 0; i < 1_200; i++) buffer.push(entry(100, i));
    expect([1, 2, 3].map(() => buffer.takeBatch(500, 5 * 1024 * 1024).length)).toEqual([500, 500, 200]);
    for (let i = 0; i < 12; i++) buffer.push(entry(1_000_000, i));
    expect(buffer.hasFullBatch(500, 5 * 1024 * 1024)).toBe(true);
    expect([1, 2, 3].map(() => buffer.takeBatch(500, 5 * 1024 * 1024).length)).toEqual([5, 5, 2]);
  });

  test("retried entries go back in front, in their order", () => {
    const buffer = new EntryBuffer();
    buffer.push(entry(1, 3));
    buffer.push(entry(1, 4));
    const first = buffer.takeBatch(1, 100);
    buffer.unshift([entry(1, 1), entry(1, 2)]);
    expect(first.map((e) => e.partitionKey)).toEqual(["3"]);
    expect(buffer.takeBatch(10, 100).map((e) => e.partitionKey)).toEqual(["1", "2", "4"]);
  });

  test("a record's size counts its data and its partition key in UTF-8", () => {
    expect(entrySize(new Uint8Array(10), "é")).toBe(12);
  });
});
