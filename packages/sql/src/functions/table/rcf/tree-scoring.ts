import { NONE, type RandomCutTree } from "./random-cut-tree.ts";

/** {@link NONE}, as a local constant for the hot paths. */
const EMPTY: number = NONE;

/**
 * The anomaly score of a point in one tree, and its attribution to each dimension, as the random
 * cut forest library that AWS's KDA functions come from defines them (aws/random-cut-forest-by-aws,
 * `AnomalyScoreVisitor` and `AnomalyAttributionVisitor`, learned from, not copied).
 *
 * The point follows the cuts to a leaf at depth `L`. Had the point been in the tree it would sit
 * about where a random cut of each box on that path first separates it: walking back up, at the node
 * of depth `k` the chance that a cut of the node's box grown to hold the point separates the point is
 * `p = (growth of the box's side lengths) / (side lengths of the grown box)`, and the score becomes
 * `p / (k + 1) + (1 - p) · score`, starting from `1 / (L + 1)` at the leaf (a point equal to the leaf
 * starts from `(1 - m / 2M) / (L + log2(m + 1))` for a leaf of mass `m` in a tree of mass `M`, and no
 * box above can separate it). The result is scaled by `log2(M + 1)`, so a typical point scores about
 * 1 whatever the sample size and an isolated one more. This is the expected displacement of the
 * paper's collusive-displacement score, in the form the library computes in O(height · dimensions).
 *
 * The attribution splits each node's `p` over the dimensions (and over "above the box", HIGH, and
 * "below", LOW) in proportion to how far the point sticks out on that side, so the parts always sum
 * to the score.
 */
export class TreeScoring {
  readonly #dimensions: number;
  readonly #path: Int32Array;
  readonly #shadowMin: Float64Array;
  readonly #shadowMax: Float64Array;
  readonly #siblingMin: Float64Array;
  readonly #siblingMax: Float64Array;
  readonly #high: Float64Array;
  readonly #low: Float64Array;
  /** Side lengths of the last grown box {@link #separation} measured. */
  #grownSum = 0;

  constructor(dimensions: number, capacity: number) {
    this.#dimensions = dimensions;
    this.#path = new Int32Array(capacity + 1);
    this.#shadowMin = new Float64Array(dimensions);
    this.#shadowMax = new Float64Array(dimensions);
    this.#siblingMin = new Float64Array(dimensions);
    this.#siblingMax = new Float64Array(dimensions);
    this.#high = new Float64Array(dimensions);
    this.#low = new Float64Array(dimensions);
  }

  /** The point's anomaly score in `tree` (0 for an empty tree). */
  score(tree: RandomCutTree, point: Float64Array): number {
    if (tree.root === EMPTY) return 0;
    const depth = this.#descend(tree, point);
    const leaf = ~this.#path[depth]!;
    const treeMass = tree.totalMass;
    const normalizer = Math.log2(treeMass + 1);
    if (tree.store.equals(tree.leafPoint[leaf]!, point)) {
      return seenScore(depth, tree.leafMass[leaf]!, treeMass) * normalizer;
    }
    const dimensions = this.#dimensions;
    const boxMin = tree.boxMin;
    const boxMax = tree.boxMax;
    let score = 1 / (depth + 1);
    for (let k = depth - 1; k >= 0; k--) {
      const p = this.#separation(point, boxMin, boxMax, this.#path[k]! * dimensions);
      // Inside this box means inside every box above it: nothing above can separate the point.
      if (p === 0) break;
      score = p / (k + 1) + (1 - p) * score;
    }
    return score * normalizer;
  }

  /**
   * Adds the point's attribution in `tree` to `high` and `low` (per dimension: the part of the
   * score due to the point lying above, resp. below, what the tree holds); the parts sum to
   * {@link score}.
   */
  addAttribution(tree: RandomCutTree, point: Float64Array, high: Float64Array, low: Float64Array): void {
    if (tree.root === EMPTY) return;
    const dimensions = this.#dimensions;
    const depth = this.#descend(tree, point);
    const leafRef = this.#path[depth]!;
    const leaf = ~leafRef;
    const treeMass = tree.totalMass;
    const h = this.#high;
    const l = this.#low;
    if (tree.store.equals(tree.leafPoint[leaf]!, point)) {
      this.#duplicateAttribution(
        tree,
        point,
        depth,
        leafRef,
        seenScore(depth, tree.leafMass[leaf]!, treeMass),
      );
    } else {
      const values = tree.store.values;
      const offset = tree.leafOffset(leaf);
      let distance = 0;
      for (let d = 0; d < dimensions; d++) distance += Math.abs(point[d]! - values[offset + d]!);
      const base = 1 / (depth + 1);
      for (let d = 0; d < dimensions; d++) {
        const gap = point[d]! - values[offset + d]!;
        h[d] = gap > 0 ? (base * gap) / distance : 0;
        l[d] = gap < 0 ? (-base * gap) / distance : 0;
      }
      const boxMin = tree.boxMin;
      const boxMax = tree.boxMax;
      for (let k = depth - 1; k >= 0; k--) {
        const node = this.#path[k]! * dimensions;
        if (!this.#spread(point, boxMin, boxMax, node, k)) break;
      }
    }
    const normalizer = Math.log2(treeMass + 1);
    for (let d = 0; d < dimensions; d++) {
      high[d] = high[d]! + h[d]! * normalizer;
      low[d] = low[d]! + l[d]! * normalizer;
    }
  }

