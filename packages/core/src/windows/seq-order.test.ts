import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { seqOrder } from "./seq-order.ts";

/** `seqs` permuted by `order`. */
const permuted = (seqs: Float64Array, order: Int32Array) => Array.from(order, (row) => seqs[row]!);
const ascending = (values: number[]) => values.every((v, i) => i === 0 || values[i - 1]! <= v);

describe("seqOrder", () => {
  test("is undefined for rows already in order", () => {
    expect(seqOrder(new Float64Array([1, 4, 9, 12]), 4)).toBeUndefined();
    expect(seqOrder(new Float64Array(0), 0)).toBeUndefined();
    // Only the first n count.
    expect(seqOrder(new Float64Array([1, 2, 0]), 2)).toBeUndefined();
  });

  test("orders any distinct integers, by comparison or by radix, of any span", () => {
    const cases = fc.record({
      start: fc.integer({ min: 0, max: 2 ** 40 }),
      steps: fc.array(fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 ** 20 })), {
        minLength: 1,
        maxLength: 3_000,
      }),
      seed: fc.integer(),
    });
    fc.assert(
      fc.property(cases, ({ start, steps, seed }) => {
        // Distinct, increasing, then shuffled deterministically.
        const sorted: number[] = [];
        let s = start;
        for (const step of steps) {
          s += step;
          sorted.push(s);
        }
        const shuffled = [...sorted];
        let r = seed;
        for (let i = shuffled.length - 1; i > 0; i--) {
          r = (Math.imul(r, 48271) + 1) | 0;
          const j = (r >>> 0) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        const seqs = Float64Array.from(shuffled);
        const order = seqOrder(seqs, seqs.length);
        if (order === undefined) {
          expect(ascending(shuffled)).toBe(true);
          return;
        }
        expect(permuted(seqs, order)).toEqual(sorted);
      }),
      { numRuns: 60 },
    );
  });

  test("orders a million rows of 128 interleaved runs, as a restore meets them", () => {
    const n = 1_000_000;
    const seqs = new Float64Array(n);
    let at = 0;
    for (let run = 0; run < 128; run++) for (let i = run; i < n; i += 128) seqs[at++] = 3 * i + 1_000_000;
    const order = seqOrder(seqs, n)!;
    const values = permuted(seqs, order);
    expect(ascending(values)).toBe(true);
    expect(new Set(order).size).toBe(n);
  });
});
