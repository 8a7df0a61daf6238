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

/**
 * A number in [0, 1) that depends only on its arguments: random access into a random sequence, so
 * record `index` can be generated without generating the ones before it.
 */
export function noise(seed: number, index: number, salt: number): number {
  let h = Math.imul(index ^ Math.imul(salt, 0x27d4eb2d) ^ Math.imul(seed, 0x165667b1), 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** FNV-1a of a string: a seed derived from a name. */
export function hashOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
