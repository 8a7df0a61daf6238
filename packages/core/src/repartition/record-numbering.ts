import type { SplitId } from "../runtime/elements.ts";
import type { SourceEvent, SplitListingContext, SplittableSource } from "../runtime/source.ts";
import type { WriterRun } from "./writer-run.ts";

/**
 * A position of a numbered source: the inner source's position and, per repartition writer of
 * the stage (by the id of the keyed operator it repartitions for), how many records it has
 * numbered and its watermark for the split there. Each writer numbers on its own: two writers
 * fed by one split write different records (different branches of the graph), and each
 * stream's reader dedupes the ids of its own writer only.
 */
interface NumberedPosition {
  readonly inner: unknown;
  /** Set by each writer as the batch reaches it (the pipeline up to it runs synchronously). */
  readonly numbered: Record<string, number>;
  /**
   * The highest watermark each writer had for the split at this position (finite; absent before
   * its first). Restored as the split's floor: see {@link WriterNumbering.floor}.
   */
  watermark?: Record<string, number>;
}

/**
 * The position a job with one repartition wrote before positions kept a count per writer: still
 * restored into a stage with one writer.
 */
interface SingleWriterPosition {
  readonly inner: unknown;
  readonly numbered: number;
  readonly watermark?: number;
}

/**
 * The source side of the record ids of the splits a stage reads, shared by its
 * {@link numberedSource} and its repartition writers (one {@link WriterNumbering} each, by
 * {@link RecordNumbering.writer}). Each writer numbers the records it writes per upstream split
 * (1, 2, …); the counts are kept in the split's position, so a replay from a published checkpoint
 * — on this worker or on the next owner of the split — numbers the same records the same. This
 * holds because only record-at-a-time operators run between the source and the writers: every
 * record of a source batch reaches every writer before the source driver reads the next batch, so
 * the counts stored with a batch's position are exactly the counts after its records.
 *
 * @example
 * const numbering = new RecordNumbering();
 * const perPage = numbering.writer("per-page"); // before the source opens
 * const source = numberedSource(clicks, numbering);
 * declare const clicks: SplittableSource<unknown>;
 */
export class RecordNumbering {
  readonly #writers = new Map<string, WriterNumbering>();
  readonly #latest = new Map<SplitId, NumberedPosition>();
  /** Whether the running pipeline's source has opened (restored its splits). */
  #opened = false;
  #current: SplitId | undefined;
  #generation = 0;
  /** Per split, its lease counter when the pipeline run reading it started (none: one process). */
  #leaseCounters: ReadonlyMap<SplitId, number> = new Map();

  /** The numbering of the writer for keyed operator `id` (the same one for the same id). */
  writer(id: string): WriterNumbering {
    let writer = this.#writers.get(id);
    if (!writer) {
      writer = new WriterNumbering(id, this);
      this.#writers.set(id, writer);
    }
    return writer;
  }

  /** The split of the batch the source handed on last: the one whose records the writers see now. */
  get current(): SplitId | undefined {
    return this.#current;
  }

  /** Whether the running pipeline's source has opened (restored its splits). */
  get isOpened(): boolean {
    return this.#opened;
  }

  /** @internal the writers' side: the latest position handed on for `split`. */
  latest(split: SplitId): NumberedPosition | undefined {
    return this.#latest.get(split);
  }

