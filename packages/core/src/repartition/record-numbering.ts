import type { SplitId } from "../runtime/elements.ts";
import type { SourceEvent, SplitListingContext, SplittableSource } from "../runtime/source.ts";

/**
 * A position of a numbered source: the inner source's position, how many records the writer has
 * numbered, and the writer's watermark for the split there.
 */
interface NumberedPosition {
  readonly inner: unknown;
  /** Set by the writer as the batch reaches it (the pipeline up to it runs synchronously). */
  numbered: number;
  /**
   * The highest watermark the writer had for the split at this position (finite; absent before
   * the first). Restored as the split's floor: see {@link RecordNumbering.floor}.
   */
  watermark?: number;
}

/**
 * The record ids of the splits a stage reads, shared by its {@link numberedSource} and its
 * repartition writer. The writer numbers the records it writes per upstream split (1, 2, …); the
 * count is kept in the split's position, so a replay from a published checkpoint — on this worker
 * or on the next owner of the split — numbers the same records the same. This holds because only
 * record-at-a-time operators run between the source and the writer: every record of a source
 * batch reaches the writer before the source driver reads the next batch, so the count stored
 * with a batch's position is exactly the count after its records.
 */
export class RecordNumbering {
  readonly #counts = new Map<SplitId, number>();
  readonly #latest = new Map<SplitId, NumberedPosition>();
  readonly #ended = new Map<SplitId, number>();
  /** Per split, the highest watermark the writer had for it (restored with the position). */
  readonly #watermarks = new Map<SplitId, number>();
  /** Whether the running pipeline's source has opened (restored its splits). */
  #opened = false;
  #current: SplitId | undefined;
  #generation = 0;

  /** The split of the batch the source handed on last: the one whose records the writer sees now. */
  get current(): SplitId | undefined {
    return this.#current;
  }

