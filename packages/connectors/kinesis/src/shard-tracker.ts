import type { ShardInfo } from "./kinesis-client.ts";
import { type ShardPosition, type ShardStart, startAfter } from "./shard-position.ts";

/**
 * Where a job reads a stream from on its first start (Flink's `source.init.position`); a restored
 * job always resumes from its checkpoint.
 *
 * @example
 * const from: InitialPosition = "AT_TIMESTAMP";
 * kinesisSource({ stream: "fx-ticks", decode: json<Tick>(), initialPosition: from, initialTimestamp: Date.parse("2026-01-01T00:00:00Z") });
 */
export type InitialPosition = "LATEST" | "TRIM_HORIZON" | "AT_TIMESTAMP";

/** A shard whose parents are all read: it may be read now. */
export interface ShardToRead {
  readonly shardId: string;
  readonly start: ShardStart;
  /**
   * A position to record before the first record (a `timestamp` position for `LATEST` and
   * `AT_TIMESTAMP` starts), so a restart before any record arrives does not skip ahead.
   */
  readonly startPosition: ShardPosition | undefined;
}

type ShardState = "waiting" | "reading" | "finished";

interface TrackedShard {
  state: ShardState;
  /** Listed with an ending sequence number: no record will be added. */
  closed: boolean;
  parents: readonly string[];
  start: ShardStart | undefined;
  startPosition: ShardPosition | undefined;
}

const TRIM_HORIZON: ShardStart = { iterator: { type: "TRIM_HORIZON" }, skip: undefined };
const NOT_READ: TrackedShard = {
  state: "finished",
  closed: true,
  parents: [],
  start: undefined,
  startPosition: undefined,
};

/**
 * Decides which shards to read and from where, keeping parents before children across splits
 * and merges (as Flink's `SplitTracker` does): a shard is read only once every parent it has is
 * finished — read to its end in this run, recorded as finished in the checkpoint, or gone from the
 * stream (trimmed past retention).
 *
 * Start positions: a checkpointed position resumes exactly after it; on a fresh start, the shards
 * of the first discovery start at the initial position; every other shard (a child created by a
 * reshard, or one the checkpoint does not know) starts at `TRIM_HORIZON`, so nothing written to
 * it is missed.
 *
 * On one of several workers (`assigned` set), only the assigned shards are tracked: their
 * parents are finished (the lease table assigns a child only then), and a shard without a
 * checkpoint starts at the initial position only when it has no parent in the listing; a child
 * starts where its parents' reading began: at `initialTimestamp` with `AT_TIMESTAMP`, else at
 * `TRIM_HORIZON` — as KCL starts the children of a shard it read to its end. An assigned shard
 * that is already finished (its checkpoint says so, or it is not listed any more) is reported by
 * {@link ShardTracker.takeFinishedUnread}, so the worker can release its lease as finished. On one
 * process a checkpointed shard trimmed since is reported there too.
 */
export class ShardTracker {
  readonly #shards = new Map<string, TrackedShard>();
  readonly #restored: ReadonlyMap<string, ShardPosition>;
  readonly #finishedUnread: string[] = [];
  #firstDiscovery = true;

  constructor(
    restored: ReadonlyMap<string, ShardPosition>,
    private readonly initial: { readonly position: InitialPosition; readonly timestamp: number | undefined },
    private readonly now: () => number,
    private readonly onExpired: (shardId: string, position: ShardPosition) => void = () => {},
    private readonly assigned: ReadonlySet<string> | undefined = undefined,
  ) {
    this.#restored = restored;
  }

  /** Shards found finished without reading a record in this run (see the class comment); each once. */
  takeFinishedUnread(): string[] {
    return this.#finishedUnread.splice(0);
  }

