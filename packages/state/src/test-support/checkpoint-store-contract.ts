import { type BlobRef, type CheckpointStore, CorruptCheckpointError } from "@eddy/core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CheckpointBuilder, refsOf, uniqueJob } from "./checkpoint-builder.ts";

/** A store under test, with the one thing the contract cannot do through the interface. */
export interface StoreUnderTest {
  readonly store: CheckpointStore;
  /** Changes the stored bytes of a blob, as a disk or a bug might. */
  corrupt(ref: BlobRef): Promise<void>;
  close(): Promise<void>;
}

const ALL_FULL = { 0: "full", 1: "full", 2: "full", 3: "full" } as const;

/**
 * The contract every {@link CheckpointStore} keeps (see its TSDoc), as a vitest suite: run it once
 * per implementation with a factory for a fresh store. Tests use job names of their own, so one
 * store may serve them all.
 */
export function checkpointStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`${name} keeps the CheckpointStore contract`, () => {
    let subject: StoreUnderTest;
    let store: CheckpointStore;
    beforeAll(async () => {
      subject = await open();
      store = subject.store;
    });
    afterAll(async () => {
      await subject.close();
    });

    const readAll = async (refs: BlobRef[]) => Promise.all(refs.map((ref) => store.readBlob(ref)));
    const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

    test("an unknown job has no checkpoints and no savepoints", async () => {
      const job = uniqueJob("unknown");
      expect(await store.checkpoints(job)).toEqual([]);
      expect(await store.savepoint(job, "v1")).toBeUndefined();
    });

    test("a committed checkpoint reads back: manifest and every blob", async () => {
      const job = uniqueJob("read-back");
      const first = new CheckpointBuilder(job).next(1, ALL_FULL, { sources: { "0": { seq: "4961" } } });
      await store.commit(first, 3);
      const [manifest] = await store.checkpoints(job);
      expect(manifest).toEqual(first.manifest);
      for (const ref of refsOf(first.manifest)) {
        expect(text(await store.readBlob(ref))).toBe(text(first.blobs.get(ref.key)!));
      }
    });

    test("checkpoints come newest first; the latest is the newest committed", async () => {
      const job = uniqueJob("newest");
      const builder = new CheckpointBuilder(job);
      await store.commit(builder.next(1, ALL_FULL), 10);
      await store.commit(builder.next(2, { 1: "delta" }), 10);
      await store.commit(builder.next(3, { 2: "delta" }), 10);
      expect((await store.checkpoints(job)).map((m) => m.checkpointId)).toEqual([3, 2, 1]);
    });

    test("retention keeps the newest N and deletes older blobs, but not blobs kept chains share", async () => {
      const job = uniqueJob("retention");
      const builder = new CheckpointBuilder(job);
      const taken = [
        builder.next(1, ALL_FULL),
        builder.next(2, { 0: "delta", 1: "full" }),
        builder.next(3, { 0: "delta", 1: "full" }),
        builder.next(4, { 0: "delta", 1: "full" }),
      ];
      for (const checkpoint of taken) await store.commit(checkpoint, 2);
      const kept = await store.checkpoints(job);
      expect(kept.map((m) => m.checkpointId)).toEqual([4, 3]);
      // Group 0 of checkpoint 4 is the full blob of checkpoint 1 plus three deltas.
      const chain = kept[0]!.operators.op!.keyGroups[0]!;
      expect(chain.map((ref) => ref.key)).toEqual([1, 2, 3, 4].map((id) => `${job}/${id}/op/kg0`));
      await expect(readAll(refsOf(kept[0]!))).resolves.toHaveLength(refsOf(kept[0]!).length);
      await expect(readAll(refsOf(kept[1]!))).resolves.toHaveLength(refsOf(kept[1]!).length);
      // What only checkpoints 1 and 2 referenced is gone.
      for (const id of [1, 2]) {
        const dropped = taken[id - 1]!.manifest;
        for (const ref of [dropped.operators.op!.keyGroups[1]![0]!, dropped.operators.op!.operator!]) {
          await expect(store.readBlob(ref)).rejects.toThrow(CorruptCheckpointError);
        }
      }
    });

    test("savepoints are found by name, are listed while recent, and survive retention", async () => {
      const job = uniqueJob("savepoints");
      const builder = new CheckpointBuilder(job);
      await store.commit(builder.next(1, ALL_FULL), 2);
      const savepoint = builder.next(2, ALL_FULL, { kind: "savepoint", name: "before-upgrade" });
      await store.commit(savepoint, 2);
      // A restart resumes from a final savepoint: it is the latest checkpoint.
      expect((await store.checkpoints(job))[0]).toEqual(savepoint.manifest);
      // Checkpoints after it chain on its blobs.
      for (let id = 3; id <= 6; id++) await store.commit(builder.next(id, { 3: "delta" }), 2);

      expect((await store.checkpoints(job)).map((m) => m.checkpointId)).toEqual([6, 5]);
      const found = await store.savepoint(job, "before-upgrade");
      expect(found).toEqual(savepoint.manifest);
      await expect(readAll(refsOf(found!))).resolves.toHaveLength(refsOf(found!).length);
      expect(await store.savepoint(job, "another")).toBeUndefined();
    });

    test("a blob whose bytes changed fails its checksum with CorruptCheckpointError", async () => {
      const job = uniqueJob("corrupt");
      const checkpoint = new CheckpointBuilder(job).next(1, ALL_FULL);
      await store.commit(checkpoint, 3);
      const ref = checkpoint.manifest.operators.op!.keyGroups[2]![0]!;
      await subject.corrupt(ref);
      await expect(store.readBlob(ref)).rejects.toThrow(CorruptCheckpointError);
      await expect(store.readBlob(ref)).rejects.toThrow(/checksum/);
      const other = checkpoint.manifest.operators.op!.keyGroups[1]![0]!;
      expect(text(await store.readBlob(other))).toBe(`${job} 1 1 full`);
    });

    test("a ref with another checksum, or to a blob never stored, fails with CorruptCheckpointError", async () => {
      const job = uniqueJob("bad-ref");
      const checkpoint = new CheckpointBuilder(job).next(1, ALL_FULL);
      await store.commit(checkpoint, 3);
      const ref = checkpoint.manifest.operators.op!.operator!;
      await expect(store.readBlob({ ...ref, checksum: "0".repeat(64) })).rejects.toThrow(
        CorruptCheckpointError,
      );
      await expect(store.readBlob({ ...ref, key: `${job}/9/op/op` })).rejects.toThrow(CorruptCheckpointError);
    });

    test("a checkpoint id committed again replaces the stored one (a retry, or a restarted run)", async () => {
      const job = uniqueJob("retry");
      const builder = new CheckpointBuilder(job);
      await store.commit(builder.next(1, ALL_FULL), 2);
      const second = builder.next(2, { 0: "delta" });
      // The coordinator retries a commit whose outcome it does not know with the same checkpoint.
      await store.commit(second, 2);
      await store.commit(second, 2);
      expect((await store.checkpoints(job)).map((m) => m.checkpointId)).toEqual([2, 1]);

      // A run restarted from checkpoint 1 numbers its next checkpoint 2 again.
      const restarted = new CheckpointBuilder(job);
      restarted.next(1, ALL_FULL);
      const again = restarted.next(2, { 1: "delta" }, { salt: "restarted" });
      await store.commit(again, 2);
      const kept = await store.checkpoints(job);
      expect(kept).toEqual([again.manifest, expect.objectContaining({ checkpointId: 1 })]);
      await expect(readAll(refsOf(kept[0]!))).resolves.toHaveLength(refsOf(kept[0]!).length);
      await expect(readAll(refsOf(kept[1]!))).resolves.toHaveLength(refsOf(kept[1]!).length);
    });

    test("jobs do not see or delete each other's checkpoints", async () => {
      const a = new CheckpointBuilder(uniqueJob("job-a"));
      const b = new CheckpointBuilder(uniqueJob("job-b"));
      const kept = b.next(1, ALL_FULL);
      await store.commit(kept, 1);
      for (let id = 1; id <= 3; id++) await store.commit(a.next(id, ALL_FULL), 1);
      expect((await store.checkpoints(b.job)).map((m) => m.checkpointId)).toEqual([1]);
      expect((await store.checkpoints(a.job)).map((m) => m.checkpointId)).toEqual([3]);
      await expect(readAll(refsOf(kept.manifest))).resolves.toHaveLength(refsOf(kept.manifest).length);
    });
  });
}