  /** The next id of `split`; the split's latest position remembers it. */
  next(split: SplitId): number {
    const id = (this.#counts.get(split) ?? 0) + 1;
    this.#counts.set(split, id);
    const position = this.#latest.get(split);
    if (position) position.numbered = id;
    return id;
  }

  /** Every split of the running pipeline: those it was assigned and those it read. */
  splits(): IterableIterator<SplitId> {
    return this.#counts.keys();
  }

  /**
   * The least watermark the writer may send for its splits without having seen a record: the
   * minimum over its splits of the watermark it had for each at its restored position
   * (`-Infinity` while one has none, or before the source opened). A split restarted from a
   * checkpoint would otherwise start again at `-Infinity` and, with no record left to read, hold
   * every downstream window forever. It is safe: that watermark was at most the split's own after
   * the records up to the position, so a later record below it was late in the first run too.
   */
  floor(): number {
    if (!this.#opened) return Number.NEGATIVE_INFINITY;
    let min = Number.POSITIVE_INFINITY;
    for (const split of this.#counts.keys()) {
      min = Math.min(min, this.#watermarks.get(split) ?? Number.NEGATIVE_INFINITY);
    }
    return min === Number.POSITIVE_INFINITY ? Number.NEGATIVE_INFINITY : min;
  }

  /**
   * The writer's watermark for `splits` is `at` (sent, or to be sent after the marker interval):
   * kept in each one's latest position (a checkpoint taken there restores it as the floor). Only
   * the latest position takes it: the watermark came from records up to it, not from later ones.
   */
  keepWatermark(splits: Iterable<SplitId>, at: number): void {
    if (!Number.isFinite(at)) return;
    for (const split of splits) {
      if (at <= (this.#watermarks.get(split) ?? Number.NEGATIVE_INFINITY)) continue;
      this.#watermarks.set(split, at);
      const position = this.#latest.get(split);
      if (position) position.watermark = at;
    }
  }

  /** Splits read to their end, with their last id (for `end` markers). */
  get ended(): ReadonlyMap<SplitId, number> {
    return this.#ended;
  }

  /** @internal the source's side: a split of the new run, with what its position restores. */
  restore(split: SplitId, numbered: number, watermark?: number): void {
    this.#counts.set(split, numbered);
    if (watermark !== undefined && Number.isFinite(watermark)) this.#watermarks.set(split, watermark);
  }

  /** @internal the source's side: every split of the new run is restored. */
  opened(): void {
    this.#opened = true;
  }

  /** @internal the source's side: a batch or status of `split` with the inner position `inner`. */
  position(split: SplitId, inner: unknown): NumberedPosition {
    const position: NumberedPosition = { inner, numbered: this.#counts.get(split) ?? 0 };
    const watermark = this.#watermarks.get(split);
    if (watermark !== undefined) position.watermark = watermark;
    this.#latest.set(split, position);
    this.#current = split;
    return position;
  }

  /** @internal the source's side */
  end(split: SplitId): void {
    this.#ended.set(split, this.#counts.get(split) ?? 0);
  }

  /** @internal the source's side: the input ended, so has every split of the run. */
  endAll(): void {
    for (const split of this.#counts.keys()) if (!this.#ended.has(split)) this.end(split);
  }

  /**
   * Forgets what a previous run of the pipeline numbered (a new run restores its splits) and
   * returns the new run's generation: a read of an earlier run that resolves late must not count.
   */
  reset(): number {
    this.#counts.clear();
    this.#latest.clear();
    this.#ended.clear();
    this.#watermarks.clear();
    this.#opened = false;
    this.#current = undefined;
    return ++this.#generation;
  }

  /** Whether `generation` is the running pipeline's. */
  isCurrent(generation: number): boolean {
    return generation === this.#generation;
  }
}

/**
 * `source` with its positions extended by the record count of `numbering` (see
 * {@link RecordNumbering}). Splits, bounds and the partition key are the source's own.
 */
export function numberedSource<T>(
  source: SplittableSource<T>,
  numbering: RecordNumbering,
): SplittableSource<T> {
  return {
    name: source.name,
    bounded: source.bounded,
    partitionKey: source.partitionKey,
    listSplits: (context: SplitListingContext) => source.listSplits(context),
    awsAccess: source.awsAccess ? () => source.awsAccess!() : undefined,
    async open(context) {
      const generation = numbering.reset();
      const inner = new Map<SplitId, unknown>();
      for (const [split, position] of context.restoredPositions) {
        const numbered = position as Partial<NumberedPosition> | null;
        if (typeof numbered?.numbered !== "number") {
          throw new Error(
            `split "${split}": its position was not written by a repartitioning job (${JSON.stringify(position)})`,
          );
        }
        inner.set(split, numbered.inner);
        numbering.restore(split, numbered.numbered, numbered.watermark);
      }
      for (const split of context.assignedSplits ?? []) if (!inner.has(split)) numbering.restore(split, 0);
      numbering.opened();
      const reader = await source.open({ ...context, restoredPositions: inner });
      return {
        async next(): Promise<SourceEvent<T> | undefined> {
          const event = await reader.next();
          if (event === undefined) {
            // The end of a bounded input ends every split of the run, also those of a source that
            // reports no split's end (one split just ends): each gets its `end` marker.
            if (numbering.isCurrent(generation) && !context.signal.aborted) numbering.endAll();
            return undefined;
          }
          // A read of a stopped run, resolved after the next run started: nobody takes it.
          if (!numbering.isCurrent(generation)) return event;
          if (event.kind === "split-status") {
            if (event.status === "finished") numbering.end(event.split);
            return event.position === undefined
              ? event
              : { ...event, position: numbering.position(event.split, event.position) };
          }
          return { ...event, position: numbering.position(event.split, event.position) };
        },
        millisBehindLatest: reader.millisBehindLatest ? () => reader.millisBehindLatest!() : undefined,
        close: () => reader.close?.(),
      };
    },
  };
}
