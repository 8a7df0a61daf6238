/**
 * Deterministic randomness for the generators: the same seed gives the same records on every
 * machine and every replay, which is what lets a test compute the expected output.
 */

/** mulberry32: a small, fast seeded PRNG; each call returns the next number in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** lowbias32 (Chris Wellons): a 32-bit integer hash whose every output bit depends on every input bit. */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A number in [0, 1) that depends only on its arguments: random access into a random sequence, so
 * record `index` can be generated without generating the ones before it.
 */
export function noise(seed: number, index: number, salt: number): number {
  const high = Math.floor(index / 4_294_967_296);
  const h = mix32(mix32(mix32(index ^ mix32(high)) ^ seed) + Math.imul(salt, 0x9e3779b9));
  return h / 4_294_967_296;
}

/** FNV-1a of a string: a seed derived from a name. */
export function hashOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
