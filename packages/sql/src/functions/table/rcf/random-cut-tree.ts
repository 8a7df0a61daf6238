import type { SeededRandom } from "../seeded-random.ts";
import type { PointStore } from "./point-store.ts";

/** "No node": the parent of the root, the root of an empty tree. */
export const NONE = 0x7fffffff;

/**
 * One robust random cut tree (Guha, Mishra, Roy, Schrijvers, ICML 2016) over at most `capacity`
 * points, kept in flat typed arrays so that an insertion or a deletion walks one root-to-leaf path
 * (O(height · dimensions)) and allocates nothing.
 *
 * A node reference is an internal node's index (≥ 0) or `~leaf` (< 0) for leaf `leaf`. Internal
 * node `n` cuts dimension `cutDimension[n]` at `cutValue[n]`: a point with `x[d] <= value` lies to
 * the left. Every internal node caches its bounding box (`boxMin`/`boxMax`, `dimensions` doubles per
 * node), which insertion needs at each node of its path; a leaf's box is its point. A leaf holds one
 * stored point and a mass (how many sampled copies of that exact point it stands for).
 */
export class RandomCutTree {
  readonly dimensions: number;
  readonly capacity: number;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly parent: Int32Array;
  readonly cutDimension: Int32Array;
  readonly cutValue: Float64Array;
  readonly mass: Int32Array;
  readonly boxMin: Float64Array;
  readonly boxMax: Float64Array;
  readonly leafPoint: Int32Array;
  readonly leafMass: Int32Array;
  readonly leafParent: Int32Array;
  readonly #freeNodes: Int32Array;
  readonly #freeLeaves: Int32Array;
  #freeNodeCount: number;
  #freeLeafCount: number;
  #root = NONE;
  readonly #store: PointStore;

  constructor(store: PointStore, capacity: number) {
    const dimensions = store.dimensions;
    this.#store = store;
    this.dimensions = dimensions;
    this.capacity = capacity;
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.parent = new Int32Array(capacity);
    this.cutDimension = new Int32Array(capacity);
    this.cutValue = new Float64Array(capacity);
    this.mass = new Int32Array(capacity);
    this.boxMin = new Float64Array(capacity * dimensions);
    this.boxMax = new Float64Array(capacity * dimensions);
    this.leafPoint = new Int32Array(capacity);
    this.leafMass = new Int32Array(capacity);
    this.leafParent = new Int32Array(capacity);
    // Free lists hand out low indices first.
    this.#freeNodes = Int32Array.from({ length: capacity }, (_, i) => capacity - 1 - i);
    this.#freeLeaves = Int32Array.from({ length: capacity }, (_, i) => capacity - 1 - i);
    this.#freeNodeCount = capacity;
    this.#freeLeafCount = capacity;
  }

  /** The root's reference, or {@link NONE} for an empty tree. */
  get root(): number {
    return this.#root;
  }

  /** The points the tree stands for, duplicates counted. */
  get totalMass(): number {
    const root = this.#root;
    if (root === NONE) return 0;
    return root < 0 ? this.leafMass[~root]! : this.mass[root]!;
  }

  /**
   * Adds `point` and returns the leaf that holds it: a new leaf, or the leaf of an equal point whose
   * mass grows. Walking down from the root, at each node a cut is drawn in the box of the node's
   * points and `point` (a dimension with probability proportional to its side, a value uniform on
   * it); a cut that separates `point` from the node's box puts the new leaf there, else the walk
   * follows the node's own cut (the paper's insertion, which leaves the tree distributed as if it
   * had been built on the sample with `point`). `acquirePoint` stores the point when a leaf needs it.
   */
  insert(point: Float64Array, random: SeededRandom, acquirePoint: () => number): number {
    const dimensions = this.dimensions;
    let node = this.#root;
    if (node === NONE) {
      const leaf = this.#newLeaf(acquirePoint(), NONE);
      this.#root = ~leaf;
      return leaf;
    }
    let above = NONE;
    for (;;) {
      if (node < 0) {
        const leaf = ~node;
        const stored = this.leafPoint[leaf]!;
        if (this.#store.equals(stored, point)) {
          this.leafMass[leaf]!++;
          return leaf;
        }
        return this.#splitLeaf(leaf, above, point, random, acquirePoint);
      }
      const offset = node * dimensions;
      const boxMin = this.boxMin;
      const boxMax = this.boxMax;
      let sum = 0;
      for (let d = 0; d < dimensions; d++) {
        const x = point[d]!;
        sum += Math.max(x, boxMax[offset + d]!) - Math.min(x, boxMin[offset + d]!);
      }
      let r = random.next() * sum;
      let cutDimension = dimensions - 1;
      let cutValue = 0;
      for (let d = 0; d < dimensions; d++) {
        const x = point[d]!;
        const low = Math.min(x, boxMin[offset + d]!);
        const range = Math.max(x, boxMax[offset + d]!) - low;
        if (r < range || d === dimensions - 1) {
          cutDimension = d;
          cutValue = low + Math.min(r, range);
          break;
        }
        r -= range;
      }
      const goesLeft = point[cutDimension]! <= cutValue;
      const separates = goesLeft
        ? boxMin[offset + cutDimension]! > cutValue
        : boxMax[offset + cutDimension]! <= cutValue;
      if (separates) {
        return this.#addParent(node, above, cutDimension, cutValue, goesLeft, acquirePoint);
      }
      for (let d = 0; d < dimensions; d++) {
        const x = point[d]!;
        if (x < boxMin[offset + d]!) boxMin[offset + d] = x;
        if (x > boxMax[offset + d]!) boxMax[offset + d] = x;
      }
      this.mass[node]!++;
      above = node;
      node = point[this.cutDimension[node]!]! <= this.cutValue[node]! ? this.left[node]! : this.right[node]!;
    }
  }

