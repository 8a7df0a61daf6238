/** A deterministic source of pseudo-random numbers for generated test input. */
export interface SeededRandom {
  /** A number in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** One of the items, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** True with the given probability. */
  chance(probability: number): boolean;
}

/**
 * A seeded generator (mulberry32: 32-bit state, good enough for plausible test data, and the same
 * sequence on every platform for a given seed).
 *
 * @example
 * const random = seededRandom(42);
 * random.int(1, 6); // the same die roll on every run
 */
export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error("seededRandom.pick: no items to pick from");
      return item;
    },
    chance: (probability) => next() < probability,
  };
}
