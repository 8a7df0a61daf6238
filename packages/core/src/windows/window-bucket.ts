/** Golden-ratio multiplier for Fibonacci hashing of key ids. */
const HASH = 0x9e3779b1;
const MIN_CAPACITY = 16;
/**
 * A bucket indexes its rows by key id directly (an array as long as the ids) while that costs at
 * most this many entries per row; beyond, it hashes the ids (a sparse bucket among many keys).
 */
const DENSE_ENTRIES_PER_ROW = 8;

/**
 * The arrays of a bucket whose windows are gone, for the next bucket to take instead of
 * allocating (and zeroing) its own: with a window per key and period, buckets come and go at the
 * same size.
 */
export interface SpareRows {
  readonly ids: Int32Array;
  readonly seqs: Float64Array;
  readonly flags: Uint8Array;
  readonly values: Float64Array;
  /** All zero. */
  readonly rowById: Int32Array | undefined;
}

/**
 * All keys' windows with the same bounds, as rows of columns (a struct of arrays) in creation
 * order, which is the order they fire in. A key's row is found by its {@link KeyRegistry} id:
 * in an array indexed by id when most keys have a window here (the usual case: a window per key
 * and period), else in an open-addressing table of integers; so a record costs no Map lookup here
 * and a new window no Map insertion. Accumulators of a columnar aggregate are `width` numbers per
 * row in `values`, other accumulators objects in `accs`.
 */
export class WindowBucket<TWindow, TAcc> {
  /** Rows in use. */
  size = 0;
  /** A row's key id. */
  ids: Int32Array;
  /** A row's creation number (numbered by the operator's timer service, as the keyed store's windows and timers). */
  seqs: Float64Array;
  /** A row's flags (`FILLED`, `PENDING`, and the operator's own). */
  flags: Uint8Array;
  /** Accumulators of a columnar aggregate, `width` numbers per row. */
  values: Float64Array;
  /** Accumulators as objects, when the aggregate has no columnar form. */
  readonly accs: (TAcc | undefined)[] = [];
  /**
   * Rows the operator flagged as changed since its last checkpoint, each once, so that an
   * incremental checkpoint visits those rather than every row. `retain` empties it.
   */
  readonly changed: number[] = [];
  /**
   * Key groups whose checkpointed state holds rows of this bucket (a byte per group), so that
   * removing the bucket can be written as one number per such group.
   */
  written: Uint8Array | undefined;
  /** Dense index: `row + 1` by key id (0: no row); undefined while the bucket hashes ids. */
  #rowById: Int32Array | undefined;
  /** Sparse index: pairs `[id + 1, row]` (0: an empty slot), at most half full. */
  #table = new Int32Array(0);
  #shift = 32;

  /**
   * @param capacity rows expected (room grows as needed)
   * @param idCapacity key ids in use now, which decides between the dense and the sparse index
   * @param spare arrays of a bucket that is gone, taken when they are large enough
   */
  constructor(
    readonly start: number,
    readonly end: number,
    /** Shared by every key's results (frozen, so no consumer can change it under the others). */
    readonly window: TWindow,
    readonly width: number,
    capacity: number,
    idCapacity: number,
    spare?: SpareRows,
  ) {
    const rows = Math.max(MIN_CAPACITY, capacity);
    const dense = idCapacity <= rows * DENSE_ENTRIES_PER_ROW;
    if (spare !== undefined && spare.ids.length >= rows && spare.values.length === spare.ids.length * width) {
      // Every row's columns are written as it is appended; only the index must start empty.
      ({ ids: this.ids, seqs: this.seqs, flags: this.flags, values: this.values } = spare);
      if (dense) this.#rowById = spare.rowById ?? new Int32Array(Math.max(idCapacity, rows));
      else this.#rehash(rows * 2);
      return;
    }
    this.ids = new Int32Array(rows);
    this.seqs = new Float64Array(rows);
    this.flags = new Uint8Array(rows);
    this.values = new Float64Array(rows * width);
    if (dense) this.#rowById = new Int32Array(Math.max(idCapacity, rows));
    else this.#rehash(rows * 2);
  }

