import type { BlobRef, CheckpointManifest, CheckpointStore } from "./checkpoint-store.ts";

/**
 * Options of {@link CheckpointStoreAdmin.deleteCheckpoint}.
 *
 * @example
 * const admin = new MemoryCheckpointStore();
 * await admin.deleteCheckpoint("fx-pricing", 42, { force: true } satisfies DeleteCheckpointOptions);
 */
export interface DeleteCheckpointOptions {
  /**
   * Delete the job's latest checkpoint too. A restart then resumes from the one before it, and a
   * job running at the time may fail its next checkpoint (it builds on the deleted one's blobs).
   */
  readonly force?: boolean;
}

/**
 * What operations tooling (the `eddy` command) needs beyond {@link CheckpointStore}: listing jobs
 * and savepoints, and deleting checkpoints and savepoints. A separate interface, so a store written
 * before it existed still compiles as a `CheckpointStore`; {@link isCheckpointStoreAdmin} tells
 * whether a store has it. Every store of Eddy implements it. Contract (checked by the contract kit):
 *
 * - a deletion removes the manifest, then deletes only blobs that no other retained checkpoint and
 *   no savepoint references (incremental checkpoints share blobs);
 * - `deleteCheckpoint` refuses the job's latest checkpoint with
 *   {@link CheckpointDeletionRefusedError} unless `force` is given: it is what a restart resumes from;
 * - a checkpoint that is also a savepoint stays a savepoint, and a savepoint deleted stays among
 *   the checkpoints while retention keeps it;
 * - deleting what is not there resolves `false` and changes nothing.
 *
 * @example
 * if (isCheckpointStoreAdmin(store)) {
 *   for (const job of await store.jobs()) {
 *     const [latest, ...older] = await store.checkpoints(job);
 *     for (const old of older) await store.deleteCheckpoint(job, old.checkpointId);
 *     console.log(job, "kept", latest?.checkpointId);
 *   }
 * }
 */
export interface CheckpointStoreAdmin {
  /** Names of the jobs that have checkpoints or savepoints in the store, sorted. */
  jobs(): Promise<string[]>;
  /** Every savepoint of a job, newest first. */
  savepoints(job: string): Promise<CheckpointManifest[]>;
  /**
   * Deletes a retained checkpoint and the blobs nothing else references; `false` when the job has
   * no such checkpoint. Refuses the latest unless `options.force`.
   */
  deleteCheckpoint(job: string, checkpointId: number, options?: DeleteCheckpointOptions): Promise<boolean>;
  /** Deletes a savepoint by name and the blobs nothing else references; `false` when there is none. */
  deleteSavepoint(job: string, name: string): Promise<boolean>;
}

/**
 * Whether `store` also has the {@link CheckpointStoreAdmin} operations.
 *
 * @example
 * if (!isCheckpointStoreAdmin(store)) throw new Error(`${store.description} cannot list or delete checkpoints`);
 * const jobs = await store.jobs();
 */
export function isCheckpointStoreAdmin(
  store: CheckpointStore,
): store is CheckpointStore & CheckpointStoreAdmin {
  const admin = store as Partial<CheckpointStoreAdmin>;
  return (
    typeof admin.jobs === "function" &&
    typeof admin.savepoints === "function" &&
    typeof admin.deleteCheckpoint === "function" &&
    typeof admin.deleteSavepoint === "function"
  );
}

/**
 * A deletion that would lose what a restart needs: the latest checkpoint without `force`.
 *
 * @example
 * const admin = new MemoryCheckpointStore();
 * try {
 *   await admin.deleteCheckpoint("fx-pricing", 42);
 * } catch (error) {
 *   if (error instanceof CheckpointDeletionRefusedError) console.error(error.message);
 * }
 */
export class CheckpointDeletionRefusedError extends Error {
  /** Always `"CheckpointDeletionRefusedError"`. */
  override readonly name = "CheckpointDeletionRefusedError";
}

/**
 * Throws {@link CheckpointDeletionRefusedError} when `checkpointId` is the newest of `checkpoints`
 * (the job's retained checkpoints, or their index entries) and `force` is not set. Stores call it
 * before they delete.
 *
 * @example
 * refuseDeletingLatest("fx-pricing", await store.checkpoints("fx-pricing"), 42, {});
 */
export function refuseDeletingLatest(
  job: string,
  checkpoints: readonly Pick<CheckpointManifest, "checkpointId">[],
  checkpointId: number,
  options: DeleteCheckpointOptions | undefined,
): void {
  if (options?.force) return;
  const newest = Math.max(...checkpoints.map((m) => m.checkpointId));
  if (checkpointId === newest) {
    throw new CheckpointDeletionRefusedError(
      `checkpoint ${checkpointId} is the latest of job "${job}": a restart resumes from it; delete it with force (eddy checkpoints delete --force) only if the job must not resume from it`,
    );
  }
}

/**
 * The blobs of `removed` that no manifest of `remaining` references: what a deletion may delete.
 * `blobKey` names a blob as the store keys it (default: `ref.key`).
 *
 * @example
 * const [latest, ...older] = await store.checkpoints("fx-pricing");
 * const freed = blobsFreedBy(older.at(-1)!, [latest!, ...older.slice(0, -1)]);
 */
export function blobsFreedBy(
  removed: CheckpointManifest,
  remaining: readonly CheckpointManifest[],
  blobKey: (ref: BlobRef) => string = (ref) => ref.key,
): string[] {
  const live = new Set<string>();
  for (const manifest of remaining) for (const ref of refsOf(manifest)) live.add(blobKey(ref));
  const freed = new Set<string>();
  for (const ref of refsOf(removed)) {
    const key = blobKey(ref);
    if (!live.has(key)) freed.add(key);
  }
  return [...freed];
}

function* refsOf(manifest: CheckpointManifest): Generator<BlobRef> {
  for (const operator of Object.values(manifest.operators)) {
    if (operator.operator) yield operator.operator;
    for (const chain of Object.values(operator.keyGroups)) yield* chain;
  }
  yield* Object.values(manifest.sinks);
}

/**
 * The name a store files a savepoint under: its `savepointName`, else its checkpoint id.
 *
 * @example
 * const admin = new MemoryCheckpointStore();
 * const names = (await admin.savepoints("fx-pricing")).map(savepointNameOf);
 */
export function savepointNameOf(manifest: CheckpointManifest): string {
  return manifest.savepointName ?? String(manifest.checkpointId);
}
