import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { AggregateFunction } from "./aggregate-function.ts";
import { avg } from "./avg.ts";
import { count } from "./count.ts";
import { max } from "./max.ts";
import { min } from "./min.ts";
import { stats } from "./stats.ts";
import { sum } from "./sum.ts";

interface Rec {
  readonly x: number;
}

const x = (r: Rec) => r.x;
const builtIns: [string, AggregateFunction<Rec, unknown, unknown>][] = [
  ["count", count()],
  ["sum", sum(x)],
  ["min", min(x)],
  ["max", max(x)],
  ["avg", avg(x)],
  ["stats", stats(x)],
];

/** Numbers that tell apart what a sloppy layout would merge: NaN, ±0, ±Infinity, fractions. */
const number = fc.oneof(
  fc.double(),
  fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.1, 1e300),
);

/** Field by field with `Object.is`, for a number or an object of numbers. */
function expectSame(actual: unknown, expected: unknown): void {
  if (typeof expected === "number") {
    expect(Object.is(actual, expected), `${String(actual)} vs ${expected}`).toBe(true);
    return;
  }
  const a = actual as Record<string, number>;
  const e = expected as Record<string, number>;
  expect(Object.keys(a).sort()).toEqual(Object.keys(e).sort());
  for (const key of Object.keys(e)) {
    expect(Object.is(a[key], e[key]), `${key}: ${a[key]} vs ${e[key]}`).toBe(true);
  }
}

describe.each(builtIns)("%s in columns", (_name, fn) => {
  const columnar = fn.columnar!;

  test("init and add give what create and add give, at any offset, leaving neighbours alone", () => {
    fc.assert(
      fc.property(fc.array(number, { maxLength: 20 }), fc.nat(3), (xs, slot) => {
        const values = new Float64Array(columnar.width * 5).fill(7);
        const at = slot * columnar.width;
        columnar.init(values, at);
        let acc = fn.create();
        for (const value of xs) {
          columnar.add(values, at, { x: value });
          acc = fn.add(acc, { x: value });
        }
        expectSame(columnar.read(values, at), acc);
        expectSame(fn.result(columnar.read(values, at)), fn.result(acc));
        for (let i = 0; i < values.length; i++) {
          if (i < at || i >= at + columnar.width) expect(values[i]).toBe(7);
        }
      }),
    );
  });

  test("write then read gives the accumulator back, a new one each time", () => {
    fc.assert(
      fc.property(fc.array(number, { maxLength: 20 }), (xs) => {
        let acc = fn.create();
        for (const value of xs) acc = fn.add(acc, { x: value });
        const values = new Float64Array(columnar.width);
        columnar.write(values, 0, acc);
        const read = columnar.read(values, 0);
        expectSame(read, acc);
        if (typeof read === "object") expect(columnar.read(values, 0)).not.toBe(read);
      }),
    );
  });
});

describe.each(builtIns.filter(([name]) => name !== "count"))("%s in columns, projecting", (_name, fn) => {
  test("an add whose projection throws leaves the accumulator as it was", () => {
    const columnar = fn.columnar!;
    const values = new Float64Array(columnar.width);
    columnar.init(values, 0);
    columnar.add(values, 0, { x: 3 });
    const before = Float64Array.from(values);
    const throwing = {
      get x(): number {
        throw new Error("no value");
      },
    };
    expect(() => columnar.add(values, 0, throwing)).toThrow("no value");
    expect(values).toEqual(before);
  });
});
