import { CheckpointFailedError } from "../checkpoint/checkpoint-failed-error.ts";
import type {
  BlobRef,
  CheckpointManifest,
  CheckpointStore,
  CheckpointToStore,
  KeyGroupBlobRef,
} from "../checkpoint/checkpoint-store.ts";
import type { Lease } from "../cluster/lease.ts";
import type { LeaseCoordinator } from "../cluster/lease-coordinator.ts";
import type { PublishedKeyGroup } from "../cluster/lease-store.ts";
import { committablesOf } from "./published-committables.ts";
import { type PublishedKeyGroupState, positionToCheckpoint } from "./published-state.ts";

/**
 * A worker keeps every checkpoint it stored: a key group's published chain may point at blobs of
 * an older checkpoint of another worker, which that worker's retention must not delete. (Removing
 * blobs no pointer references is left to a collector that reads the pointers.)
 */
const KEEP_EVERY_CHECKPOINT = Number.MAX_SAFE_INTEGER;

/** What one run of a worker checkpoints through. */
export interface FencedCheckpointsSettings {
  /** The job's checkpoint store: the blobs and this worker's manifests go there. */
  readonly store: CheckpointStore;
  /** Publishes fenced on the leases the worker holds. */
  readonly coordinator: LeaseCoordinator;
  /** The source node whose positions the leases record. */
  readonly sourceId: string;
  /** The leases the run reads (its splits), as it started with them. */
  readonly leases: readonly Lease[];
  /**
   * A checkpoint of the run cannot count: the publish was refused (this worker no longer holds a
   * lease it read, a zombie). The run must stop.
   */
  onRefused(error: Error): void;
}

/**
 * The checkpoint store one run of a worker uses: `commit` stores the blobs and manifest in the
 * job's store (under the run's own name), then publishes the positions of the run's splits, the
 * blob chains of their key groups and the sinks' pre-commit states (the committables) through the
 * lease store's fenced publish, in one atomic step. A refused publish fails the checkpoint, so a
 * zombie's checkpoint never counts and its sinks commit nothing (they are told only of stored
 * checkpoints).
 */
export class FencedCheckpoints implements CheckpointStore {
  readonly description: string;
  readonly #settings: FencedCheckpointsSettings;
  /** The key groups the run's leases carry. */
  readonly #carried: ReadonlySet<number>;
  readonly #inFlight = new Set<Promise<void>>();
  #highestId = 0;
  #retired = false;

  constructor(settings: FencedCheckpointsSettings) {
    this.#settings = settings;
    this.description = `${settings.store.description}, published fenced by "${settings.coordinator.workerId}"`;
    this.#carried = new Set(settings.leases.flatMap((lease) => lease.keyGroups));
  }

  /** The highest checkpoint id a commit was started for: the next run numbers after it. */
  get highestId(): number {
    return this.#highestId;
  }

  /** The run is being replaced: refusals from now on are expected, not news. */
  retire(): void {
    this.#retired = true;
  }

  /** Resolves once no commit is in flight (the next run restores what the last one published). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  commit(checkpoint: CheckpointToStore, _retain: number): Promise<void> {
    this.#highestId = Math.max(this.#highestId, checkpoint.manifest.checkpointId);
    const commit = this.#commit(checkpoint);
    this.#inFlight.add(commit);
    const forget = () => this.#inFlight.delete(commit);
    commit.then(forget, forget);
    return commit;
  }

  checkpoints(job: string): Promise<CheckpointManifest[]> {
    return this.#settings.store.checkpoints(job);
  }

  savepoint(job: string, name: string): Promise<CheckpointManifest | undefined> {
    return this.#settings.store.savepoint(job, name);
  }

  readBlob(ref: BlobRef): Promise<Uint8Array> {
    return this.#settings.store.readBlob(ref);
  }

  async #commit(checkpoint: CheckpointToStore): Promise<void> {
    const { coordinator, store } = this.#settings;
    const keyGroups = this.#keyGroupsOf(checkpoint.manifest);
    await store.commit(checkpoint, KEEP_EVERY_CHECKPOINT);
    const positions = checkpoint.manifest.sources[this.#settings.sourceId] ?? {};
    const result = await coordinator.publish({
      leases: this.#settings.leases.map(({ leaseKey }) =>
        leaseKey in positions
          ? { leaseKey, checkpoint: positionToCheckpoint(positions[leaseKey]) }
          : { leaseKey },
      ),
      keyGroups,
      committables: committablesOf(checkpoint.manifest),
    });
    if (!result.ok) {
      const error = new CheckpointFailedError(
        `checkpoint ${checkpoint.manifest.checkpointId} of "${coordinator.workerId}" was refused by the lease store, so it does not count: ${result.message}`,
      );
      this.#refused(error);
      throw error;
    }
  }

  /**
   * The pointer of every key group the run's leases carry — also of those without state, so an
   * older pointer never pairs with a newer position. Other key groups are left out: a full
   * snapshot lists every key group, empty ones too, and these belong to other workers' splits
   * (the start-up check makes sure no record of theirs reaches this worker).
   */
  #keyGroupsOf(manifest: CheckpointManifest): PublishedKeyGroup[] {
    const chains = new Map<number, Record<string, readonly KeyGroupBlobRef[]>>();
    for (const group of this.#carried) chains.set(group, {});
    for (const [operatorId, state] of Object.entries(manifest.operators)) {
      for (const [group, chain] of Object.entries(state.keyGroups)) {
        const perOperator = chains.get(Number(group));
        if (perOperator !== undefined) perOperator[operatorId] = chain;
      }
    }
    return [...chains].map(([keyGroup, operators]) => {
      const state: PublishedKeyGroupState = { checkpointId: manifest.checkpointId, operators };
      return { keyGroup, state };
    });
  }

  #refused(error: Error): void {
    if (!this.#retired) this.#settings.onRefused(error);
  }
}
