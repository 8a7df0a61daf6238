import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CheckpointToStore, CorruptCheckpointError } from "@eddy/core";
import { blobRefsOf, CheckpointBuilder, checkpointStoreContract, uniqueName } from "@eddy/core/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type FileCheckpointStore, fileCheckpoints } from "./file-checkpoint-store.ts";
import { CheckpointFormatError } from "./manifest-json.ts";

const ALL_FULL = { 0: "full", 1: "full", 2: "full", 3: "full" } as const;
let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "eddy-file-store-"));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Flips the first byte of a stored blob, as a disk or a bug might. */
async function corrupt(store: FileCheckpointStore, ref: { key: string; checksum: string }): Promise<void> {
  const path = join(store.directory, "blobs", store.blobFile(ref));
  const bytes = await readFile(path);
  bytes[0] = bytes[0]! ^ 0xff;
  await writeFile(path, bytes);
}

/**
 * What a process killed between its blob writes and the index rename leaves behind: the blobs of
 * `checkpoint` and the pending file listing them. Returns the blob files' names.
 */
async function dieAfterWritingBlobs(
  store: FileCheckpointStore,
  checkpoint: CheckpointToStore,
): Promise<string[]> {
  const files = [...checkpoint.blobs].map(([key, bytes]) => {
    const ref = blobRefsOf(checkpoint.manifest).find((r) => r.key === key)!;
    return { name: store.blobFile(ref), bytes };
  });
  for (const file of files) await writeFile(join(store.directory, "blobs", file.name), file.bytes);
  await writeFile(
    join(store.directory, "jobs", encodeURIComponent(checkpoint.manifest.job), "pending.json"),
    JSON.stringify(files.map((f) => f.name)),
  );
  return files.map((f) => f.name);
}

describe("FileCheckpointStore keeps the CheckpointStore contract", () => {
  const cases = checkpointStoreContract({
    open: () => fileCheckpoints(join(directory, "contract")),
    corrupt,
    interruptedCommit: async (store, checkpoint) => {
      await dieAfterWritingBlobs(store, checkpoint);
    },
  });
  for (const c of cases) test(c.name, c.run);
});

describe("FileCheckpointStore on disk", () => {
  test("a store opened again on the same directory finds every checkpoint (a restarted process)", async () => {
    const root = join(directory, "reopen");
    const job = uniqueName("reopen");
    const builder = new CheckpointBuilder(job);
    const first = builder.next(1, ALL_FULL);
    await fileCheckpoints(root, { fsync: false }).commit(first, 3);
    const savepoint = builder.next(2, ALL_FULL, { kind: "savepoint", name: "v1" });
    await fileCheckpoints(root, { fsync: false }).commit(savepoint, 3);

    const reopened = fileCheckpoints(root);
    expect((await reopened.checkpoints(job)).map((m) => m.checkpointId)).toEqual([2, 1]);
    expect(await reopened.savepoint(job, "v1")).toEqual(savepoint.manifest);
    for (const ref of blobRefsOf(first.manifest)) {
      expect(new TextDecoder().decode(await reopened.readBlob(ref))).toBe(
        new TextDecoder().decode(first.blobs.get(ref.key)!),
      );
    }
  });

  test("blobs of a commit that died before publishing are deleted by the next commit; the latest stays", async () => {
    const root = join(directory, "died");
    const store = fileCheckpoints(root, { fsync: false });
    const job = uniqueName("died");
    const builder = new CheckpointBuilder(job);
    await store.commit(builder.next(1, ALL_FULL), 3);
    const blobsAfterFirst = await readdir(join(root, "blobs"));

    const deadFiles = await dieAfterWritingBlobs(store, builder.next(2, { 0: "delta" }));
    expect((await store.checkpoints(job)).map((m) => m.checkpointId)).toEqual([1]);

    const restarted = new CheckpointBuilder(job);
    restarted.next(1, ALL_FULL);
    await store.commit(restarted.next(3, { 1: "delta" }, { salt: "after-restart" }), 3);
    const remaining = new Set(await readdir(join(root, "blobs")));
    for (const file of deadFiles) expect(remaining.has(file)).toBe(false);
    for (const file of blobsAfterFirst) expect(remaining.has(file)).toBe(true);
    expect((await store.checkpoints(job)).map((m) => m.checkpointId)).toEqual([3, 1]);
  });

  test("an index of another format version is refused with a clear error", async () => {
    const root = join(directory, "format");
    const store = fileCheckpoints(root, { fsync: false });
    const job = uniqueName("format");
    await store.commit(new CheckpointBuilder(job).next(1, ALL_FULL), 3);
    const index = join(root, "jobs", encodeURIComponent(job), "index.json");
    const stored = JSON.parse(await readFile(index, "utf8")) as Record<string, unknown>;
    await writeFile(index, JSON.stringify({ ...stored, format: 99 }));
    await expect(store.checkpoints(job)).rejects.toThrow(CheckpointFormatError);
    await expect(store.checkpoints(job)).rejects.toThrow(/format version 99/);
    await writeFile(index, "{ not json");
    await expect(store.checkpoints(job)).rejects.toThrow(CorruptCheckpointError);
  });
});
