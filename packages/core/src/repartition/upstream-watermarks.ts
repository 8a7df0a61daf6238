import { compareRuns, NO_RUN, type WriterRun } from "./writer-run.ts";

/** One upstream split as one repartition shard has heard of it. */
interface UpstreamSplit {
  watermark: number;
  state: "live" | "idle" | "ended";
  /** The newest run of the split heard of in the shard: markers of older ones say nothing. */
  run: WriterRun;
}

/**
 * The event time of the records a reader gets from a repartition stream: per shard, the minimum
 * of the watermarks of the upstream splits that are live there (idle and ended ones left out),
 * and over the shards the reader reads, the minimum of those. A shard that has not heard of any
 * upstream split holds event time back (`-Infinity`): no window fires before every upstream split
 * passed it. An ended split still holds at its last watermark while its lease in the upstream
 * stage is not finished: until then its children (a resharded upstream) may not be known yet, and
 * their records may be older than that. A shard with no live split stays at the least watermark
 * of its splits — never ahead of one of them, as a single process's watermark would not be —
 * until the whole upstream is finished.
 *
 * A split that moves to another worker, or restarts on its own, has a new run ({@link WriterRun})
 * while the old run's markers may still be on their way (a retried put, a zombie's write queue):
 * per shard and split, the newest run heard of wins, and the `watermark`, `idle` and `active`
 * markers of older runs are ignored. An old `idle` read after the new run's `active` would
 * otherwise leave the split out of the minimum while it is live, and windows would fire before
 * its records. An `end` counts whatever run wrote it: it is true of every run (a replay numbers
 * the same records the same). A record changes no status once a run is known
 * ({@link UpstreamWatermarks.record}).
 *
 * @example
 * const merge = new UpstreamWatermarks();
 * merge.addShard("shard-1");
 * merge.advance("shard-1", ["up-a", "up-b"], 1_000);
 * merge.current(); // 1_000
 */
export class UpstreamWatermarks {
  readonly #shards = new Map<string, Map<string, UpstreamSplit>>();

  /** A shard the reader reads (it holds event time until it hears of an upstream split). */
  addShard(shard: string): void {
    if (!this.#shards.has(shard)) this.#shards.set(shard, new Map());
  }

  /**
   * A watermark marker read in `shard`: each of `splits` is at `at` at least, in the run of the
   * same index in `runs` (a split whose run is older than one heard of is left as it is). Without
   * `runs` (a watermark restored with an end, not a marker) it applies whatever the run.
   */
  advance(shard: string, splits: readonly string[], at: number, runs?: readonly WriterRun[]): void {
    for (const [i, split] of splits.entries()) {
      const state = this.#splitOf(shard, split);
      if (!heard(state, runs?.[i])) continue;
      state.watermark = Math.max(state.watermark, at);
      if (state.state === "idle") state.state = "live";
    }
  }

  /**
   * A record of `split` read in `shard`. It makes an idle split live again only while no run of
   * the split is known there (an older writer's, which announces no run): a writer sends `active`
   * with its run before a split's first record in the run and after the split was idle, so a record
   * of a known run changes nothing, and one of an older run — put late — must not wake a split its
   * newer run left idle (every window would wait for it until it woke).
   */
  record(shard: string, split: string): void {
    const known = this.#splitOf(shard, split);
    if (known.state === "idle" && compareRuns(known.run, NO_RUN) === 0) known.state = "live";
  }

  /** An upstream split `shard` must hear of: if it has not yet, it holds event time at `-Infinity`. */
  expect(shard: string, split: string): void {
    this.#splitOf(shard, split);
  }

  /**
   * A status marker of `split` read in `shard`, written by its run `run` (ignored when older than
   * one heard of); without `run` (an `end`, a test), whatever the run.
   */
  mark(shard: string, split: string, state: "live" | "idle" | "ended", run?: WriterRun): void {
    const known = this.#splitOf(shard, split);
    if (!heard(known, run)) return;
    if (known.state !== "ended") known.state = state;
  }

  /** The watermark of upstream split `split` in `shard` (`-Infinity` until heard of). */
  watermarkOf(shard: string, split: string): number {
    return this.#shards.get(shard)?.get(split)?.watermark ?? Number.NEGATIVE_INFINITY;
  }

  /**
   * The minimum over the shards of their live upstream splits' minimum. `unfinished`: the upstream
   * splits whose leases are not finished in the upstream stage (when known); an ended split among
   * them still holds at its last watermark, and with none left (the whole upstream finished) a
   * shard whose splits all ended closes every window.
   */
  current(unfinished?: ReadonlySet<string>): number {
    let min = Number.POSITIVE_INFINITY;
    for (const splits of this.#shards.values()) min = Math.min(min, shardWatermark(splits, unfinished));
    return this.#shards.size === 0 ? Number.NEGATIVE_INFINITY : min;
  }

  #splitOf(shard: string, split: string): UpstreamSplit {
    this.addShard(shard);
    const splits = this.#shards.get(shard)!;
    let state = splits.get(split);
    if (!state) {
      state = { watermark: Number.NEGATIVE_INFINITY, state: "live", run: NO_RUN };
      splits.set(split, state);
    }
    return state;
  }
}

/**
 * Whether a marker of `run` speaks for `split` as the shard knows it: not when a newer run was
 * heard of (then it is ignored); a newer run becomes the one heard of. No run: it does.
 */
function heard(split: UpstreamSplit, run: WriterRun | undefined): boolean {
  if (run === undefined) return true;
  const order = compareRuns(run, split.run);
  if (order < 0) return false;
  if (order > 0) split.run = run;
  return true;
}

function shardWatermark(
  splits: ReadonlyMap<string, UpstreamSplit>,
  unfinished: ReadonlySet<string> | undefined,
): number {
  let live = Number.POSITIVE_INFINITY;
  let anyLive = false;
  let least = Number.POSITIVE_INFINITY;
  let allEnded = true;
  for (const [id, split] of splits) {
    least = Math.min(least, split.watermark);
    if (split.state !== "ended") allEnded = false;
    if (split.state === "live" || (split.state === "ended" && unfinished?.has(id))) {
      anyLive = true;
      live = Math.min(live, split.watermark);
    }
  }
  if (anyLive) return live;
  if (allEnded && unfinished !== undefined && unfinished.size === 0) return Number.POSITIVE_INFINITY;
  return splits.size === 0 ? Number.NEGATIVE_INFINITY : least;
}
