import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Ring } from "./ring.ts";

describe("Ring", () => {
  test("behaves as an array used as a FIFO, across growth and wrap-around", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.option(fc.string()), { maxLength: 200 }),
        (capacity, ops) => {
          const ring = new Ring<string>(capacity);
          const model: string[] = [];
          for (const op of ops) {
            if (op !== null) {
              ring.push(op);
              model.push(op);
            } else if (model.length > 0) expect(ring.shift()).toBe(model.shift());
            expect(ring.length).toBe(model.length);
            if (model.length > 0) expect(ring.at(model.length - 1)).toBe(model.at(-1));
          }
          expect(ring.toArray()).toEqual(model);
        },
      ),
    );
  });

  test("a shifted value is no longer referenced", () => {
    const ring = new Ring<object>(2);
    const record = { big: true };
    ring.push(record);
    ring.push({});
    ring.shift();
    // The slot is cleared: the only way to see it is through toArray, which must not hold it.
    expect(ring.toArray()).not.toContain(record);
    expect(ring.length).toBe(1);
  });
});
