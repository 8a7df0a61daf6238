import type { OpaqueKeyGroupSnapshot } from "../state/keyed-heap.ts";

/** What one key group knows of one upstream split: ids up to `floor` are applied, and those in `applied` above it. */
interface SplitIds {
  floor: number;
  readonly applied: Set<number>;
}

/** Version of the encoded form of a key group's dedupe state. */
const VERSION = 1;

interface EncodedGroup {
  readonly version: typeof VERSION;
  /** Per upstream split: its floor and the ids applied above it. */
  readonly splits: ReadonlyArray<readonly [split: string, floor: number, applied: readonly number[]]>;
}

/**
 * Which records of a repartition stream a reader has applied, per key group and upstream split,
 * so a record written twice (a retried put, an upstream replay after a crash) is applied once.
 * A record is new when its id is above the split's `floor` and not among the ids applied above it.
 * A `committed` marker raises the floor of the key groups of the shard it was read from (every
 * record up to it was stored before the marker, hence read before it) and drops the ids at or
 * below it: memory stays at about one upstream checkpoint interval of ids.
 *
 * The state is keyed state of its key group — snapshotted, restored and moved with it — so it
 * survives crashes, handoffs and reshards of the repartition stream.
 *
 * @example
 * const dedupe = new ShuffleDedupe();
 * dedupe.accept(7, "shard-1", 1); // true: applied
 * dedupe.accept(7, "shard-1", 1); // false: a duplicate
 * dedupe.commit([7], "shard-1", 1); // floor 1: the set is pruned
 */
export class ShuffleDedupe {
  readonly #groups = new Map<number, Map<string, SplitIds>>();
  readonly #changed = new Set<number>();

  /** Whether the record `id` of upstream `split` in key group `group` is new; notes it as applied if so. */
  accept(group: number, split: string, id: number): boolean {
    const ids = this.#idsOf(group, split);
    if (id <= ids.floor || ids.applied.has(id)) return false;
    ids.applied.add(id);
    this.#changed.add(group);
    return true;
  }

  /** Every record of `split` up to `id` was stored before a marker read in the shard of `groups`. */
  commit(groups: Iterable<number>, split: string, id: number): void {
    for (const group of groups) {
      const ids = this.#idsOf(group, split);
      if (id <= ids.floor) continue;
      ids.floor = id;
      for (const applied of ids.applied) if (applied <= id) ids.applied.delete(applied);
      this.#changed.add(group);
    }
  }

  /** How many ids are held above the floors, over every group (a measure of memory). */
  get heldIds(): number {
    let held = 0;
    for (const splits of this.#groups.values()) for (const ids of splits.values()) held += ids.applied.size;
    return held;
  }

  /** The groups changed since the last snapshot (every group when `full`), each whole. */
  snapshot(full: boolean): OpaqueKeyGroupSnapshot[] {
    const groups = full ? [...this.#groups.keys()] : [...this.#changed];
    this.#changed.clear();
    return groups.map((group) => {
      const splits = [...(this.#groups.get(group) ?? [])].map(
        ([split, ids]) => [split, ids.floor, [...ids.applied]] as const,
      );
      const encoded: EncodedGroup = { version: VERSION, splits };
      return { group, mode: "full", encoded };
    });
  }

  /** Replaces the state of each group by its snapshot (later ones of a group win). */
  restore(snapshots: Iterable<OpaqueKeyGroupSnapshot>): void {
    for (const { group, encoded } of snapshots) {
      const candidate = encoded as Partial<EncodedGroup> | null;
      if (candidate?.version !== VERSION || !Array.isArray(candidate.splits)) {
        throw new Error(`key group ${group}: its repartition state is not in a form this version reads`);
      }
      this.#groups.set(
        group,
        new Map(
          candidate.splits.map(([split, floor, applied]) => [split, { floor, applied: new Set(applied) }]),
        ),
      );
    }
  }

  #idsOf(group: number, split: string): SplitIds {
    let splits = this.#groups.get(group);
    if (!splits) {
      splits = new Map();
      this.#groups.set(group, splits);
    }
    let ids = splits.get(split);
    if (!ids) {
      ids = { floor: 0, applied: new Set() };
      splits.set(split, ids);
    }
    return ids;
  }
}
