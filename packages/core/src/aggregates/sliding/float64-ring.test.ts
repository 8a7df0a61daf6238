import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Float64Ring } from "./float64-ring.ts";

type Op = { push: number } | { shift: true } | { pop: true };

describe("Float64Ring", () => {
  test("empty: length 0 and an empty array", () => {
    const ring = new Float64Ring();
    expect(ring.length).toBe(0);
    expect(ring.toArray()).toEqual([]);
  });

  test("keeps order across growth while wrapped around", () => {
    const ring = new Float64Ring(4);
    for (const x of [1, 2, 3]) ring.push(x);
    expect(ring.shift()).toBe(1);
    expect(ring.shift()).toBe(2);
    // head is at 2 of 4: the next pushes wrap, then the ring grows with the wrap in place.
    for (const x of [4, 5, 6, 7, 8]) ring.push(x);
    expect(ring.toArray()).toEqual([3, 4, 5, 6, 7, 8]);
    expect([ring.first(), ring.last(), ring.at(2)]).toEqual([3, 8, 5]);
    expect(ring.pop()).toBe(8);
    expect(ring.toArray()).toEqual([3, 4, 5, 6, 7]);
  });

  test("behaves as an array used as a deque, for any sequence of operations", () => {
    const op = fc.oneof(
      fc.double({ noNaN: true }).map((push): Op => ({ push })),
      fc.constant<Op>({ shift: true }),
      fc.constant<Op>({ pop: true }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(op, { maxLength: 200 }), (capacity, ops) => {
        const ring = new Float64Ring(capacity);
        const model: number[] = [];
        for (const o of ops) {
          if ("push" in o) {
            ring.push(o.push);
            model.push(o.push);
          } else if (model.length > 0) {
            if ("shift" in o) expect(ring.shift()).toBe(model.shift());
            else expect(ring.pop()).toBe(model.pop());
          }
          expect(ring.length).toBe(model.length);
          if (model.length > 0) {
            expect(ring.first()).toBe(model[0]);
            expect(ring.last()).toBe(model.at(-1));
          }
        }
        expect(ring.toArray()).toEqual(model);
      }),
    );
  });
});