  /**
   * Removes one copy of leaf `leaf`'s point: its mass shrinks, or (at mass 1) the leaf goes and its
   * sibling takes its parent's place; boxes above are recomputed while they change.
   */
  delete(leaf: number): void {
    if (this.leafMass[leaf]! > 1) {
      this.leafMass[leaf]!--;
      for (let n = this.leafParent[leaf]!; n !== NONE; n = this.parent[n]!) this.mass[n]!--;
      return;
    }
    const above = this.leafParent[leaf]!;
    this.#store.release(this.leafPoint[leaf]!);
    this.#freeLeaves[this.#freeLeafCount++] = leaf;
    if (above === NONE) {
      this.#root = NONE;
      return;
    }
    const sibling = this.left[above] === ~leaf ? this.right[above]! : this.left[above]!;
    const grand = this.parent[above]!;
    this.#replaceChild(grand, above, sibling);
    this.#freeNodes[this.#freeNodeCount++] = above;
    let boxMayChange = true;
    for (let n = grand; n !== NONE; n = this.parent[n]!) {
      this.mass[n]!--;
      if (boxMayChange) boxMayChange = this.#recomputeBox(n);
    }
  }

  /** Copies the box of node reference `ref` (an internal node's cached box, a leaf's point). */
  boxOf(ref: number, min: Float64Array, max: Float64Array): void {
    const dimensions = this.dimensions;
    if (ref < 0) {
      const offset = this.leafPoint[~ref]! * dimensions;
      const values = this.#store.values;
      for (let d = 0; d < dimensions; d++) {
        min[d] = values[offset + d]!;
        max[d] = values[offset + d]!;
      }
      return;
    }
    const offset = ref * dimensions;
    for (let d = 0; d < dimensions; d++) {
      min[d] = this.boxMin[offset + d]!;
      max[d] = this.boxMax[offset + d]!;
    }
  }

  /** The store's values array and the offset of leaf `leaf`'s point in it. */
  leafOffset(leaf: number): number {
    return this.leafPoint[leaf]! * this.dimensions;
  }

  /** The point store the leaves refer to. */
  get store(): PointStore {
    return this.#store;
  }

