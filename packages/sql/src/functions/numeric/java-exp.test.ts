import { describe, expect, it } from "vitest";
import { javaExp } from "./java-exp.ts";

/** The distance between two doubles in units in the last place. */
function ulps(a: number, b: number): number {
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  return Number(view.getBigInt64(0) - view.getBigInt64(8));
}

describe("javaExp (fdlibm's exp, as Java's StrictMath.exp)", () => {
  it("gives the EXP page's value for 1, one ulp above V8's Math.exp", () => {
    // biome-ignore lint/suspicious/noApproximativeNumericConstant: the value printed on the EXP page
    expect(javaExp(1)).toBe(2.7182818284590455);
    expect(ulps(javaExp(1), Math.exp(1))).toBe(1);
  });

  it("handles NaN, the infinities, overflow, underflow and tiny arguments", () => {
    expect(javaExp(Number.NaN)).toBeNaN();
    expect(javaExp(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(javaExp(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(javaExp(710)).toBe(Number.POSITIVE_INFINITY);
    expect(javaExp(-746)).toBe(0);
    expect(javaExp(0)).toBe(1);
    expect(javaExp(-0)).toBe(1);
    expect(javaExp(1e-20)).toBe(1);
  });

  it("stays within one ulp of e^x across the range, subnormal results included", () => {
    const xs = [
      -745, -740, -709.5, -100, -20.5, -1.5, -0.4, -1e-9, 1e-9, 0.3, 0.7, 1.2, 3, 50.25, 300, 709.7,
    ];
    for (let i = 0; i < 2000; i++) xs.push(-740 + i * 0.7249);
    for (const x of xs) {
      const got = javaExp(x);
      expect(Math.abs(ulps(got, Math.exp(x))), `exp(${x})`).toBeLessThanOrEqual(1);
    }
  });
});
