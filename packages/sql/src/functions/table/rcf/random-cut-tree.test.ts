import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SeededRandom } from "../seeded-random.ts";
import { PointStore } from "./point-store.ts";
import { NONE, RandomCutTree } from "./random-cut-tree.ts";

/** Every internal node's box is the union of the points below it, masses add up, parents agree. */
function checkInvariants(tree: RandomCutTree, expected: Map<string, number>): void {
  const dimensions = tree.dimensions;
  const values = tree.store.values;
  const seen = new Map<string, number>();
  const min = new Float64Array(dimensions);
  const max = new Float64Array(dimensions);
  // Returns [mass, min, max] of the subtree at ref.
  const walk = (ref: number, above: number): { mass: number; low: number[]; high: number[] } => {
    if (ref < 0) {
      const leaf = ~ref;
      expect(tree.leafParent[leaf]).toBe(above);
      const point = Array.from(values.subarray(tree.leafOffset(leaf), tree.leafOffset(leaf) + dimensions));
      const key = point.join(",");
      expect(seen.has(key)).toBe(false);
      seen.set(key, tree.leafMass[leaf]!);
      return { mass: tree.leafMass[leaf]!, low: point, high: point };
    }
    expect(tree.parent[ref]).toBe(above);
    const l = walk(tree.left[ref]!, ref);
    const r = walk(tree.right[ref]!, ref);
    const low = l.low.map((v, d) => Math.min(v, r.low[d]!));
    const high = l.high.map((v, d) => Math.max(v, r.high[d]!));
    tree.boxOf(ref, min, max);
    expect(Array.from(min)).toEqual(low);
    expect(Array.from(max)).toEqual(high);
    // The cut separates the two sides.
    const d = tree.cutDimension[ref]!;
    expect(l.high[d]!).toBeLessThanOrEqual(tree.cutValue[ref]!);
    expect(r.low[d]!).toBeGreaterThan(tree.cutValue[ref]!);
    expect(tree.mass[ref]).toBe(l.mass + r.mass);
    return { mass: l.mass + r.mass, low, high };
  };
  if (tree.root !== NONE) walk(tree.root, NONE);
  expect(seen).toEqual(expected);
}

const point2 = fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: -5, max: 5 }));
const operations = fc.array(
  fc.oneof(
    point2.map((p) => ({ insert: p })),
    fc.nat().map((i) => ({ remove: i })),
  ),
  {
    maxLength: 120,
  },
);

describe("RandomCutTree", () => {
  it("keeps boxes, cuts, masses and parents consistent through random inserts and deletes", () => {
    fc.assert(
      fc.property(operations, fc.integer(), (ops, seed) => {
        const store = new PointStore(2, 4);
        const tree = new RandomCutTree(store, 64);
        const random = new SeededRandom(seed);
        const held: { leaf: number; key: string }[] = [];
        const expected = new Map<string, number>();
        for (const op of ops) {
          if ("insert" in op) {
            if (held.length === 64) continue;
            const point = Float64Array.from(op.insert);
            let stored = -1;
            const leaf = tree.insert(point, random, () => {
              if (stored < 0) stored = store.add(point);
              return stored;
            });
            const key = op.insert.join(",");
            held.push({ leaf, key });
            expected.set(key, (expected.get(key) ?? 0) + 1);
          } else if (held.length > 0) {
            const [removed] = held.splice(op.remove % held.length, 1);
            tree.delete(removed!.leaf);
            const left = expected.get(removed!.key)! - 1;
            if (left === 0) expected.delete(removed!.key);
            else expected.set(removed!.key, left);
          }
          checkInvariants(tree, expected);
          expect(tree.totalMass).toBe(held.length);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("comes back from a snapshot with the same structure and recomputed boxes", () => {
    const store = new PointStore(3);
    const tree = new RandomCutTree(store, 50);
    const random = new SeededRandom(3);
    const leaves: number[] = [];
    const expected = new Map<string, number>();
    for (let i = 0; i < 50; i++) {
      const point = Float64Array.from([Math.sin(i), Math.cos(i * 0.7), i % 5]);
      if (i >= 20) expected.set(Array.from(point).join(","), 1);
      let stored = -1;
      leaves.push(
        tree.insert(point, random, () => {
          if (stored < 0) stored = store.add(point);
          return stored;
        }),
      );
    }
    for (const leaf of leaves.slice(0, 20)) tree.delete(leaf);
    const restoredStore = PointStore.restore(3, store.snapshot());
    const restored = RandomCutTree.restore(restoredStore, 50, structuredClone(tree.snapshot()));
    expect(restored.snapshot()).toEqual(tree.snapshot());
    checkInvariants(restored, expected);
  });
});
