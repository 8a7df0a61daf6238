import type { SplitId } from "../runtime/elements.ts";

/**
 * A position of a repartition stream's shard as a downstream stage keeps it: the channel's own
 * position, and the upstream splits whose `end` marker was read in the shard up to there, each
 * with its watermark in the shard at that point (a number, or `"Infinity"`/`"-Infinity"`: the
 * position goes through JSON).
 */
interface EndsPosition {
  readonly inner: unknown;
  upstreamEnds: readonly EndEntry[];
}

type EndEntry = readonly [split: string, watermark: number | string];

/**
 * The upstream splits whose `end` marker a downstream stage has read, per shard of the
 * repartition stream, shared by the stage's source (`repartitionStreamSource`) and its reader
 * operator as `RecordNumbering` is in the upstream stage. The reader records each `end` it reads;
 * they are kept **in the shard's position**, so a run restored from a checkpoint taken after an
 * `end` knows the split ended there, at what watermark, though it never reads that marker again.
 * This holds because the reader is the operator right after the source: every message of a
 * source batch reaches it before the source driver reads the next batch, so the ends stored with
 * a batch's position are exactly those read up to it.
 *
 * @example
 * const ends = new UpstreamEnds();
 * ends.read("shard-0", "partition-1", 5_000); // the reader read end(partition-1) in shard-0
 * ends.complete("shard-0", ["partition-0", "partition-1"]); // false: partition-0 has not ended there
 */
export class UpstreamEnds {
  /** Per shard, each ended upstream split's watermark in it when its end was read. */
  readonly #shards = new Map<SplitId, Map<string, number>>();
  /**
   * Per shard, the same as positions keep it: replaced, never changed, when an end is read, so
   * every position of the shard shares it (a batch costs no copy).
   */
  readonly #entries = new Map<SplitId, readonly EndEntry[]>();
  readonly #latest = new Map<SplitId, EndsPosition>();
  #generation = 0;

  /** The upstream splits whose end was read in `shard`, with their watermark there then. */
  of(shard: SplitId): ReadonlyMap<string, number> {
    return this.#shards.get(shard) ?? new Map();
  }

  /**
   * The reader's side: the `end` marker of upstream split `split` was read in `shard`, where the
   * split's watermark was `watermark`. Kept in the shard's latest position.
   */
  read(shard: SplitId, split: string, watermark: number): void {
    const ended = this.#endedIn(shard);
    if (ended.has(split)) return;
    ended.set(split, watermark);
    const entries = [...(this.#entries.get(shard) ?? []), [split, toJson(watermark)] as const];
    this.#entries.set(shard, entries);
    const latest = this.#latest.get(shard);
    if (latest) latest.upstreamEnds = entries;
  }

  /** Whether the end of every split of `upstream` was read in `shard`. */
  complete(shard: SplitId, upstream: readonly string[]): boolean {
    const ended = this.#shards.get(shard);
    return ended !== undefined && upstream.every((split) => ended.has(split));
  }

  /** @internal the source's side: the position `shard` is at now (the latest one handed on or restored). */
  latest(shard: SplitId): EndsPosition | undefined {
    return this.#latest.get(shard);
  }

  /** @internal the source's side: a batch or status of `shard` at the channel's position `inner`. */
  position(shard: SplitId, inner: unknown): EndsPosition {
    const position: EndsPosition = { inner, upstreamEnds: this.#entries.get(shard) ?? [] };
    this.#latest.set(shard, position);
    return position;
  }

  /**
   * @internal the source's side: `shard` of the new run restores `position`; returns the channel's
   * own position in it. A position without ends (written before they were kept) is the channel's.
   */
  restore(shard: SplitId, position: unknown): unknown {
    if (!isEndsPosition(position)) return position;
    this.#shards.set(shard, new Map(position.upstreamEnds.map(([split, at]) => [split, Number(at)])));
    this.#entries.set(shard, position.upstreamEnds);
    this.#latest.set(shard, { inner: position.inner, upstreamEnds: position.upstreamEnds });
    return position.inner;
  }

  /**
   * Forgets what a previous run read (a new run restores its shards) and returns the new run's
   * generation: a read of an earlier run that resolves late must not count.
   */
  reset(): number {
    this.#shards.clear();
    this.#entries.clear();
    this.#latest.clear();
    return ++this.#generation;
  }

  /** Whether `generation` is the running pipeline's. */
  isCurrent(generation: number): boolean {
    return generation === this.#generation;
  }

  #endedIn(shard: SplitId): Map<string, number> {
    let ended = this.#shards.get(shard);
    if (!ended) {
      ended = new Map();
      this.#shards.set(shard, ended);
    }
    return ended;
  }
}

/** `watermark` as JSON keeps it: JSON has no infinities (`Number` reads the strings back). */
function toJson(watermark: number): number | string {
  return Number.isFinite(watermark) ? watermark : String(watermark);
}

function isEndsPosition(position: unknown): position is EndsPosition {
  return (
    typeof position === "object" &&
    position !== null &&
    "inner" in position &&
    Array.isArray((position as Partial<EndsPosition>).upstreamEnds)
  );
}
