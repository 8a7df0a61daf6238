import {
  type BlobRef,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointManifest,
  type CheckpointStore,
  type CheckpointToStore,
  CorruptCheckpointError,
} from "./checkpoint-store.ts";
import {
  blobsFreedBy,
  type CheckpointStoreAdmin,
  type DeleteCheckpointOptions,
  refuseDeletingLatest,
  savepointNameOf,
} from "./checkpoint-store-admin.ts";
import { checksumOf } from "./checksum.ts";
import { planRetention } from "./retention.ts";
import type { SharedBlobStore } from "./shared-blob-store.ts";

/**
 * Checkpoints kept in this process's memory: for tests and for the embedded default, where a
 * restart of the process starts from scratch anyway. Same contract as the durable stores.
 *
 * @example
 * const store = new MemoryCheckpointStore();
 * const job = pipeline("fx-pricing", { checkpoints: { every: seconds(10), store } });
 * // … after a run:
 * const [latest] = await store.checkpoints("fx-pricing");
 */
export class MemoryCheckpointStore implements CheckpointStore, CheckpointStoreAdmin, SharedBlobStore {
  readonly description = "memory";
  readonly #blobs = new Map<string, Uint8Array>();
  readonly #checkpoints = new Map<string, CheckpointManifest[]>();
  readonly #savepoints = new Map<string, Map<string, CheckpointManifest>>();

  async commit({ manifest, blobs }: CheckpointToStore, retain: number): Promise<void> {
    if (manifest.version !== CHECKPOINT_FORMAT_VERSION) {
      throw new Error(
        `checkpoint ${manifest.checkpointId} of job "${manifest.job}" has format version ${String(manifest.version)}; this store keeps version ${CHECKPOINT_FORMAT_VERSION}`,
      );
    }
    for (const [key, bytes] of blobs) this.#blobs.set(key, bytes.slice());
    const copy = structuredClone(manifest);
    if (manifest.kind === "savepoint") {
      const byName = this.#savepoints.get(manifest.job) ?? new Map<string, CheckpointManifest>();
      byName.set(savepointNameOf(manifest), copy);
      this.#savepoints.set(manifest.job, byName);
    }
    // A checkpoint id committed again (a rolled-back run's) replaces the stored one.
    const others = (this.#checkpoints.get(manifest.job) ?? []).filter(
      (m) => m.checkpointId !== manifest.checkpointId,
    );
    const all = [copy, ...others];
    const { drop, unreferencedBlobs } = planRetention(
      all,
      [...(this.#savepoints.get(manifest.job)?.values() ?? [])],
      retain,
    );
    this.#checkpoints.set(
      manifest.job,
      all.filter((m) => !drop.includes(m)),
    );
    for (const key of unreferencedBlobs) this.#blobs.delete(key);
  }

  async checkpoints(job: string): Promise<CheckpointManifest[]> {
    return [...(this.#checkpoints.get(job) ?? [])].sort((a, b) => b.checkpointId - a.checkpointId);
  }

  async savepoint(job: string, name: string): Promise<CheckpointManifest | undefined> {
    return this.#savepoints.get(job)?.get(name);
  }

  async jobs(): Promise<string[]> {
    const jobs = new Set<string>();
    for (const [job, list] of this.#checkpoints) if (list.length > 0) jobs.add(job);
    for (const [job, byName] of this.#savepoints) if (byName.size > 0) jobs.add(job);
    return [...jobs].sort();
  }

  async savepoints(job: string): Promise<CheckpointManifest[]> {
    return [...(this.#savepoints.get(job)?.values() ?? [])].sort((a, b) => b.checkpointId - a.checkpointId);
  }

  async deleteCheckpoint(
    job: string,
    checkpointId: number,
    options?: DeleteCheckpointOptions,
  ): Promise<boolean> {
    const checkpoints = this.#checkpoints.get(job) ?? [];
    const removed = checkpoints.find((m) => m.checkpointId === checkpointId);
    if (removed === undefined) return false;
    refuseDeletingLatest(job, checkpoints, checkpointId, options);
    const kept = checkpoints.filter((m) => m !== removed);
    this.#checkpoints.set(job, kept);
    this.#deleteBlobs(blobsFreedBy(removed, [...kept, ...(await this.savepoints(job))]));
    return true;
  }

  async deleteSavepoint(job: string, name: string): Promise<boolean> {
    const byName = this.#savepoints.get(job);
    const removed = byName?.get(name);
    if (byName === undefined || removed === undefined) return false;
    byName.delete(name);
    this.#deleteBlobs(blobsFreedBy(removed, [...(this.#checkpoints.get(job) ?? []), ...byName.values()]));
    return true;
  }

  async forgetCheckpoints(job: string, checkpointIds: readonly number[]): Promise<void> {
    const forgotten = new Set(checkpointIds);
    const kept = (this.#checkpoints.get(job) ?? []).filter(
      (m) => m.kind === "savepoint" || !forgotten.has(m.checkpointId),
    );
    this.#checkpoints.set(job, kept);
  }

  async deleteBlobs(refs: readonly BlobRef[]): Promise<void> {
    this.#deleteBlobs(refs.map((ref) => ref.key));
  }

  /** How many blobs the store holds (for tests of retention). */
  get blobCount(): number {
    return this.#blobs.size;
  }

  async readBlob(ref: BlobRef): Promise<Uint8Array> {
    const bytes = this.#blobs.get(ref.key);
    if (!bytes) throw new CorruptCheckpointError(`blob ${ref.key} is missing from the memory store`);
    if (checksumOf(bytes) !== ref.checksum)
      throw new CorruptCheckpointError(`blob ${ref.key} fails its checksum`);
    return bytes;
  }

  #deleteBlobs(keys: readonly string[]): void {
    for (const key of keys) this.#blobs.delete(key);
  }

  /** Test hook: overwrite a stored blob's bytes, as a disk or a bug might. */
  corruptBlob(key: string): void {
    const bytes = this.#blobs.get(key);
    if (bytes && bytes.length > 0) bytes[0] = bytes[0]! ^ 0xff;
  }
}
