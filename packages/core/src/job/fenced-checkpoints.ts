import { CheckpointFailedError } from "../checkpoint/checkpoint-failed-error.ts";
import type {
  BlobRef,
  CheckpointManifest,
  CheckpointStore,
  CheckpointToStore,
  KeyGroupBlobRef,
} from "../checkpoint/checkpoint-store.ts";
import { isSharedBlobStore } from "../checkpoint/shared-blob-store.ts";
import type { Lease } from "../cluster/lease.ts";
import type { LeaseCoordinator } from "../cluster/lease-coordinator.ts";
import type { LeaseStore, PublishedKeyGroup } from "../cluster/lease-store.ts";
import type { Logger } from "../logging/logger.ts";
import { committablesOf } from "./published-committables.ts";
import { type PublishedKeyGroupState, positionToCheckpoint } from "./published-state.ts";
import { collectWorkerCheckpoints } from "./worker-checkpoint-collection.ts";

/**
 * The store's own retention would delete blobs of this worker's old checkpoints that another
 * worker's published chain may still reach: it is told to keep everything, and
 * {@link collectWorkerCheckpoints} applies the retention instead, every this many publishes.
 */
const KEEP_EVERY_CHECKPOINT = Number.MAX_SAFE_INTEGER;
const COLLECT_EVERY_PUBLISHES = 10;

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
  /** The job's name (its workers' checkpoints are stored as `<job>@<worker>#<incarnation>`). */
  readonly job: string;
  readonly keyGroups: number;
  /** The job's lease store: the published pointers and committables retention must spare. */
  readonly leaseStore: LeaseStore;
  readonly logger: Logger;
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
  #publishes = 0;
  #collecting: Promise<void> | undefined;
  #retired = false;
  /** Savepoint names this run takes for a savepoint of the whole job, with the request's id. */
  readonly #requests = new Map<string, number>();

  constructor(settings: FencedCheckpointsSettings) {
    this.#settings = settings;
    this.description = `${settings.store.description}, published fenced by "${settings.coordinator.workerId}"`;
    this.#carried = new Set(settings.leases.flatMap((lease) => lease.keyGroups));
  }

  /** The highest checkpoint id a commit was started for: the next run numbers after it. */
  get highestId(): number {
    return this.#highestId;
  }

  /**
   * The savepoint `name` this run is about to take is its part of the savepoint request `id` of
   * the whole job: its publish is tagged with the request, which stages it.
   */
  tagSavepoint(name: string, id: number): void {
    this.#requests.set(name, id);
  }

  /** The run is being replaced: refusals from now on are expected, not news. */
  retire(): void {
    this.#retired = true;
  }

  /** Resolves once no commit is in flight (the next run restores what the last one published). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    await this.#collecting;
  }

  commit(checkpoint: CheckpointToStore, retain: number): Promise<void> {
    this.#highestId = Math.max(this.#highestId, checkpoint.manifest.checkpointId);
    const commit = this.#commit(checkpoint).then(() => this.#collectNow(retain));
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
    const { sourceId } = this.#settings;
    const positions = checkpoint.manifest.sources[sourceId] ?? {};
    const watermarks = checkpoint.manifest.splitWatermarks?.[sourceId] ?? {};
    const result = await coordinator.publish({
      leases: this.#settings.leases.map(({ leaseKey }) =>
        leaseKey in positions
          ? { leaseKey, checkpoint: positionToCheckpoint(positions[leaseKey], watermarks[leaseKey]) }
          : { leaseKey },
      ),
      keyGroups,
      committables: committablesOf(checkpoint.manifest),
      savepoint: this.#requestOf(checkpoint.manifest),
    });
    if (!result.ok) {
      const error = new CheckpointFailedError(
        `checkpoint ${checkpoint.manifest.checkpointId} of "${coordinator.workerId}" was refused by the lease store, so it does not count: ${result.message}`,
      );
      this.#refused(error);
      throw error;
    }
  }

  #requestOf(manifest: CheckpointManifest): number | undefined {
    if (manifest.kind !== "savepoint" || manifest.savepointName === undefined) return undefined;
    return this.#requests.get(manifest.savepointName);
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

  /** Every few publishes, in the background: per-worker retention (see {@link collectWorkerCheckpoints}). */
  #collectNow(retain: number): void {
    const { store, coordinator, leaseStore, job, keyGroups, logger } = this.#settings;
    if (++this.#publishes % COLLECT_EVERY_PUBLISHES !== 0 || this.#collecting || !isSharedBlobStore(store))
      return;
    const { workerId, incarnation } = coordinator;
    this.#collecting = collectWorkerCheckpoints({
      job,
      workerId,
      incarnation,
      retain,
      keyGroups,
      store,
      leases: leaseStore,
    })
      .then(
        () => undefined,
        (error: unknown) => {
          logger.warn(
            `"${workerId}" could not drop its old checkpoints (${(error as Error).message}); it keeps them until the next try`,
          );
        },
      )
      .finally(() => {
        this.#collecting = undefined;
      });
  }

  #refused(error: Error): void {
    if (!this.#retired) this.#settings.onRefused(error);
  }
}
