import { describe, expect, test } from "vitest";
import {
  type BlobRef,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointManifest,
  type CheckpointStore,
  type CheckpointToStore,
  CorruptCheckpointError,
} from "../checkpoint/checkpoint-store.ts";
import {
  blobsFreedBy,
  type CheckpointStoreAdmin,
  type DeleteCheckpointOptions,
  refuseDeletingLatest,
} from "../checkpoint/checkpoint-store-admin.ts";
import { checksumOf } from "../checkpoint/checksum.ts";
import { blobKeysOf } from "../checkpoint/retention.ts";
import { checkpointStoreContract } from "./checkpoint-store-contract.ts";
import type { ContractCase } from "./contract-case.ts";
import { violationOf } from "./test-support/violation-of.ts";

/** How the naive store misbehaves. */
interface Flaws {
  readonly oldestFirst?: boolean;
  readonly trustsBlobs?: boolean;
  readonly deletesSharedBlobs?: boolean;
  readonly anyVersion?: boolean;
  readonly deletesLatest?: boolean;
  readonly deletesSharedOnDelete?: boolean;
}

/** A store kept in maps, written for this test with the flaws it is told to have. */
class NaiveStore implements CheckpointStore, CheckpointStoreAdmin {
  readonly description = "naive";
  readonly blobs = new Map<string, Uint8Array>();
  readonly #checkpoints = new Map<string, CheckpointManifest[]>();
  readonly #savepoints = new Map<string, CheckpointManifest>();

  constructor(private readonly flaws: Flaws) {}

