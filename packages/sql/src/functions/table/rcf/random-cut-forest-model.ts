import { SeededRandom } from "../seeded-random.ts";
import { PointStore, type PointStoreSnapshot } from "./point-store.ts";
import { NONE, RandomCutTree, type RandomCutTreeSnapshot } from "./random-cut-tree.ts";
import { TimeDecaySampler, type TimeDecaySamplerSnapshot } from "./time-decay-sampler.ts";
import { TreeScoring } from "./tree-scoring.ts";

/** The settings of a {@link RandomCutForestModel}. */
export interface RandomCutForestSettings {
  /** Coordinates of a point (numeric columns × shingle size). */
  readonly dimensions: number;
  readonly numberOfTrees: number;
  /** Points in each tree's sample. */
  readonly sampleSize: number;
  /**
   * KDA's `timeDecay`: points further back than this many are dropped, and within them weight
   * decays like `e^(-age / timeDecay)`.
   */
  readonly timeDecay: number;
  /** Seeds every random choice, so the same points give the same forest and the same scores. */
  readonly seed: number;
}

/**
 * A robust random cut forest over a stream of points: `numberOfTrees` trees, each over its own
 * time-decayed sample of the stream, sharing one store of the sampled points. {@link score} and
 * {@link attribution} average the trees' answers; {@link update} offers a point to every tree.
 */
export class RandomCutForestModel {
  readonly settings: RandomCutForestSettings;
  readonly #random: SeededRandom;
  readonly #store: PointStore;
  readonly #trees: RandomCutTree[];
  readonly #samplers: TimeDecaySampler[];
  readonly #scoring: TreeScoring;
  readonly #lambda: number;
  /** Points offered so far; the next point's sequence number. */
  #updates = 0;
  /** The store index of the point being inserted (stored by the first tree that needs it). */
  #pending = -1;
  #pendingPoint: Float64Array;
  readonly #acquirePoint = (): number => {
    if (this.#pending < 0) this.#pending = this.#store.add(this.#pendingPoint);
    return this.#pending;
  };

  constructor(settings: RandomCutForestSettings, restored?: RandomCutForestSnapshot) {
    this.settings = settings;
    this.#lambda = 1 / settings.timeDecay;
    this.#random = new SeededRandom(settings.seed);
    this.#scoring = new TreeScoring(settings.dimensions, settings.sampleSize);
    this.#pendingPoint = new Float64Array(settings.dimensions);
    if (restored) {
      this.#random.setState(restored.random);
      this.#updates = restored.updates;
      this.#store = PointStore.restore(settings.dimensions, restored.store);
      this.#trees = restored.trees.map((t) => RandomCutTree.restore(this.#store, settings.sampleSize, t));
      this.#samplers = restored.samplers.map((s) => TimeDecaySampler.restore(settings.sampleSize, s));
    } else {
      this.#store = new PointStore(settings.dimensions, Math.min(4096, settings.sampleSize * 4));
      this.#trees = Array.from(
        { length: settings.numberOfTrees },
        () => new RandomCutTree(this.#store, settings.sampleSize),
      );
      this.#samplers = Array.from(
        { length: settings.numberOfTrees },
        () => new TimeDecaySampler(settings.sampleSize),
      );
    }
  }

  /** Points offered so far. */
  get updates(): number {
    return this.#updates;
  }

  /** The point's anomaly score: the trees' scores averaged (0 while the forest is empty). */
  score(point: Float64Array): number {
    let sum = 0;
    for (const tree of this.#trees) sum += this.#scoring.score(tree, point);
    return sum / this.#trees.length;
  }

  /**
   * The point's score split by dimension and side, averaged over the trees, into `high` and `low`
   * (overwritten); `Σ high + Σ low` equals {@link score}.
   */
  attribution(point: Float64Array, high: Float64Array, low: Float64Array): void {
    high.fill(0);
    low.fill(0);
    for (const tree of this.#trees) this.#scoring.addAttribution(tree, point, high, low);
    const n = this.#trees.length;
    for (let d = 0; d < high.length; d++) {
      high[d] = high[d]! / n;
      low[d] = low[d]! / n;
    }
  }

  /** Offers `point` (copied as needed) to every tree's sample. */
  update(point: Float64Array): void {
    const sequence = this.#updates++;
    const oldestKept = sequence - this.settings.timeDecay + 1;
    this.#pending = -1;
    this.#pendingPoint = point;
    for (let t = 0; t < this.#trees.length; t++) {
      const tree = this.#trees[t]!;
      const sampler = this.#samplers[t]!;
      for (
        let leaf = sampler.expireOlderThan(oldestKept);
        leaf !== NONE;
        leaf = sampler.expireOlderThan(oldestKept)
      ) {
        tree.delete(leaf);
      }
      const weight = -this.#lambda * sequence + Math.log(-Math.log(this.#random.nextOpen()));
      if (!sampler.accepts(weight)) continue;
      if (sampler.size === sampler.capacity) tree.delete(sampler.evictHeaviest());
      const leaf = tree.insert(point, this.#random, this.#acquirePoint);
      sampler.add(weight, sequence, leaf);
    }
  }

  /** The forest as plain data (typed arrays and numbers; structured-clone and msgpack safe). */
  snapshot(): RandomCutForestSnapshot {
    return {
      random: this.#random.state(),
      updates: this.#updates,
      store: this.#store.snapshot(),
      trees: this.#trees.map((t) => t.snapshot()),
      samplers: this.#samplers.map((s) => s.snapshot()),
    };
  }
}

/** What {@link RandomCutForestModel.snapshot} returns. */
export interface RandomCutForestSnapshot {
  readonly random: readonly number[];
  readonly updates: number;
  readonly store: PointStoreSnapshot;
  readonly trees: readonly RandomCutTreeSnapshot[];
  readonly samplers: readonly TimeDecaySamplerSnapshot[];
}
