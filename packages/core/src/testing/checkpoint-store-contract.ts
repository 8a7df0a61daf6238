import {
  type BlobRef,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointStore,
  type CheckpointToStore,
} from "../checkpoint/checkpoint-store.ts";
import { blobRefsOf, CheckpointBuilder, uniqueName } from "./checkpoint-builder.ts";
import { checkpointStoreAdminCases } from "./checkpoint-store-admin-contract.ts";
import { checkBlob, checkCorrupt, checkIds, checkManifest, readAll } from "./checkpoint-store-checks.ts";
import type { ContractCase } from "./contract-case.ts";
import { check, rejection, sameJson, show, withOpened } from "./contract-checks.ts";

/**
 * What {@link checkpointStoreContract} tests: how to open the store, and what the contract cannot
 * do through the store's interface.
 *
 * @example
 * const options: CheckpointStoreContractOptions<MemoryCheckpointStore> = {
 *   open: () => new MemoryCheckpointStore(),
 *   corrupt: (store, ref) => store.corruptBlob(ref.key),
 * };
 */
export interface CheckpointStoreContractOptions<TStore extends CheckpointStore = CheckpointStore> {
  /**
   * Opens a store to test; called once per case. Cases use job names of their own, so the stores
   * may share one server or directory.
   */
  open(): TStore | Promise<TStore>;
  /** Changes the stored bytes of a blob, as a disk or a bug might (flip a byte). */
  corrupt(store: TStore, ref: BlobRef): Promise<void> | void;
  /**
   * Optional: commits `checkpoint` the way a process does that dies after writing its blobs and
   * before publishing the manifest, resolving once it has "died". Without it the kit leaves out
   * the case of the half-written commit.
   */
  interruptedCommit?(store: TStore, checkpoint: CheckpointToStore, retain: number): Promise<void>;
  /** Releases the store after a case; default: `store.close()`. */
  close?(store: TStore): Promise<void> | void;
  /**
   * Whether to run the cases of `CheckpointStoreAdmin` (listing jobs and savepoints,
   * deleting): default `true`, and a store without those operations fails them. Pass `false` for
   * a store that does not offer them.
   */
  readonly admin?: boolean;
}

const ALL_FULL = { 0: "full", 1: "full", 2: "full", 3: "full" } as const;

/**
 * The contract every {@link CheckpointStore} keeps, as framework-free test cases (run one test per
 * case; see {@link ContractCase}). It checks:
 *
 * - a job never committed has no checkpoints and no savepoints;
 * - a committed checkpoint reads back: its manifest as committed, every blob byte for byte;
 * - checkpoints are listed newest first;
 * - `commit` is atomic: a commit that dies after writing its blobs and before publishing leaves
 *   the previous latest in place and is never returned, and the next commit works (when the
 *   options give `interruptedCommit`);
 * - retention keeps the newest `retain` checkpoints and every savepoint, deletes what only dropped
 *   checkpoints referenced, and never a blob a kept manifest (or a savepoint) references;
 * - savepoints are found by name, listed among the checkpoints while they are recent, and a
 *   savepoint taken again under a name replaces it;
 * - `readBlob` verifies the checksum: changed bytes, a ref with another checksum, or a blob never
 *   stored fail with `CorruptCheckpointError` (the message of the first says "checksum");
 * - a checkpoint id committed again replaces the stored one (a retried commit, a restarted run);
 * - jobs do not see or delete each other's checkpoints;
 * - a manifest of another format version than `CHECKPOINT_FORMAT_VERSION` is refused at commit
 *   with an error naming the version, and the job's checkpoints stay as they were;
 * - unless `admin: false`, the `CheckpointStoreAdmin` operations: `jobs()` and
 *   `savepoints(job)` list what was committed; deleting a checkpoint or a savepoint deletes only
 *   the blobs nothing else retained references; the latest checkpoint is deleted only with
 *   `force`; deleting what is not there resolves `false`.
 *
 * @example
 * import { describe, test } from "vitest";
 * describe("MemoryCheckpointStore keeps the CheckpointStore contract", () => {
 *   const cases = checkpointStoreContract({
 *     open: () => new MemoryCheckpointStore(),
 *     corrupt: (store, ref) => store.corruptBlob(ref.key),
 *   });
 *   for (const c of cases) test(c.name, c.run);
 * });
 */
