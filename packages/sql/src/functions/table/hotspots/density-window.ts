/** One dense region of a {@link DensityWindow}: what HOTSPOTS reports of it. */
export interface Hotspot {
  /** Points in the hotspot divided by the hotspot's size (the volume of its box). */
  readonly density: number;
  /** The smallest value of each dimension among the hotspot's points. */
  readonly minValues: readonly number[];
  /** The largest value of each dimension among the hotspot's points. */
  readonly maxValues: readonly number[];
}

/**
 * The last `windowSize` points of a stream and their dense regions, found as DBSCAN finds clusters
 * (Ester et al. 1996), which AWS names as HOTSPOTS' model ("analogous to the ε value in the DBSCAN
 * algorithm"): a point with at least `minPoints` points (itself included) within `radius` is a core
 * point; core points within `radius` of each other are in one hotspot, with the other points within
 * `radius` of its core points.
 *
 * Each point keeps the list of its neighbours, updated as points arrive and leave (a grid of cells of
 * side `radius` over the first two dimensions finds candidates), so finding the hotspots is a walk
 * over the neighbour lists: O(window + neighbour pairs), no distance computed twice.
 */
export class DensityWindow {
  readonly dimensions: number;
  readonly windowSize: number;
  readonly radius: number;
  readonly minPoints: number;
  readonly #values: Float64Array;
  readonly #neighbours: number[][];
  readonly #cellOf: string[];
  readonly #cells = new Map<string, number[]>();
  /** Slot of the oldest point; points are in slots oldest + 0, 1, … (mod windowSize). */
  #oldest = 0;
  #count = 0;
  readonly #gridDimensions: number;
  readonly #label: Int32Array;
  readonly #queue: Int32Array;

  constructor(dimensions: number, windowSize: number, radius: number, minPoints: number) {
    this.dimensions = dimensions;
    this.windowSize = windowSize;
    this.radius = radius;
    this.minPoints = minPoints;
    this.#values = new Float64Array(windowSize * dimensions);
    this.#neighbours = Array.from({ length: windowSize }, () => []);
    this.#cellOf = new Array<string>(windowSize).fill("");
    this.#gridDimensions = Math.min(dimensions, 2);
    this.#label = new Int32Array(windowSize);
    this.#queue = new Int32Array(windowSize);
  }

  /** Points in the window. */
  get count(): number {
    return this.#count;
  }

  /** Adds a point (its `dimensions` values); the oldest leaves once the window is full. */
  add(point: ArrayLike<number>): void {
    if (this.#count === this.windowSize) this.#removeOldest();
    const slot = (this.#oldest + this.#count) % this.windowSize;
    this.#count++;
    const dimensions = this.dimensions;
    this.#values.set(point, slot * dimensions);
    const cell = this.#cellCoordinates(slot);
    const key = cell.join(",");
    this.#cellOf[slot] = key;
    const radius2 = this.radius * this.radius;
    this.#forEachNearbyCell(cell, (candidates) => {
      for (const other of candidates) {
        if (this.#distance2(slot, other) <= radius2) {
          this.#neighbours[slot]!.push(other);
          this.#neighbours[other]!.push(slot);
        }
      }
    });
    const members = this.#cells.get(key);
    if (members) members.push(slot);
    else this.#cells.set(key, [slot]);
  }

  /**
   * The hotspots of the window, densest first (ties: the one whose oldest core point came first).
   * A hotspot's size is the volume of the box of its points, each side at least `radius` long (so
   * that points sharing a value in some dimension give a finite density).
   */
  hotspots(): Hotspot[] {
    const label = this.#label;
    label.fill(-1);
    const queue = this.#queue;
    const isCore = (slot: number): boolean => this.#neighbours[slot]!.length + 1 >= this.minPoints;
    const found: { order: number; hotspot: Hotspot }[] = [];
    for (let i = 0; i < this.#count; i++) {
      const seed = (this.#oldest + i) % this.windowSize;
      if (label[seed] !== -1 || !isCore(seed)) continue;
      const id = found.length;
      let head = 0;
      let tail = 0;
      label[seed] = id;
      queue[tail++] = seed;
      const min = Array.from(this.#values.subarray(seed * this.dimensions, (seed + 1) * this.dimensions));
      const max = [...min];
      let size = 0;
      while (head < tail) {
        const slot = queue[head++]!;
        size++;
        this.#extend(slot, min, max);
        if (!isCore(slot)) continue;
        for (const other of this.#neighbours[slot]!) {
          if (label[other] !== -1) continue;
          label[other] = id;
          queue[tail++] = other;
        }
      }
      let volume = 1;
      for (let d = 0; d < this.dimensions; d++) volume *= Math.max(max[d]! - min[d]!, this.radius);
      found.push({ order: id, hotspot: { density: size / volume, minValues: min, maxValues: max } });
    }
    found.sort((a, b) => b.hotspot.density - a.hotspot.density || a.order - b.order);
    return found.map((f) => f.hotspot);
  }

  /** The window's points, oldest first, as plain data. */
  snapshot(): Float64Array {
    const out = new Float64Array(this.#count * this.dimensions);
    for (let i = 0; i < this.#count; i++) {
      const slot = (this.#oldest + i) % this.windowSize;
      out.set(
        this.#values.subarray(slot * this.dimensions, (slot + 1) * this.dimensions),
        i * this.dimensions,
      );
    }
    return out;
  }

  /** Refills an empty window with the points a snapshot holds (neighbour lists are rebuilt). */
  restore(points: Float64Array): void {
    for (let i = 0; i < points.length / this.dimensions; i++) {
      this.add(points.subarray(i * this.dimensions, (i + 1) * this.dimensions));
    }
  }

  #removeOldest(): void {
    const slot = this.#oldest;
    for (const other of this.#neighbours[slot]!) {
      const list = this.#neighbours[other]!;
      const at = list.indexOf(slot);
      list[at] = list[list.length - 1]!;
      list.pop();
    }
    this.#neighbours[slot]!.length = 0;
    const key = this.#cellOf[slot]!;
    const members = this.#cells.get(key)!;
    members.splice(members.indexOf(slot), 1);
    if (members.length === 0) this.#cells.delete(key);
    this.#oldest = (this.#oldest + 1) % this.windowSize;
    this.#count--;
  }

  #extend(slot: number, min: number[], max: number[]): void {
    const offset = slot * this.dimensions;
    for (let d = 0; d < this.dimensions; d++) {
      const x = this.#values[offset + d]!;
      if (x < min[d]!) min[d] = x;
      if (x > max[d]!) max[d] = x;
    }
  }

  #cellCoordinates(slot: number): number[] {
    const offset = slot * this.dimensions;
    return Array.from({ length: this.#gridDimensions }, (_, d) =>
      Math.floor(this.#values[offset + d]! / this.radius),
    );
  }

  /** Calls `visit` with the points of each cell next to (or at) `cell`. */
  #forEachNearbyCell(cell: number[], visit: (slots: readonly number[]) => void): void {
    const near = [...cell];
    const step = (d: number): void => {
      if (d === cell.length) {
        const members = this.#cells.get(near.join(","));
        if (members) visit(members);
        return;
      }
      for (let delta = -1; delta <= 1; delta++) {
        near[d] = cell[d]! + delta;
        step(d + 1);
      }
    };
    step(0);
  }

  #distance2(a: number, b: number): number {
    const dimensions = this.dimensions;
    let sum = 0;
    for (let d = 0; d < dimensions; d++) {
      const delta = this.#values[a * dimensions + d]! - this.#values[b * dimensions + d]!;
      sum += delta * delta;
    }
    return sum;
  }
}