  /** Hands over this bucket's arrays for another to reuse; the bucket must not be used after. */
  recycle(): SpareRows {
    const dense = this.#rowById;
    // Emptied row by row: cheaper than zeroing an index as long as all the keys.
    if (dense !== undefined) for (let r = 0; r < this.size; r++) dense[this.ids[r]!] = 0;
    this.size = 0;
    this.changed.length = 0;
    return { ids: this.ids, seqs: this.seqs, flags: this.flags, values: this.values, rowById: dense };
  }

  /** The row of key `id`, or -1. */
  rowOf(id: number): number {
    const dense = this.#rowById;
    if (dense !== undefined) return id < dense.length ? dense[id]! - 1 : -1;
    const table = this.#table;
    const mask = (table.length >> 1) - 1;
    const wanted = id + 1;
    for (let slot = Math.imul(id, HASH) >>> this.#shift; ; slot = (slot + 1) & mask) {
      const held = table[slot * 2]!;
      if (held === wanted) return table[slot * 2 + 1]!;
      if (held === 0) return -1;
    }
  }

  /** Appends a row for key `id` (which has none here); returns it. */
  append(id: number, seq: number, flags: number): number {
    const row = this.size;
    if (row === this.ids.length) this.#grow(row * 2);
    this.ids[row] = id;
    this.seqs[row] = seq;
    this.flags[row] = flags;
    this.size = row + 1;
    const dense = this.#rowById;
    if (dense !== undefined && id < dense.length) {
      dense[id] = row + 1;
    } else if (dense !== undefined) {
      // A key id beyond the index: grow it, unless it would be mostly empty.
      const length = Math.max(dense.length * 2, id + 1);
      if (length <= (this.size + MIN_CAPACITY) * DENSE_ENTRIES_PER_ROW) {
        const grown = new Int32Array(length);
        grown.set(dense);
        grown[id] = row + 1;
        this.#rowById = grown;
      } else {
        this.#rowById = undefined;
        this.#rehash(this.size * 2);
      }
    } else if (this.size * 4 > this.#table.length) {
      this.#rehash(this.#table.length);
    } else {
      this.#place(id, row);
    }
    return row;
  }

  /**
   * Keeps the rows `keep` says to, in order; `gone` sees each removed row's key id first.
   */
  retain(keep: (row: number) => boolean, gone: (id: number) => void): void {
    const { ids, seqs, flags, values, accs, width } = this;
    let w = 0;
    for (let r = 0; r < this.size; r++) {
      if (!keep(r)) {
        gone(ids[r]!);
        continue;
      }
      ids[w] = ids[r]!;
      seqs[w] = seqs[r]!;
      flags[w] = flags[r]!;
      for (let k = 0; k < width; k++) values[w * width + k] = values[r * width + k]!;
      if (width === 0) accs[w] = accs[r];
      w++;
    }
    this.size = w;
    if (width === 0) accs.length = w;
    // Rows moved: the operator writes every row at its next checkpoint instead.
    this.changed.length = 0;
    this.#reindex();
  }

  /** Rebuilds the index after rows moved. */
  #reindex(): void {
    const dense = this.#rowById;
    if (dense === undefined) {
      this.#rehash(this.#table.length >> 1);
      return;
    }
    dense.fill(0);
    for (let r = 0; r < this.size; r++) dense[this.ids[r]!] = r + 1;
  }

  #place(id: number, row: number): void {
    const table = this.#table;
    const mask = (table.length >> 1) - 1;
    let slot = Math.imul(id, HASH) >>> this.#shift;
    while (table[slot * 2] !== 0) slot = (slot + 1) & mask;
    table[slot * 2] = id + 1;
    table[slot * 2 + 1] = row;
  }

  /** Rebuilds the sparse index with room for at least `slots` pairs (and twice the rows). */
  #rehash(slots: number): void {
    let bits = 4;
    while (1 << bits < Math.max(slots, this.size * 2)) bits++;
    this.#table = new Int32Array(2 << bits);
    this.#shift = 32 - bits;
    for (let r = 0; r < this.size; r++) this.#place(this.ids[r]!, r);
  }

  #grow(rows: number): void {
    const ids = new Int32Array(rows);
    ids.set(this.ids);
    this.ids = ids;
    const seqs = new Float64Array(rows);
    seqs.set(this.seqs);
    this.seqs = seqs;
    const flags = new Uint8Array(rows);
    flags.set(this.flags);
    this.flags = flags;
    const values = new Float64Array(rows * this.width);
    values.set(this.values);
    this.values = values;
  }
}
