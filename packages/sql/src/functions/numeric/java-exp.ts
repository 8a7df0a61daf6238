/**
 * `e^x` bit for bit as Java's `StrictMath.exp` (fdlibm 5.3's `__ieee754_exp`), the function KDA's
 * EXP printed: `EXP(1)` is 2.7182818284590455 on its EXP page, where V8's `Math.exp(1)` gives
 * 2.718281828459045. Both are within one ulp of e^x; only fdlibm's rounding is KDA's.
 *
 * Reduces x = k·ln2 + r with |r| ≤ ln2/2, approximates e^r with fdlibm's degree-5 Remez
 * polynomial, then scales by 2^k through the exponent bits.
 *
 * @example
 * javaExp(1); // 2.7182818284590455
 * javaExp(-1); // 0.36787944117144233
 */
export function javaExp(x: number): number {
  let high = highWord(x);
  const negative = (high >>> 31) & 1;
  high &= 0x7fffffff;
  if (high >= 0x40862e42) {
    // |x| ≥ 709.78: NaN, ±Infinity, overflow or underflow.
    if (high >= 0x7ff00000) return Number.isNaN(x) || negative === 0 ? x : 0;
    if (x > O_THRESHOLD) return Number.POSITIVE_INFINITY;
    if (x < U_THRESHOLD) return 0;
  }
  let k = 0;
  let hi = 0;
  let lo = 0;
  if (high > 0x3fd62e42) {
    // |x| > ln2/2: reduce by k·ln2, with ln2 split in two for an exact high part.
    if (high < 0x3ff0a2b2) {
      hi = x - LN2_HI[negative]!;
      lo = LN2_LO[negative]!;
      k = 1 - negative - negative;
    } else {
      k = Math.trunc(INV_LN2 * x + HALF[negative]!);
      hi = x - k * LN2_HI[0]!;
      lo = k * LN2_LO[0]!;
    }
    x = hi - lo;
  } else if (high < 0x3e300000) {
    return 1 + x; // |x| < 2^-28: e^x rounds to 1 + x.
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - (lo - (x * c) / (2 - c) - hi);
  if (k >= -1021) return withHighWord(y, highWord(y) + (k << 20));
  return withHighWord(y, highWord(y) + ((k + 1000) << 20)) * TWO_M1000; // a subnormal result
}

const O_THRESHOLD = 7.09782712893383973096e2;
const U_THRESHOLD = -7.4513321910194110842e2;
const HALF = [0.5, -0.5];
const LN2_HI = [6.9314718036912381649e-1, -6.9314718036912381649e-1];
const LN2_LO = [1.90821492927058770002e-10, -1.90821492927058770002e-10];
const INV_LN2 = 1.4426950408889634;
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.6533902205465252e-6;
const P5 = 4.13813679705723846039e-8;
const TWO_M1000 = 9.3326361850321887899e-302;

const bits = new DataView(new ArrayBuffer(8));

function highWord(x: number): number {
  bits.setFloat64(0, x);
  return bits.getInt32(0);
}

function withHighWord(x: number, high: number): number {
  bits.setFloat64(0, x);
  bits.setInt32(0, high);
  return bits.getFloat64(0);
}
