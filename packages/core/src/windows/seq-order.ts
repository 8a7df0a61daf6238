/** Below this many rows a comparison sort is as fast as counting, and needs no tables. */
const RADIX_FROM = 1_024;
const DIGIT_BITS = 16;
const DIGITS = 1 << DIGIT_BITS;

/**
 * The order of `seqs[0, n)` ascending, as row indices, or `undefined` when they already are.
 * Sequence numbers are integers; when they span less than 2³² (always, short of billions of windows
 * between a bucket's first and last) a least-significant-digit radix sort orders a million in a
 * few milliseconds, where a comparison sort through a callback takes hundreds.
 */
export function seqOrder(seqs: Float64Array, n: number): Int32Array | undefined {
  let sorted = true;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const s = seqs[i]!;
    if (i > 0 && s < seqs[i - 1]!) sorted = false;
    if (s < min) min = s;
    if (s > max) max = s;
  }
  if (sorted) return undefined;
  let order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const span = max - min;
  if (n < RADIX_FROM || !(span < 2 ** 32)) return order.sort((a, b) => seqs[a]! - seqs[b]!);
  const keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) keys[i] = seqs[i]! - min;
  let spare = new Int32Array(n);
  const counts = new Int32Array(DIGITS);
  for (let shift = 0; shift < 32 && span >= 2 ** shift; shift += DIGIT_BITS) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(keys[order[i]!]! >>> shift) & (DIGITS - 1)]!++;
    let total = 0;
    for (let d = 0; d < DIGITS; d++) {
      const c = counts[d]!;
      counts[d] = total;
      total += c;
    }
    for (let i = 0; i < n; i++) {
      const row = order[i]!;
      spare[counts[(keys[row]! >>> shift) & (DIGITS - 1)]!++] = row;
    }
    [order, spare] = [spare, order];
  }
  return order;
}