  #splitLeaf(
    leaf: number,
    above: number,
    point: Float64Array,
    random: SeededRandom,
    acquirePoint: () => number,
  ): number {
    const dimensions = this.dimensions;
    const values = this.#store.values;
    const offset = this.leafPoint[leaf]! * dimensions;
    let sum = 0;
    for (let d = 0; d < dimensions; d++) sum += Math.abs(point[d]! - values[offset + d]!);
    // The box of two distinct points: every cut in it separates them, except one that rounding puts
    // on the far end of its side; such a draw is redrawn.
    for (;;) {
      let r = random.next() * sum;
      for (let d = 0; d < dimensions; d++) {
        const x = point[d]!;
        const y = values[offset + d]!;
        const range = Math.abs(x - y);
        if (range === 0) continue;
        if (r < range) {
          const cutValue = Math.min(x, y) + r;
          const goesLeft = x <= cutValue;
          if (goesLeft !== y <= cutValue) {
            return this.#addParent(~leaf, above, d, cutValue, goesLeft, acquirePoint);
          }
          break;
        }
        r -= range;
      }
    }
  }

  /** Puts a new internal node above `ref`, with a new leaf for the point on the side `goesLeft` says. */
  #addParent(
    ref: number,
    above: number,
    cutDimension: number,
    cutValue: number,
    goesLeft: boolean,
    acquirePoint: () => number,
  ): number {
    const node = this.#freeNodes[--this.#freeNodeCount]!;
    const leaf = this.#newLeaf(acquirePoint(), node);
    this.cutDimension[node] = cutDimension;
    this.cutValue[node] = cutValue;
    this.left[node] = goesLeft ? ~leaf : ref;
    this.right[node] = goesLeft ? ref : ~leaf;
    this.#replaceChild(above, ref, node);
    this.#setParent(ref, node);
    this.mass[node] = (ref < 0 ? this.leafMass[~ref]! : this.mass[ref]!) + 1;
    this.#recomputeBox(node);
    return leaf;
  }

  #newLeaf(pointIndex: number, above: number): number {
    const leaf = this.#freeLeaves[--this.#freeLeafCount]!;
    this.#store.retain(pointIndex);
    this.leafPoint[leaf] = pointIndex;
    this.leafMass[leaf] = 1;
    this.leafParent[leaf] = above;
    return leaf;
  }

  /** Makes `replacement` the child of `above` where `old` was (or the root); sets its parent. */
  #replaceChild(above: number, old: number, replacement: number): void {
    if (above === NONE) this.#root = replacement;
    else if (this.left[above] === old) this.left[above] = replacement;
    else this.right[above] = replacement;
    this.#setParent(replacement, above);
  }

  #setParent(ref: number, above: number): void {
    if (ref < 0) this.leafParent[~ref] = above;
    else this.parent[ref] = above;
  }

  /** Sets node `n`'s box to the union of its children's; whether it changed. */
  #recomputeBox(n: number): boolean {
    const dimensions = this.dimensions;
    const offset = n * dimensions;
    const values = this.#store.values;
    const boxMin = this.boxMin;
    const boxMax = this.boxMax;
    let changed = false;
    const l = this.left[n]!;
    const r = this.right[n]!;
    for (let d = 0; d < dimensions; d++) {
      let low: number;
      let high: number;
      if (l < 0) {
        low = values[this.leafPoint[~l]! * dimensions + d]!;
        high = low;
      } else {
        low = boxMin[l * dimensions + d]!;
        high = boxMax[l * dimensions + d]!;
      }
      if (r < 0) {
        const x = values[this.leafPoint[~r]! * dimensions + d]!;
        if (x < low) low = x;
        if (x > high) high = x;
      } else {
        if (boxMin[r * dimensions + d]! < low) low = boxMin[r * dimensions + d]!;
        if (boxMax[r * dimensions + d]! > high) high = boxMax[r * dimensions + d]!;
      }
      if (boxMin[offset + d] !== low || boxMax[offset + d] !== high) {
        changed = true;
        boxMin[offset + d] = low;
        boxMax[offset + d] = high;
      }
    }
    return changed;
  }

  /** The tree as plain data; bounding boxes are left out (restore recomputes them exactly). */
  snapshot(): RandomCutTreeSnapshot {
    return {
      root: this.#root,
      left: this.left.slice(),
      right: this.right.slice(),
      parent: this.parent.slice(),
      cutDimension: this.cutDimension.slice(),
      cutValue: this.cutValue.slice(),
      mass: this.mass.slice(),
      leafPoint: this.leafPoint.slice(),
      leafMass: this.leafMass.slice(),
      leafParent: this.leafParent.slice(),
      freeNodes: this.#freeNodes.slice(0, this.#freeNodeCount),
      freeLeaves: this.#freeLeaves.slice(0, this.#freeLeafCount),
    };
  }

  /** Rebuilds the tree a snapshot describes, over `store` (restored first). */
  static restore(store: PointStore, capacity: number, state: RandomCutTreeSnapshot): RandomCutTree {
    const tree = new RandomCutTree(store, capacity);
    tree.left.set(state.left);
    tree.right.set(state.right);
    tree.parent.set(state.parent);
    tree.cutDimension.set(state.cutDimension);
    tree.cutValue.set(state.cutValue);
    tree.mass.set(state.mass);
    tree.leafPoint.set(state.leafPoint);
    tree.leafMass.set(state.leafMass);
    tree.leafParent.set(state.leafParent);
    tree.#freeNodes.set(state.freeNodes);
    tree.#freeNodeCount = state.freeNodes.length;
    tree.#freeLeaves.set(state.freeLeaves);
    tree.#freeLeafCount = state.freeLeaves.length;
    tree.#root = state.root;
    tree.#recomputeAllBoxes();
    return tree;
  }

  /** Every internal node's box, children before parents (an explicit post-order: no recursion). */
  #recomputeAllBoxes(): void {
    if (this.#root === NONE || this.#root < 0) return;
    // Each level of the path holds itself (twice: before and after its children) and a sibling.
    const stack = new Int32Array(this.capacity * 4 + 4);
    let top = 0;
    stack[top++] = this.#root;
    stack[top++] = 0;
    while (top > 0) {
      const visited = stack[--top]!;
      const n = stack[--top]!;
      if (visited) {
        this.#recomputeBox(n);
        continue;
      }
      stack[top++] = n;
      stack[top++] = 1;
      const l = this.left[n]!;
      const r = this.right[n]!;
      if (r >= 0) {
        stack[top++] = r;
        stack[top++] = 0;
      }
      if (l >= 0) {
        stack[top++] = l;
        stack[top++] = 0;
      }
    }
  }
}

/** What {@link RandomCutTree.snapshot} returns: the node arrays, the root and the free lists. */
export type RandomCutTreeSnapshot = Pick<
  RandomCutTree,
  "left" | "right" | "parent" | "cutDimension" | "cutValue" | "mass" | "leafPoint" | "leafMass" | "leafParent"
> & { readonly root: number; readonly freeNodes: Int32Array; readonly freeLeaves: Int32Array };
