import type { BlobRef, CheckpointStore } from "./checkpoint-store.ts";
import type { CheckpointStoreAdmin } from "./checkpoint-store-admin.ts";

/**
 * A store whose blobs the checkpoints of several writers share — the workers of one job, whose
 * key-group chains extend blobs another worker wrote. Retention there cannot be a store's own
 * (it would delete blobs of a writer's old checkpoints that another writer's chain still
 * reaches): the job drops manifests and deletes blobs itself, after it has looked at every
 * reference (see `collectWorkerCheckpoints`). `MemoryCheckpointStore` and `redisCheckpoints`
 * implement it.
 *
 * @example
 * if (isSharedBlobStore(store)) await store.forgetCheckpoints("fx@worker-a#3", [11, 12]);
 * declare const store: CheckpointStore;
 */
export interface SharedBlobStore {
  /** Removes checkpoints (never savepoints) of `job` by id, leaving every blob they reference. */
  forgetCheckpoints(job: string, checkpointIds: readonly number[]): Promise<void>;
  /** Deletes blobs; one already gone is skipped. */
  deleteBlobs(refs: readonly BlobRef[]): Promise<void>;
}

/**
 * Whether `store` can list its jobs and checkpoints and drop manifests and blobs separately.
 *
 * @example
 * if (!isSharedBlobStore(store)) console.warn(`${store.description} keeps every checkpoint of the workers`);
 * declare const store: CheckpointStore;
 */
export function isSharedBlobStore(
  store: CheckpointStore,
): store is CheckpointStore & CheckpointStoreAdmin & SharedBlobStore {
  const shared = store as Partial<SharedBlobStore & CheckpointStoreAdmin>;
  return (
    typeof shared.forgetCheckpoints === "function" &&
    typeof shared.deleteBlobs === "function" &&
    typeof shared.jobs === "function" &&
    typeof shared.savepoints === "function"
  );
}
