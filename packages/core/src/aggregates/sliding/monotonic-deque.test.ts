import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { MonotonicDeque } from "./monotonic-deque.ts";
import { fifoOps, mixedNumbers } from "./sliding-test-support.ts";

describe("MonotonicDeque", () => {
  test("empty: Infinity for the minimum, -Infinity for the maximum", () => {
    expect(new MonotonicDeque("min").value()).toBe(Number.POSITIVE_INFINITY);
    expect(new MonotonicDeque("max").value()).toBe(Number.NEGATIVE_INFINITY);
  });

  test("an older equal value is replaced, so evicting it keeps the extreme", () => {
    const deque = new MonotonicDeque("max");
    for (const x of [5, 3, 5, 1]) deque.push(x);
    deque.evictOldest(); // the first 5
    expect(deque.value()).toBe(5);
    deque.evictOldest(); // 3
    deque.evictOldest(); // the second 5
    expect(deque.value()).toBe(1);
  });

  test("-0 is below +0, and a NaN wins while held", () => {
    const min = new MonotonicDeque("min");
    const max = new MonotonicDeque("max");
    for (const x of [0, -0, 0]) {
      min.push(x);
      max.push(x);
    }
    expect(Object.is(min.value(), -0)).toBe(true);
    expect(Object.is(max.value(), 0)).toBe(true);
    min.push(Number.NaN);
    min.push(-5);
    expect(min.value()).toBeNaN();
    for (let i = 0; i < 4; i++) min.evictOldest();
    expect(min.value()).toBe(-5);
  });

  const withSpecials = fc.oneof(
    mixedNumbers,
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0),
  );

  test.each(["min", "max"] as const)("%s equals Math.%s of the values held, bit for bit", (extreme) => {
    fc.assert(
      fc.property(fifoOps(withSpecials), (ops) => {
        const deque = new MonotonicDeque(extreme);
        const held: number[] = [];
        for (const op of ops) {
          if ("push" in op) {
            deque.push(op.push);
            held.push(op.push);
          } else if (held.length > 0) {
            deque.evictOldest();
            held.shift();
          }
          const expected = extreme === "min" ? Math.min(...held) : Math.max(...held);
          expect(Object.is(deque.value(), expected)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
