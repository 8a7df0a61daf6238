import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { unrollDoubled } from "./unroll-doubled.ts";

describe("unrollDoubled", () => {
  test("a wrapped buffer comes out oldest first, in twice the room", () => {
    // Oldest at index 2: logical order 3, 4, 1, 2.
    const grown = unrollDoubled(new Float64Array([1, 2, 3, 4]), 2);
    expect(Array.from(grown)).toEqual([3, 4, 1, 2, 0, 0, 0, 0]);
  });

  test("any head gives the logical order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true }), { minLength: 1, maxLength: 64 }),
        fc.nat(),
        (logical, shift) => {
          const head = shift % logical.length;
          const data = new Float64Array(logical.length);
          logical.forEach((x, i) => {
            data[(head + i) % logical.length] = x;
          });
          const grown = unrollDoubled(data, head);
          expect(grown.length).toBe(logical.length * 2);
          expect(Array.from(grown.subarray(0, logical.length))).toEqual(logical);
        },
      ),
    );
  });
});