  /** Adds the shards of a `ListShards` answer; returns the shards that became readable. */
  discovered(shards: readonly ShardInfo[]): ShardToRead[] {
    const first = this.#firstDiscovery;
    this.#firstDiscovery = false;
    const fresh = first && this.#restored.size === 0;
    const listed = new Set(shards.map((s) => s.shardId));
    for (const shard of shards) {
      if (this.assigned === undefined) this.#add(shard, fresh);
      else if (this.assigned.has(shard.shardId)) {
        this.#add(shard, !shard.parentShardIds.some((parent) => listed.has(parent)));
      }
    }
    if (first) {
      // Checkpointed shards no longer listed were trimmed: nothing is left to read in them.
      for (const [shardId, position] of this.#restored) {
        if (listed.has(shardId) || this.#shards.has(shardId)) continue;
        if (position.kind !== "finished") {
          this.onExpired(shardId, position);
          // Said finished on one process too: a restored withWatermarks starts every split it
          // knew at its kept watermark, and one that is never heard of again would hold it there.
          if (this.assigned === undefined) this.#finishedUnread.push(shardId);
        }
        this.#shards.set(shardId, { ...NOT_READ });
      }
      for (const shardId of this.assigned ?? []) {
        if (!this.#shards.has(shardId)) this.#shards.set(shardId, { ...NOT_READ });
        if (this.#shards.get(shardId)!.state === "finished") this.#finishedUnread.push(shardId);
      }
    }
    return this.#ready();
  }

  /** `shardId` was read to its end; `children` are the shards it announced, if any. */
  finished(shardId: string, children: readonly ShardInfo[] = []): ShardToRead[] {
    const shard = this.#shards.get(shardId);
    if (shard) shard.state = "finished";
    for (const child of children) {
      if (this.assigned === undefined || this.assigned.has(child.shardId)) this.#add(child, false);
    }
    return this.#ready();
  }

  /** Whether the last listing showed the shard closed (split or merged away). */
  isClosed(shardId: string): boolean {
    return this.#shards.get(shardId)?.closed ?? false;
  }

  stateOf(shardId: string): ShardState | undefined {
    return this.#shards.get(shardId)?.state;
  }

  #add(shard: ShardInfo, fresh: boolean): void {
    const known = this.#shards.get(shard.shardId);
    if (known) {
      if (shard.closed) known.closed = true;
      return;
    }
    const restored = this.#restored.get(shard.shardId);
    if (restored?.kind === "finished") {
      this.#shards.set(shard.shardId, {
        state: "finished",
        closed: true,
        parents: shard.parentShardIds,
        start: undefined,
        startPosition: undefined,
      });
      return;
    }
    let start: ShardStart;
    let startPosition: ShardPosition | undefined;
    if (restored) {
      start = startAfter(restored);
    } else if (fresh) {
      ({ start, startPosition } = this.#initialStart());
    } else if (this.assigned !== undefined && this.initial.position === "AT_TIMESTAMP") {
      // A child on one of several workers: its parents were read from the initial timestamp on.
      ({ start, startPosition } = this.#initialStart());
    } else {
      start = TRIM_HORIZON;
    }
    this.#shards.set(shard.shardId, {
      state: "waiting",
      closed: shard.closed,
      parents: shard.parentShardIds,
      start,
      startPosition,
    });
  }

  #initialStart(): { start: ShardStart; startPosition: ShardPosition | undefined } {
    switch (this.initial.position) {
      case "TRIM_HORIZON":
        return { start: TRIM_HORIZON, startPosition: undefined };
      case "LATEST":
        return {
          start: { iterator: { type: "LATEST" }, skip: undefined },
          startPosition: { kind: "timestamp", timestamp: this.now() },
        };
      case "AT_TIMESTAMP": {
        const timestamp = this.initial.timestamp ?? this.now();
        return {
          start: { iterator: { type: "AT_TIMESTAMP", timestamp }, skip: undefined },
          startPosition: { kind: "timestamp", timestamp },
        };
      }
    }
  }

  #ready(): ShardToRead[] {
    const ready: ShardToRead[] = [];
    for (const [shardId, shard] of this.#shards) {
      if (shard.state !== "waiting") continue;
      const blocked = shard.parents.some((p) => {
        const parent = this.#shards.get(p);
        return parent !== undefined && parent.state !== "finished";
      });
      if (blocked) continue;
      shard.state = "reading";
      ready.push({ shardId, start: shard.start!, startPosition: shard.startPosition });
    }
    return ready;
  }
}
