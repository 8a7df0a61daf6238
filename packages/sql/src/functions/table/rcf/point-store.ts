/**
 * The points the trees of one forest hold, stored once however many trees sample them: one row of
 * `dimensions` doubles per point in a growing Float64Array, with a reference count (the leaves that
 * hold it) and a free list, so an update allocates nothing once the store has grown to the forest's
 * working set.
 */
export class PointStore {
  readonly dimensions: number;
  #values: Float64Array;
  #references: Int32Array;
  #free: Int32Array;
  #freeCount = 0;
  /** Slots ever used: [0, #used). */
  #used = 0;

  constructor(dimensions: number, initialCapacity = 64) {
    this.dimensions = dimensions;
    this.#values = new Float64Array(initialCapacity * dimensions);
    this.#references = new Int32Array(initialCapacity);
    this.#free = new Int32Array(initialCapacity);
  }

  /** The values of every point; point `i` is at `[i * dimensions, (i + 1) * dimensions)`. */
  get values(): Float64Array {
    return this.#values;
  }

  /** Copies `point` in and returns its index; its reference count starts at 0. */
  add(point: Float64Array): number {
    let index: number;
    if (this.#freeCount > 0) {
      index = this.#free[--this.#freeCount]!;
    } else {
      if (this.#used === this.#references.length) this.#grow();
      index = this.#used++;
    }
    this.#values.set(point, index * this.dimensions);
    this.#references[index] = 0;
    return index;
  }

  /** One more leaf holds point `index`. */
  retain(index: number): void {
    this.#references[index]!++;
  }

  /** One leaf fewer holds point `index`; the last release frees its slot. */
  release(index: number): void {
    if (--this.#references[index]! === 0) this.#free[this.#freeCount++] = index;
  }

  /** Whether point `index` equals `point`, coordinate by coordinate. */
  equals(index: number, point: Float64Array): boolean {
    const values = this.#values;
    const offset = index * this.dimensions;
    for (let d = 0; d < this.dimensions; d++) if (values[offset + d] !== point[d]) return false;
    return true;
  }

  #grow(): void {
    const capacity = this.#references.length * 2;
    const values = new Float64Array(capacity * this.dimensions);
    values.set(this.#values);
    this.#values = values;
    const references = new Int32Array(capacity);
    references.set(this.#references);
    this.#references = references;
    const free = new Int32Array(capacity);
    free.set(this.#free);
    this.#free = free;
  }

  /** The store as plain data (typed arrays trimmed to what is used). */
  snapshot(): PointStoreSnapshot {
    return {
      values: this.#values.slice(0, this.#used * this.dimensions),
      references: this.#references.slice(0, this.#used),
      free: this.#free.slice(0, this.#freeCount),
    };
  }

  /** Rebuilds the store a snapshot describes. */
  static restore(dimensions: number, state: PointStoreSnapshot): PointStore {
    const used = state.references.length;
    const store = new PointStore(dimensions, Math.max(64, used));
    store.#values.set(state.values);
    store.#references.set(state.references);
    store.#free.set(state.free);
    store.#freeCount = state.free.length;
    store.#used = used;
    return store;
  }
}

/** What {@link PointStore.snapshot} returns. */
export interface PointStoreSnapshot {
  readonly values: Float64Array;
  readonly references: Int32Array;
  readonly free: Int32Array;
}
