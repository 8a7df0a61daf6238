import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NONE } from "./random-cut-tree.ts";
import { TimeDecaySampler } from "./time-decay-sampler.ts";

/** The sample as a plain model: what a sampler must hold after the same offers. */
function modelRun(weights: readonly number[], capacity: number, window: number): Map<number, number> {
  const kept = new Map<number, number>(); // sequence → weight
  weights.forEach((weight, sequence) => {
    for (const [s] of kept) if (s <= sequence - window) kept.delete(s);
    const heaviest = [...kept].reduce<[number, number] | undefined>(
      (a, b) => (a && a[1] >= b[1] ? a : b),
      undefined,
    );
    if (kept.size < capacity) kept.set(sequence, weight);
    else if (heaviest && weight < heaviest[1]) {
      kept.delete(heaviest[0]);
      kept.set(sequence, weight);
    }
  });
  return kept;
}

describe("TimeDecaySampler", () => {
  it("keeps the lightest points of the window, like a plain model, and survives a snapshot", () => {
    fc.assert(
      fc.property(
        // Distinct weights: with ties, which point is "heaviest" is a free choice.
        fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 40 }),
        fc.nat(),
        (weights, capacity, window, cut) => {
          let sampler = new TimeDecaySampler(capacity);
          const leafOf = new Map<number, number>(); // leaf id → sequence (leaf ids are sequences here)
          weights.forEach((weight, sequence) => {
            if (sequence === cut % (weights.length + 1)) {
              sampler = TimeDecaySampler.restore(capacity, structuredClone(sampler.snapshot()));
            }
            for (let leaf = sampler.expireOlderThan(sequence - window + 1); leaf !== NONE; ) {
              leafOf.delete(leaf);
              leaf = sampler.expireOlderThan(sequence - window + 1);
            }
            if (!sampler.accepts(weight)) return;
            if (sampler.size === capacity) leafOf.delete(sampler.evictHeaviest());
            sampler.add(weight, sequence, sequence);
            leafOf.set(sequence, sequence);
          });
          expect([...leafOf.keys()].sort((a, b) => a - b)).toEqual(
            [...modelRun(weights, capacity, window).keys()].sort((a, b) => a - b),
          );
          expect(sampler.size).toBe(leafOf.size);
        },
      ),
      { numRuns: 300 },
    );
  });
});
