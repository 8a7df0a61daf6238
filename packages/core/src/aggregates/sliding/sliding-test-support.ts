import fc from "fast-check";

/**
 * Test support for the sliding structures: operation sequences on a FIFO, and an exact sum to
 * compare running sums with.
 */

/** Push a value, or evict the oldest (ignored by the runners when the FIFO is empty). */
export type FifoOp = { readonly push: number } | { readonly evict: true };

/**
 * NaN-free numbers of mixed magnitude and sign: small integers (frequent duplicates and exact
 * sums), decimals from 1e-6 to 1e9, any double from fast-check (subnormals, ±0, huge values) and
 * a pool of repeated values.
 */
export const mixedNumbers: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -20, max: 20 }),
  fc
    .tuple(fc.double({ min: -10, max: 10, noNaN: true }), fc.integer({ min: -6, max: 9 }))
    .map(([mantissa, exponent]) => mantissa * 10 ** exponent),
  fc.double({ min: -1e300, max: 1e300, noNaN: true }),
  fc.constantFrom(0.1, -0.1, 1e9 + 0.5, -0, 0, 1.0842, 1.0843),
);

/** Sequences of pushes and evictions, biased to pushes so the FIFO holds something. */
export function fifoOps(values: fc.Arbitrary<number>): fc.Arbitrary<FifoOp[]> {
  return fc.array(
    fc.oneof(
      { weight: 3, arbitrary: values.map((push): FifoOp => ({ push })) },
      { weight: 2, arbitrary: fc.constant<FifoOp>({ evict: true }) },
    ),
    { maxLength: 120 },
  );
}

/**
 * The correctly rounded sum of finite `values` up to the last step (Shewchuk's partials, as
 * Python's `math.fsum`): the reference a running sum is measured against.
 */
export function exactSum(values: readonly number[]): number {
  const partials: number[] = [];
  for (let x of values) {
    let kept = 0;
    for (let y of partials) {
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const high = x + y;
      const low = y - (high - x);
      if (low !== 0) partials[kept++] = low;
      x = high;
    }
    partials.length = kept;
    partials.push(x);
  }
  let total = 0;
  for (let i = partials.length - 1; i >= 0; i--) total += partials[i]!;
  return total;
}

/**
 * What a compensated running sum may add to {@link foldErrorBound}: the rounding of its
 * compensation term, `ε²` per update relative to the magnitude of everything that passed through
 * it (values since evicted included). `updates` counts pushes and evictions, `passed` holds every
 * value pushed.
 */
export function compensationErrorBound(updates: number, passed: readonly number[]): number {
  let magnitude = 0;
  for (const x of passed) magnitude += Math.abs(x);
  return 4 * updates * (Number.EPSILON / 2) ** 2 * magnitude + 2 * updates * Number.MIN_VALUE;
}

/**
 * The error bound of a plain left-to-right fold of `values`: `(n - 1) · ε · Σ|x|`, with ε the
 * unit roundoff (half of `Number.EPSILON`), plus the smallest subnormal for rounding near zero.
 */
export function foldErrorBound(values: readonly number[]): number {
  let magnitude = 0;
  for (const x of values) magnitude += Math.abs(x);
  return Math.max(values.length - 1, 1) * (Number.EPSILON / 2) * magnitude + Number.MIN_VALUE;
}