  async commit({ manifest, blobs }: CheckpointToStore, retain: number): Promise<void> {
    if (manifest.version !== CHECKPOINT_FORMAT_VERSION && !this.flaws.anyVersion) {
      throw new Error(`format version ${manifest.version}`);
    }
    for (const [key, bytes] of blobs) this.blobs.set(key, bytes);
    if (manifest.kind === "savepoint")
      this.#savepoints.set(`${manifest.job}/${manifest.savepointName}`, manifest);
    const all = [
      manifest,
      ...(this.#checkpoints.get(manifest.job) ?? []).filter((m) => m.checkpointId !== manifest.checkpointId),
    ];
    all.sort((a, b) => b.checkpointId - a.checkpointId);
    const kept = all.slice(0, retain);
    const live = new Set([...kept, ...this.#savepoints.values()].flatMap((m) => [...blobKeysOf(m)]));
    for (const dropped of all.slice(retain)) {
      for (const key of blobKeysOf(dropped))
        if (this.flaws.deletesSharedBlobs || !live.has(key)) this.blobs.delete(key);
    }
    this.#checkpoints.set(manifest.job, kept);
  }

  async checkpoints(job: string): Promise<CheckpointManifest[]> {
    const listed = [...(this.#checkpoints.get(job) ?? [])];
    return this.flaws.oldestFirst ? listed.reverse() : listed;
  }

  async savepoint(job: string, name: string): Promise<CheckpointManifest | undefined> {
    return this.#savepoints.get(`${job}/${name}`);
  }

  async jobs(): Promise<string[]> {
    const jobs = [...this.#checkpoints].filter(([, list]) => list.length > 0).map(([job]) => job);
    for (const savepoint of this.#savepoints.values()) jobs.push(savepoint.job);
    return [...new Set(jobs)].sort();
  }

  async savepoints(job: string): Promise<CheckpointManifest[]> {
    return [...this.#savepoints.values()]
      .filter((m) => m.job === job)
      .sort((a, b) => b.checkpointId - a.checkpointId);
  }

  async deleteCheckpoint(job: string, id: number, options?: DeleteCheckpointOptions): Promise<boolean> {
    const list = this.#checkpoints.get(job) ?? [];
    const removed = list.find((m) => m.checkpointId === id);
    if (!removed) return false;
    if (!this.flaws.deletesLatest) refuseDeletingLatest(job, list, id, options);
    const kept = list.filter((m) => m !== removed);
    this.#checkpoints.set(job, kept);
    this.#free(removed, [...kept, ...(await this.savepoints(job))]);
    return true;
  }

  async deleteSavepoint(job: string, name: string): Promise<boolean> {
    const removed = this.#savepoints.get(`${job}/${name}`);
    if (!removed) return false;
    this.#savepoints.delete(`${job}/${name}`);
    this.#free(removed, [...(this.#checkpoints.get(job) ?? []), ...(await this.savepoints(job))]);
    return true;
  }

  #free(removed: CheckpointManifest, remaining: CheckpointManifest[]): void {
    const keys = this.flaws.deletesSharedOnDelete ? blobKeysOf(removed) : blobsFreedBy(removed, remaining);
    for (const key of keys) this.blobs.delete(key);
  }

  async readBlob(ref: BlobRef): Promise<Uint8Array> {
    const bytes = this.blobs.get(ref.key);
    if (bytes === undefined) throw new CorruptCheckpointError(`${ref.key} is missing`);
    if (!this.flaws.trustsBlobs && checksumOf(bytes) !== ref.checksum) {
      throw new CorruptCheckpointError(`${ref.key} fails its checksum`);
    }
    return bytes;
  }
}

function contract(flaws: Flaws): ContractCase[] {
  return checkpointStoreContract({
    open: () => new NaiveStore(flaws),
    corrupt: (store, ref) => {
      store.blobs.set(ref.key, new TextEncoder().encode("garbage"));
    },
  });
}

describe("checkpointStoreContract", () => {
  describe("passes a store that keeps the contract", () => {
    const cases = contract({});
    test("sixteen cases without interruptedCommit", () => expect(cases).toHaveLength(16));
    for (const c of cases) test(c.name, c.run);
  });

  test("fails a store that lists the oldest first", async () => {
    expect(await violationOf(contract({ oldestFirst: true }), /newest first/)).toMatch(
      /after committing 1, 2, 3 with retain 10, checkpoints\("newest-\w+"\) lists ids \[ 1, 2, 3 \], not \[ 3, 2, 1 \]/,
    );
  });

  test("fails a store that does not verify checksums", async () => {
    expect(await violationOf(contract({ trustsBlobs: true }), /bytes changed/)).toMatch(
      /readBlob of corrupt-\w+\/1\/op\/kg2 after its bytes changed resolved; it should have rejected/,
    );
  });

  test("fails a store whose retention deletes blobs a kept checkpoint shares", async () => {
    expect(await violationOf(contract({ deletesSharedBlobs: true }), /retention keeps/)).toMatch(
      /blob retention-\w+\/1\/op\/kg0 of kept checkpoint 4 cannot be read/,
    );
  });

  test("fails a store that takes manifests of another format version", async () => {
    expect(await violationOf(contract({ anyVersion: true }), /format version/)).toMatch(
      new RegExp(`commit of a manifest of format version ${CHECKPOINT_FORMAT_VERSION + 1} resolved`),
    );
  });

  test("runs the half-written commit with interruptedCommit, and fails a store that publishes it", async () => {
    const cases = checkpointStoreContract({
      open: () => new NaiveStore({}),
      corrupt: () => {},
      // A "crash" that is no crash: the commit completes.
      interruptedCommit: (store, checkpoint, retain) => store.commit(checkpoint, retain),
    });
    expect(cases).toHaveLength(17);
    expect(await violationOf(cases, /dies before it publishes/)).toMatch(
      /after a commit of checkpoint 2 died, checkpoints\("died-\w+"\) lists ids \[ 2, 1 \], not \[ 1 \]/,
    );
  });

  test("fails a store that deletes the latest checkpoint without force", async () => {
    expect(await violationOf(contract({ deletesLatest: true }), /only with force/)).toMatch(
      /deleteCheckpoint of the latest checkpoint without force resolved; it should have rejected/,
    );
  });

  test("fails a store whose deletion deletes blobs a kept checkpoint shares", async () => {
    expect(await violationOf(contract({ deletesSharedOnDelete: true }), /deleting a checkpoint/)).toMatch(
      /blob delete-\w+\/1\/op\/kg0 of kept checkpoint 3 cannot be read/,
    );
  });

  test("fails a store without the admin operations, and leaves their cases out with admin: false", async () => {
    const plain: CheckpointStore = new MemoryStoreWithoutAdmin();
    const cases = checkpointStoreContract({ open: () => plain, corrupt: () => {} });
    expect(await violationOf(cases, /jobs\(\) lists/)).toMatch(/lacks the CheckpointStoreAdmin operations/);
    expect(checkpointStoreContract({ open: () => plain, corrupt: () => {}, admin: false })).toHaveLength(11);
  });
});

/** A store with only the CheckpointStore members (a third-party store written before the admin interface). */
class MemoryStoreWithoutAdmin implements CheckpointStore {
  readonly description = "without admin";
  readonly #inner = new NaiveStore({});
  commit(checkpoint: CheckpointToStore, retain: number): Promise<void> {
    return this.#inner.commit(checkpoint, retain);
  }
  checkpoints(job: string): Promise<CheckpointManifest[]> {
    return this.#inner.checkpoints(job);
  }
  savepoint(job: string, name: string): Promise<CheckpointManifest | undefined> {
    return this.#inner.savepoint(job, name);
  }
  readBlob(ref: BlobRef): Promise<Uint8Array> {
    return this.#inner.readBlob(ref);
  }
}
