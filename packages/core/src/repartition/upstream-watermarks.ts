/** One upstream split as one repartition shard has heard of it. */
interface UpstreamSplit {
  watermark: number;
  state: "live" | "idle" | "ended";
}

/**
 * The event time of the records a reader gets from a repartition stream: per shard, the minimum
 * of the watermarks of the upstream splits that are live there (idle and ended ones left out),
 * and over the shards the reader reads, the minimum of those. A shard that has not heard of any
 * upstream split holds event time back (`-Infinity`): no window fires before every upstream split
 * passed it. A shard whose splits all ended stays at the highest watermark they reached — a
 * resharded upstream's children may still come — until the whole upstream is finished.
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

  /** A watermark marker read in `shard`: each of `splits` is at `at` at least. */
  advance(shard: string, splits: readonly string[], at: number): void {
    for (const split of splits) {
      const state = this.#splitOf(shard, split);
      state.watermark = Math.max(state.watermark, at);
      if (state.state === "idle") state.state = "live";
    }
  }

  /** A record or a status marker of `split` read in `shard`. */
  mark(shard: string, split: string, state: "live" | "idle" | "ended"): void {
    const known = this.#splitOf(shard, split);
    if (known.state !== "ended") known.state = state;
  }

  /**
   * The minimum over the shards of their live upstream splits' minimum. `upstreamFinished`: every
   * split of the upstream stage is finished (its lease table says so), so a shard whose splits all
   * ended closes every window.
   */
  current(upstreamFinished = false): number {
    let min = Number.POSITIVE_INFINITY;
    for (const splits of this.#shards.values()) min = Math.min(min, shardWatermark(splits, upstreamFinished));
    return this.#shards.size === 0 ? Number.NEGATIVE_INFINITY : min;
  }

  #splitOf(shard: string, split: string): UpstreamSplit {
    this.addShard(shard);
    const splits = this.#shards.get(shard)!;
    let state = splits.get(split);
    if (!state) {
      state = { watermark: Number.NEGATIVE_INFINITY, state: "live" };
      splits.set(split, state);
    }
    return state;
  }
}

function shardWatermark(splits: ReadonlyMap<string, UpstreamSplit>, upstreamFinished: boolean): number {
  let live = Number.POSITIVE_INFINITY;
  let anyLive = false;
  let highest = Number.NEGATIVE_INFINITY;
  for (const split of splits.values()) {
    highest = Math.max(highest, split.watermark);
    if (split.state === "live") {
      anyLive = true;
      live = Math.min(live, split.watermark);
    }
  }
  if (anyLive) return live;
  const allEnded = [...splits.values()].every((split) => split.state === "ended");
  return upstreamFinished && allEnded ? Number.POSITIVE_INFINITY : highest;
}