export function checkpointStoreContract<TStore extends CheckpointStore>(
  options: CheckpointStoreContractOptions<TStore>,
): ContractCase[] {
  const withStore = withOpened(() => options.open(), options.close?.bind(options));
  const cases: ContractCase[] = [
    {
      name: "an unknown job has no checkpoints and no savepoints",
      run: withStore(async (store) => {
        const job = uniqueName("unknown");
        const listed = await store.checkpoints(job);
        check(listed.length === 0, () => `checkpoints("${job}") of a job never committed: ${show(listed)}`);
        const savepoint = await store.savepoint(job, "v1");
        check(savepoint === undefined, () => `savepoint of a job never committed: ${show(savepoint)}`);
      }),
    },
    {
      name: "a committed checkpoint reads back: manifest and every blob",
      run: withStore(async (store) => {
        const first = new CheckpointBuilder(uniqueName("read-back")).next(1, ALL_FULL, {
          sources: { "0": { seq: "4961" } },
        });
        await store.commit(first, 3);
        const [manifest] = await store.checkpoints(first.manifest.job);
        checkManifest(manifest, first.manifest, "the committed checkpoint, read back");
        for (const ref of blobRefsOf(first.manifest)) await checkBlob(store, ref, first.blobs.get(ref.key)!);
      }),
    },
    {
      name: "checkpoints come newest first; the latest is the newest committed",
      run: withStore(async (store) => {
        const builder = new CheckpointBuilder(uniqueName("newest"));
        await store.commit(builder.next(1, ALL_FULL), 10);
        await store.commit(builder.next(2, { 1: "delta" }), 10);
        await store.commit(builder.next(3, { 2: "delta" }), 10);
        await checkIds(store, builder.job, [3, 2, 1], "after committing 1, 2, 3 with retain 10");
      }),
    },
    {
      name: "retention keeps the newest N and deletes older blobs, but not blobs kept chains share",
      run: withStore(async (store) => {
        const builder = new CheckpointBuilder(uniqueName("retention"));
        const taken = [
          builder.next(1, ALL_FULL),
          builder.next(2, { 0: "delta", 1: "full" }),
          builder.next(3, { 0: "delta", 1: "full" }),
          builder.next(4, { 0: "delta", 1: "full" }),
        ];
        for (const checkpoint of taken) await store.commit(checkpoint, 2);
        const kept = await checkIds(store, builder.job, [4, 3], "after committing 1 to 4 with retain 2");
        // Group 0 of checkpoint 4 is the full blob of checkpoint 1 plus three deltas.
        const chain = kept[0]!.operators.op?.keyGroups[0]?.map((ref) => ref.key);
        const expected = [1, 2, 3, 4].map((id) => `${builder.job}/${id}/op/kg0`);
        check(
          sameJson(chain, expected),
          () => `group 0's chain in checkpoint 4 is ${show(chain)}, not ${show(expected)}`,
        );
        for (const manifest of kept)
          await readAll(store, manifest, `kept checkpoint ${manifest.checkpointId}`);
        // What only checkpoints 1 and 2 referenced is gone.
        for (const dropped of taken.slice(0, 2).map((t) => t.manifest)) {
          for (const ref of [dropped.operators.op!.keyGroups[1]![0]!, dropped.operators.op!.operator!]) {
            await checkCorrupt(
              store.readBlob(ref),
              `readBlob of ${ref.key}, which only dropped checkpoint ${dropped.checkpointId} referenced`,
            );
          }
        }
      }),
    },
    {
      name: "savepoints are found by name, are listed while recent, and survive retention",
      run: withStore(async (store) => {
        const builder = new CheckpointBuilder(uniqueName("savepoints"));
        await store.commit(builder.next(1, ALL_FULL), 2);
        const savepoint = builder.next(2, ALL_FULL, { kind: "savepoint", name: "before-upgrade" });
        await store.commit(savepoint, 2);
        // A restart resumes from a final savepoint: it is the latest checkpoint.
        const [latest] = await store.checkpoints(builder.job);
        checkManifest(latest, savepoint.manifest, "the latest checkpoint after a savepoint");
        // Checkpoints after it chain on its blobs.
        for (let id = 3; id <= 6; id++) await store.commit(builder.next(id, { 3: "delta" }), 2);
        await checkIds(store, builder.job, [6, 5], "after checkpoints 3 to 6 with retain 2");
        const found = await store.savepoint(builder.job, "before-upgrade");
        checkManifest(found, savepoint.manifest, 'savepoint "before-upgrade" after retention');
        await readAll(store, found!, 'savepoint "before-upgrade"');
        const other = await store.savepoint(builder.job, "another");
        check(other === undefined, () => `a savepoint never taken was found: ${show(other)}`);
      }),
    },
    {
      name: "a savepoint taken again under its name replaces it; every kept manifest stays readable",
      run: withStore(async (store) => {
        const builder = new CheckpointBuilder(uniqueName("replace"));
        await store.commit(builder.next(1, ALL_FULL, { kind: "savepoint", name: "nightly" }), 1);
        const other = builder.next(2, ALL_FULL, { kind: "savepoint", name: "keep" });
        await store.commit(other, 1);
        const replacement = builder.next(3, ALL_FULL, { kind: "savepoint", name: "nightly" });
        await store.commit(replacement, 1);
        checkManifest(
          await store.savepoint(builder.job, "nightly"),
          replacement.manifest,
          'savepoint "nightly"',
        );
        checkManifest(await store.savepoint(builder.job, "keep"), other.manifest, 'savepoint "keep"');
        await readAll(store, replacement.manifest, 'the new savepoint "nightly"');
        await readAll(store, other.manifest, 'savepoint "keep"');
      }),
    },
    {
      name: "a blob whose bytes changed fails its checksum with CorruptCheckpointError",
      run: withStore(async (store) => {
        const job = uniqueName("corrupt");
        const checkpoint = new CheckpointBuilder(job).next(1, ALL_FULL);
        await store.commit(checkpoint, 3);
        const ref = checkpoint.manifest.operators.op!.keyGroups[2]![0]!;
        await options.corrupt(store, ref);
        const error = await checkCorrupt(
          store.readBlob(ref),
          `readBlob of ${ref.key} after its bytes changed`,
        );
        check(
          /checksum/.test((error as Error).message),
          () =>
            `the CorruptCheckpointError of a changed blob should say "checksum": ${(error as Error).message}`,
        );
        const other = checkpoint.manifest.operators.op!.keyGroups[1]![0]!;
        await checkBlob(store, other, new TextEncoder().encode(`${job} 1 1 full`));
      }),
    },
    {
      name: "a ref with another checksum, or to a blob never stored, fails with CorruptCheckpointError",
      run: withStore(async (store) => {
        const job = uniqueName("bad-ref");
        const checkpoint = new CheckpointBuilder(job).next(1, ALL_FULL);
        await store.commit(checkpoint, 3);
        const ref = checkpoint.manifest.operators.op!.operator!;
        await checkCorrupt(
          store.readBlob({ ...ref, checksum: "0".repeat(64) }),
          `readBlob of ${ref.key} with another checksum`,
        );
        await checkCorrupt(
          store.readBlob({ ...ref, key: `${job}/9/op/op` }),
          "readBlob of a blob never stored",
        );
      }),
    },
    {
      name: "a checkpoint id committed again replaces the stored one (a retry, or a restarted run)",
      run: withStore(async (store) => {
        const job = uniqueName("retry");
        const builder = new CheckpointBuilder(job);
        await store.commit(builder.next(1, ALL_FULL), 2);
        const second = builder.next(2, { 0: "delta" });
        // The coordinator retries a commit whose outcome it does not know with the same checkpoint.
        await store.commit(second, 2);
        await store.commit(second, 2);
        await checkIds(store, job, [2, 1], "after committing checkpoint 2 twice");

        // A run restarted from checkpoint 1 numbers its next checkpoint 2 again.
        const restarted = new CheckpointBuilder(job);
        restarted.next(1, ALL_FULL);
        const again = restarted.next(2, { 1: "delta" }, { salt: "restarted" });
        await store.commit(again, 2);
        const kept = await checkIds(store, job, [2, 1], "after a restarted run committed checkpoint 2 again");
        checkManifest(kept[0], again.manifest, "checkpoint 2 committed again");
        for (const manifest of kept)
          await readAll(store, manifest, `kept checkpoint ${manifest.checkpointId}`);
      }),
    },
    {
      name: "jobs do not see or delete each other's checkpoints",
      run: withStore(async (store) => {
        const a = new CheckpointBuilder(uniqueName("job-a"));
        const b = new CheckpointBuilder(uniqueName("job-b"));
        const kept = b.next(1, ALL_FULL);
        await store.commit(kept, 1);
        for (let id = 1; id <= 3; id++) await store.commit(a.next(id, ALL_FULL), 1);
        await checkIds(store, b.job, [1], `job ${b.job} after job ${a.job} committed 1 to 3`);
        await checkIds(store, a.job, [3], `job ${a.job} after committing 1 to 3 with retain 1`);
        await readAll(store, kept.manifest, `checkpoint 1 of job ${b.job}`);
      }),
    },
    {
      name: "a manifest of another format version is refused at commit, and the latest stays",
      run: withStore(async (store) => {
        const builder = new CheckpointBuilder(uniqueName("version"));
        const first = builder.next(1, ALL_FULL);
        await store.commit(first, 3);
        const next = builder.next(2, { 0: "delta" });
        const other = CHECKPOINT_FORMAT_VERSION + 1;
        const foreign = {
          ...next,
          manifest: { ...next.manifest, version: other },
        } as unknown as CheckpointToStore;
        const error = await rejection(
          store.commit(foreign, 3),
          `commit of a manifest of format version ${other}`,
        );
        check(
          error instanceof Error && error.message.includes(String(other)),
          () => `the refusal of format version ${other} should name it: ${show(error)}`,
        );
        const kept = await checkIds(store, builder.job, [1], "after the refused commit");
        checkManifest(kept[0], first.manifest, "the latest checkpoint after the refused commit");
      }),
    },
  ];
  if (options.admin !== false) cases.push(...checkpointStoreAdminCases(withStore));
  const { interruptedCommit } = options;
  if (!interruptedCommit) return cases;
  cases.push({
    name: "a commit that dies before it publishes leaves the latest in place and is never returned",
    run: withStore(async (store) => {
      const builder = new CheckpointBuilder(uniqueName("died"));
      const first = builder.next(1, ALL_FULL);
      await store.commit(first, 3);
      await interruptedCommit(store, builder.next(2, { 0: "delta", 1: "full" }), 3);
      const afterCrash = await checkIds(store, builder.job, [1], "after a commit of checkpoint 2 died");
      checkManifest(afterCrash[0], first.manifest, "the latest checkpoint after a commit died");
      await readAll(store, first.manifest, "checkpoint 1 after a later commit died");

      // The run that restarts from checkpoint 1 numbers on from there, with other contents.
      const restarted = new CheckpointBuilder(builder.job);
      restarted.next(1, ALL_FULL);
      const again = restarted.next(2, { 3: "full" }, { salt: "second run" });
      await store.commit(again, 3);
      const kept = await checkIds(
        store,
        builder.job,
        [2, 1],
        "after the restarted run committed checkpoint 2",
      );
      checkManifest(kept[0], again.manifest, "checkpoint 2 of the restarted run");
      for (const manifest of kept) await readAll(store, manifest, `kept checkpoint ${manifest.checkpointId}`);
    }),
  });
  return cases;
}