  /**
   * @internal the source's side: a split of the new run restored from `position` (what a
   * checkpoint stored); returns the inner source's position. Refuses, in one line, a position
   * no repartitioning job wrote, and one of a job with one repartition restored into several.
   */
  restore(split: SplitId, position: unknown): unknown {
    const stored = position as Partial<NumberedPosition> | Partial<SingleWriterPosition> | null;
    if (typeof stored?.numbered === "number") {
      const single = stored as SingleWriterPosition;
      if (this.#writers.size !== 1) {
        throw new Error(
          `split "${split}": its position holds the record count of one repartition (${JSON.stringify(position)}), but this stage writes ${this.#writers.size} (${[...this.#writers.keys()].join(", ")}): a job cannot restore into more repartitions than it was checkpointed with`,
        );
      }
      for (const writer of this.#writers.values()) writer.restore(split, single.numbered, single.watermark);
      return single.inner;
    }
    if (typeof stored?.numbered !== "object" || stored.numbered === null) {
      throw new Error(
        `split "${split}": its position was not written by a repartitioning job (${JSON.stringify(position)})`,
      );
    }
    const { numbered, watermark } = stored as NumberedPosition;
    // A writer the checkpoint does not know (a repartition added since) numbers from the start.
    for (const writer of this.#writers.values()) {
      writer.restore(split, numbered[writer.id] ?? 0, watermark?.[writer.id]);
    }
    return stored.inner;
  }

  /** @internal the source's side: a split of the new run with no position (it starts). */
  start(split: SplitId): void {
    for (const writer of this.#writers.values()) writer.restore(split, 0);
  }

  /** @internal the source's side: every split of the new run is restored. */
  opened(): void {
    this.#opened = true;
  }

  /** @internal the source's side: a batch or status of `split` with the inner position `inner`. */
  position(split: SplitId, inner: unknown): NumberedPosition {
    const numbered: Record<string, number> = {};
    const watermark: Record<string, number> = {};
    for (const writer of this.#writers.values()) {
      numbered[writer.id] = writer.count(split);
      const at = writer.watermarkOf(split);
      if (at !== undefined) watermark[writer.id] = at;
    }
    const position: NumberedPosition =
      Object.keys(watermark).length > 0 ? { inner, numbered, watermark } : { inner, numbered };
    this.#latest.set(split, position);
    this.#current = split;
    return position;
  }

  /** @internal the source's side: `split` was read to its end. */
  end(split: SplitId): void {
    for (const writer of this.#writers.values()) writer.end(split);
  }

  /** @internal the source's side: the input ended, so has every split of the run. */
  endAll(): void {
    for (const writer of this.#writers.values()) writer.endAll();
  }

  /**
   * Forgets what a previous run of the pipeline numbered (a new run restores its splits) and
   * returns the new run's generation: a read of an earlier run that resolves late must not count.
   */
  reset(): number {
    for (const writer of this.#writers.values()) writer.reset();
    this.#latest.clear();
    this.#opened = false;
    this.#current = undefined;
    return ++this.#generation;
  }

  /** Whether `generation` is the running pipeline's. */
  isCurrent(generation: number): boolean {
    return generation === this.#generation;
  }

  /**
   * The leases the next pipeline run reads, as held when it starts (before its source opens):
   * their counters make the runs of a split ordered across workers ({@link WriterRun}).
   */
  leased(leases: Iterable<{ readonly leaseKey: string; readonly leaseCounter: number }>): void {
    this.#leaseCounters = new Map([...leases].map((lease) => [lease.leaseKey, lease.leaseCounter]));
  }

  /**
   * The run of the running pipeline for `split`, which its markers carry: the split's lease counter
   * when the run started (0 without leases: one process runs every split), then the pipeline's
   * generation in this process (each source open counts one).
   */
  runOf(split: SplitId): WriterRun {
    return [this.#leaseCounters.get(split) ?? 0, this.#generation];
  }
}

/**
 * The record ids of one repartition writer of a stage (see {@link RecordNumbering}): its count
 * and its watermark per upstream split, kept in the splits' positions under its id.
 *
 * @example
 * const perPage = new RecordNumbering().writer("per-page");
 * const id = perPage.next(perPage.current!); // 1, 2, … per split
 */
export class WriterNumbering {
  readonly #counts = new Map<SplitId, number>();
  readonly #ended = new Map<SplitId, number>();
  /** Per split, the highest watermark the writer had for it (restored with the position). */
  readonly #watermarks = new Map<SplitId, number>();
  readonly #source: RecordNumbering;

  /** @internal by {@link RecordNumbering.writer} */
  constructor(
    /** The id of the keyed operator the writer repartitions for: its key in the positions. */
    readonly id: string,
    source: RecordNumbering,
  ) {
    this.#source = source;
  }

  /** The split of the batch the source handed on last: the one whose records the writer sees now. */
  get current(): SplitId | undefined {
    return this.#source.current;
  }

  /** The next id of `split`; the split's latest position remembers it. */
  next(split: SplitId): number {
    const id = (this.#counts.get(split) ?? 0) + 1;
    this.#counts.set(split, id);
    const position = this.#source.latest(split);
    if (position) position.numbered[this.id] = id;
    return id;
  }

  /** The run of the running pipeline for `split` (see {@link RecordNumbering.runOf}). */
  runOf(split: SplitId): WriterRun {
    return this.#source.runOf(split);
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
    if (!this.#source.isOpened) return Number.NEGATIVE_INFINITY;
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
      const position = this.#source.latest(split);
      if (!position) continue;
      position.watermark = { ...position.watermark, [this.id]: at };
    }
  }

  /** Splits read to their end, with their last id (for `end` markers). */
  get ended(): ReadonlyMap<SplitId, number> {
    return this.#ended;
  }

  /** @internal the count of `split` so far */
  count(split: SplitId): number {
    return this.#counts.get(split) ?? 0;
  }

  /** @internal the watermark kept for `split`, if any */
  watermarkOf(split: SplitId): number | undefined {
    return this.#watermarks.get(split);
  }

  /** @internal a split of the new run, with what its position restores */
  restore(split: SplitId, numbered: number, watermark?: number): void {
    this.#counts.set(split, numbered);
    if (watermark !== undefined && Number.isFinite(watermark)) this.#watermarks.set(split, watermark);
  }

  /** @internal */
  end(split: SplitId): void {
    this.#ended.set(split, this.#counts.get(split) ?? 0);
  }

  /** @internal the input ended, so has every split of the run. */
  endAll(): void {
    for (const split of this.#counts.keys()) if (!this.#ended.has(split)) this.end(split);
  }

  /** @internal */
  reset(): void {
    this.#counts.clear();
    this.#ended.clear();
    this.#watermarks.clear();
  }
}

/**
 * `source` with its positions extended by the record counts of `numbering`'s writers (see
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
        inner.set(split, numbering.restore(split, position));
      }
      for (const split of context.assignedSplits ?? []) if (!inner.has(split)) numbering.start(split);
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
