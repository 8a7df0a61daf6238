import { NONE } from "./random-cut-tree.ts";

/**
 * The sample of one tree: at most `capacity` points of the stream, chosen by weighted reservoir
 * sampling with exponential time decay, and none older than `window` points.
 *
 * Point number `seq` draws `u` uniform in (0, 1) and gets the weight `-λ · seq + log(-log u)`;
 * the sample keeps the `capacity` smallest weights (a max-heap finds the one to evict). With `λ = 0`
 * this is uniform reservoir sampling; with `λ > 0` a point's chance of still being in the sample
 * decays like `e^(-λ · age)`, so recent points weigh more: "records are removed randomly, with older
 * records having a higher probability of removal than newer records" (AWS). KDA's `timeDecay` also
 * bounds the working set ("uses only the most recent 100,000 records ... and ignores older
 * records"), so points whose age reaches `window` leave the sample too: a list of the sampled points
 * in arrival order finds them in O(1).
 */
export class TimeDecaySampler {
  readonly capacity: number;
  readonly #weight: Float64Array;
  readonly #sequence: Float64Array;
  readonly #leaf: Int32Array;
  /** Max-heap of slots by weight; `#heapIndex[slot]` is the slot's position in it. */
  readonly #heap: Int32Array;
  readonly #heapIndex: Int32Array;
  /** Doubly linked list of slots, oldest first. */
  readonly #older: Int32Array;
  readonly #newer: Int32Array;
  #oldest = NONE;
  #newest = NONE;
  readonly #freeSlots: Int32Array;
  #size = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#weight = new Float64Array(capacity);
    this.#sequence = new Float64Array(capacity);
    this.#leaf = new Int32Array(capacity);
    this.#heap = new Int32Array(capacity);
    this.#heapIndex = new Int32Array(capacity);
    this.#older = new Int32Array(capacity);
    this.#newer = new Int32Array(capacity);
    this.#freeSlots = Int32Array.from({ length: capacity }, (_, i) => capacity - 1 - i);
  }

  /** How many points the sample holds. */
  get size(): number {
    return this.#size;
  }

  /** Whether a point of weight `weight` enters the sample (always, while it is not full). */
  accepts(weight: number): boolean {
    return this.#size < this.capacity || weight < this.#weight[this.#heap[0]!]!;
  }

  /** Removes the point of largest weight; returns the leaf that held it. */
  evictHeaviest(): number {
    return this.#remove(this.#heap[0]!);
  }

  /**
   * Removes the oldest point if its sequence number is below `minSequence`; returns its leaf, or
   * {@link NONE} when the oldest point is recent enough (or the sample is empty).
   */
  expireOlderThan(minSequence: number): number {
    const slot = this.#oldest;
    if (slot === NONE || this.#sequence[slot]! >= minSequence) return NONE;
    return this.#remove(slot);
  }

  /** Adds a point (the sample must have room: {@link evictHeaviest} first when it is full). */
  add(weight: number, sequence: number, leaf: number): void {
    const slot = this.#freeSlots[this.capacity - 1 - this.#size]!;
    this.#weight[slot] = weight;
    this.#sequence[slot] = sequence;
    this.#leaf[slot] = leaf;
    const position = this.#size++;
    this.#heap[position] = slot;
    this.#heapIndex[slot] = position;
    this.#siftUp(position);
    this.#older[slot] = this.#newest;
    this.#newer[slot] = NONE;
    if (this.#newest === NONE) this.#oldest = slot;
    else this.#newer[this.#newest] = slot;
    this.#newest = slot;
  }

  #remove(slot: number): number {
    const position = this.#heapIndex[slot]!;
    const last = --this.#size;
    this.#freeSlots[this.capacity - 1 - last] = slot;
    if (position !== last) {
      const moved = this.#heap[last]!;
      this.#heap[position] = moved;
      this.#heapIndex[moved] = position;
      this.#siftDown(position);
      this.#siftUp(this.#heapIndex[moved]!);
    }
    const older = this.#older[slot]!;
    const newer = this.#newer[slot]!;
    if (older === NONE) this.#oldest = newer;
    else this.#newer[older] = newer;
    if (newer === NONE) this.#newest = older;
    else this.#older[newer] = older;
    return this.#leaf[slot]!;
  }

  #siftUp(position: number): void {
    const heap = this.#heap;
    const weight = this.#weight;
    const slot = heap[position]!;
    while (position > 0) {
      const parent = (position - 1) >> 1;
      if (weight[heap[parent]!]! >= weight[slot]!) break;
      heap[position] = heap[parent]!;
      this.#heapIndex[heap[position]!] = position;
      position = parent;
    }
    heap[position] = slot;
    this.#heapIndex[slot] = position;
  }

  #siftDown(position: number): void {
    const heap = this.#heap;
    const weight = this.#weight;
    const size = this.#size;
    const slot = heap[position]!;
    for (;;) {
      let child = 2 * position + 1;
      if (child >= size) break;
      if (child + 1 < size && weight[heap[child + 1]!]! > weight[heap[child]!]!) child++;
      if (weight[heap[child]!]! <= weight[slot]!) break;
      heap[position] = heap[child]!;
      this.#heapIndex[heap[position]!] = position;
      position = child;
    }
    heap[position] = slot;
    this.#heapIndex[slot] = position;
  }

  /** The sample as plain data. */
  snapshot(): TimeDecaySamplerSnapshot {
    return {
      weight: this.#weight.slice(),
      sequence: this.#sequence.slice(),
      leaf: this.#leaf.slice(),
      heap: this.#heap.slice(0, this.#size),
      older: this.#older.slice(),
      newer: this.#newer.slice(),
      oldest: this.#oldest,
      newest: this.#newest,
      freeSlots: this.#freeSlots.slice(),
    };
  }

  /** Rebuilds the sample a snapshot describes. */
  static restore(capacity: number, state: TimeDecaySamplerSnapshot): TimeDecaySampler {
    const sampler = new TimeDecaySampler(capacity);
    sampler.#weight.set(state.weight);
    sampler.#sequence.set(state.sequence);
    sampler.#leaf.set(state.leaf);
    sampler.#heap.set(state.heap);
    sampler.#size = state.heap.length;
    state.heap.forEach((slot, position) => {
      sampler.#heapIndex[slot] = position;
    });
    sampler.#older.set(state.older);
    sampler.#newer.set(state.newer);
    sampler.#oldest = state.oldest;
    sampler.#newest = state.newest;
    sampler.#freeSlots.set(state.freeSlots);
    return sampler;
  }
}

/** What {@link TimeDecaySampler.snapshot} returns. */
export interface TimeDecaySamplerSnapshot {
  readonly weight: Float64Array;
  readonly sequence: Float64Array;
  readonly leaf: Int32Array;
  readonly heap: Int32Array;
  readonly older: Int32Array;
  readonly newer: Int32Array;
  readonly oldest: number;
  readonly newest: number;
  readonly freeSlots: Int32Array;
}