  /**
   * A point equal to its leaf: its score comes from the leaf alone, and no box on the path can
   * separate it, so its direction is read from the tree as if the leaf were not there (the union of
   * the siblings' boxes along the path, as the library does), then scaled to the score.
   */
  #duplicateAttribution(
    tree: RandomCutTree,
    point: Float64Array,
    depth: number,
    leafRef: number,
    score: number,
  ): void {
    const dimensions = this.#dimensions;
    const h = this.#high;
    const l = this.#low;
    h.fill(score / (2 * dimensions));
    l.fill(score / (2 * dimensions));
    const shadowMin = this.#shadowMin;
    const shadowMax = this.#shadowMax;
    shadowMin.fill(Number.POSITIVE_INFINITY);
    shadowMax.fill(Number.NEGATIVE_INFINITY);
    let child = leafRef;
    for (let k = depth - 1; k >= 0; k--) {
      const node = this.#path[k]!;
      const sibling = tree.left[node] === child ? tree.right[node]! : tree.left[node]!;
      tree.boxOf(sibling, this.#siblingMin, this.#siblingMax);
      for (let d = 0; d < dimensions; d++) {
        if (this.#siblingMin[d]! < shadowMin[d]!) shadowMin[d] = this.#siblingMin[d]!;
        if (this.#siblingMax[d]! > shadowMax[d]!) shadowMax[d] = this.#siblingMax[d]!;
      }
      if (!this.#spread(point, shadowMin, shadowMax, 0, k)) break;
      child = node;
    }
    let sum = 0;
    for (let d = 0; d < dimensions; d++) sum += h[d]! + l[d]!;
    if (sum > 0) {
      const scale = score / sum;
      for (let d = 0; d < dimensions; d++) {
        h[d] = h[d]! * scale;
        l[d] = l[d]! * scale;
      }
    }
  }

  /**
   * The chance that a random cut of the box at `offset` in `boxMin`/`boxMax`, grown to hold the
   * point, separates the point: the growth of the box's side lengths over the grown box's (0 when
   * the point is inside). Leaves the grown box's side lengths in `#grownSum`.
   */
  #separation(point: Float64Array, boxMin: Float64Array, boxMax: Float64Array, offset: number): number {
    const dimensions = this.#dimensions;
    let grownSum = 0;
    let growth = 0;
    for (let d = 0; d < dimensions; d++) {
      const x = point[d]!;
      const low = boxMin[offset + d]!;
      const high = boxMax[offset + d]!;
      if (x < low) {
        growth += low - x;
        grownSum += high - x;
      } else if (x > high) {
        growth += x - high;
        grownSum += x - low;
      } else {
        grownSum += high - low;
      }
    }
    this.#grownSum = grownSum;
    return growth === 0 ? 0 : growth / grownSum;
  }

  /**
   * One step up the path at depth `k` for the box at `offset` in `boxMin`/`boxMax`: the separation
   * chance, split by dimension and side. False when the point is inside the box (the walk stops).
   */
  #spread(
    point: Float64Array,
    boxMin: Float64Array,
    boxMax: Float64Array,
    offset: number,
    k: number,
  ): boolean {
    const dimensions = this.#dimensions;
    const p = this.#separation(point, boxMin, boxMax, offset);
    if (p === 0) return false;
    const weight = 1 / (k + 1) / this.#grownSum;
    const h = this.#high;
    const l = this.#low;
    for (let d = 0; d < dimensions; d++) {
      const x = point[d]!;
      const above = x > boxMax[offset + d]! ? x - boxMax[offset + d]! : 0;
      const below = x < boxMin[offset + d]! ? boxMin[offset + d]! - x : 0;
      h[d] = above * weight + (1 - p) * h[d]!;
      l[d] = below * weight + (1 - p) * l[d]!;
    }
    return true;
  }

  /**
   * Follows the cuts from the root: `#path[0..depth)` are the internal nodes passed, `#path[depth]`
   * the leaf reached; returns depth.
   */
  #descend(tree: RandomCutTree, point: Float64Array): number {
    const path = this.#path;
    const cutDimension = tree.cutDimension;
    const cutValue = tree.cutValue;
    const left = tree.left;
    const right = tree.right;
    let node = tree.root;
    let depth = 0;
    while (node >= 0) {
      path[depth++] = node;
      node = point[cutDimension[node]!]! <= cutValue[node]! ? left[node]! : right[node]!;
    }
    path[depth] = node;
    return depth;
  }
}

/** The score at a leaf equal to the point: damped by the leaf's share of the tree. */
function seenScore(depth: number, leafMass: number, treeMass: number): number {
  return (1 - leafMass / (2 * treeMass)) / (depth + Math.log2(leafMass + 1));
}
