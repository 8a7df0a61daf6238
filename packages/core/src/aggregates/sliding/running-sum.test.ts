import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { RunningSum } from "./running-sum.ts";
import {
  compensationErrorBound,
  exactSum,
  type FifoOp,
  fifoOps,
  foldErrorBound,
  mixedNumbers,
} from "./sliding-test-support.ts";

/** Runs `ops` on a running sum and on a plain array, checking the sum after every step. */
function check(
  ops: readonly FifoOp[],
  compare: (got: number, held: readonly number[], passed: readonly number[], updates: number) => void,
): void {
  const sum = new RunningSum();
  const held: number[] = [];
  const passed: number[] = [];
  let updates = 0;
  for (const op of ops) {
    updates++;
    if ("push" in op) {
      sum.push(op.push);
      held.push(op.push);
      passed.push(op.push);
    } else if (held.length > 0) {
      sum.evictOldest();
      held.shift();
    }
    expect(sum.size).toBe(held.length);
    compare(sum.value(), held, passed, updates);
  }
}

describe("RunningSum", () => {
  test("empty: 0", () => {
    expect(new RunningSum().value()).toBe(0);
  });

  test("integers are summed exactly, through any pushes and evictions", () => {
    fc.assert(
      fc.property(fifoOps(fc.integer({ min: -1e6, max: 1e6 })), (ops) => {
        check(ops, (got, held) => expect(got).toBe(held.reduce((a, b) => a + b, 0)));
      }),
    );
  });

  test("floats of mixed magnitude stay within a fresh fold's error bound of the exact sum (plus ε² of the history)", () => {
    fc.assert(
      fc.property(fifoOps(mixedNumbers), (ops) => {
        check(ops, (got, held, passed, updates) => {
          const exact = exactSum(held);
          const bound = foldErrorBound(held) + compensationErrorBound(updates, passed);
          expect(Math.abs(got - exact)).toBeLessThanOrEqual(bound);
        });
      }),
      { numRuns: 500 },
    );
  });

  test("a huge value that left the frame leaves no error behind", () => {
    const sum = new RunningSum();
    for (const x of [0.1, 1e17, 0.2, 0.3]) sum.push(x);
    sum.evictOldest();
    sum.evictOldest();
    // Plain running arithmetic gives 0.1 + 1e17 + 0.2 + 0.3 - 0.1 - 1e17 = 0 here.
    expect(sum.value()).toBe(0.2 + 0.3);
  });

  test("does not drift over a long stream (the bench's shape: a frame of 1000 prices)", () => {
    const sum = new RunningSum();
    const held: number[] = [];
    let seed = 7;
    for (let i = 0; i < 200_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      const price = 1 + seed / 2_147_483_648 / 10;
      sum.push(price);
      held.push(price);
      if (held.length > 1000) {
        sum.evictOldest();
        held.shift();
      }
    }
    expect(Math.abs(sum.value() - exactSum(held))).toBeLessThanOrEqual(foldErrorBound(held));
  });

  test("NaN and infinities follow IEEE arithmetic while held, and leave no trace once evicted", () => {
    const sum = new RunningSum();
    sum.push(1);
    sum.push(Number.POSITIVE_INFINITY);
    expect(sum.value()).toBe(Number.POSITIVE_INFINITY);
    sum.push(Number.NEGATIVE_INFINITY);
    expect(sum.value()).toBeNaN();
    sum.push(Number.NaN);
    sum.push(2);
    sum.evictOldest(); // 1
    sum.evictOldest(); // +Infinity
    expect(sum.value()).toBeNaN(); // -Infinity and NaN held
    sum.evictOldest(); // -Infinity
    expect(sum.value()).toBeNaN(); // NaN held
    sum.evictOldest(); // NaN
    expect(sum.value()).toBe(2);
  });

  test("a finite sum that overflows is Infinity, and finite again once the overflow is evicted", () => {
    const sum = new RunningSum();
    for (const x of [Number.MAX_VALUE, Number.MAX_VALUE, 5, 6]) sum.push(x);
    expect(sum.value()).toBe(Number.POSITIVE_INFINITY);
    sum.evictOldest();
    expect(sum.value()).toBe(Number.MAX_VALUE + 11);
    sum.evictOldest();
    expect(sum.value()).toBe(11);
  });

  test("with special values mixed in, equals a plain fold wherever that fold is exact", () => {
    const special = fc.oneof(
      fc.integer({ min: -20, max: 20 }),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
    );
    fc.assert(
      fc.property(fifoOps(special), (ops) => {
        check(ops, (got, held) => expect(got).toBe(held.reduce((a, b) => a + b, 0)));
      }),
    );
  });
});
