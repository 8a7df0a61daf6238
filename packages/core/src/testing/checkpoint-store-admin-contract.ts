import type { CheckpointManifest, CheckpointStore } from "../checkpoint/checkpoint-store.ts";
import {
  CheckpointDeletionRefusedError,
  type CheckpointStoreAdmin,
  isCheckpointStoreAdmin,
} from "../checkpoint/checkpoint-store-admin.ts";
import { CheckpointBuilder, uniqueName } from "./checkpoint-builder.ts";
import { checkCorrupt, checkIds, checkManifest, readAll } from "./checkpoint-store-checks.ts";
import type { ContractCase } from "./contract-case.ts";
import { check, rejection, sameJson, show, violation } from "./contract-checks.ts";

const ALL_FULL = { 0: "full", 1: "full", 2: "full", 3: "full" } as const;

type AdminStore = CheckpointStore & CheckpointStoreAdmin;

/** The store as an admin store, or a violation saying how to implement or skip the cases. */
function admin(store: CheckpointStore): AdminStore {
  if (isCheckpointStoreAdmin(store)) return store;
  return violation(
    `${store.description} lacks the CheckpointStoreAdmin operations (jobs, savepoints, deleteCheckpoint, deleteSavepoint): implement them, or pass admin: false to checkpointStoreContract`,
  );
}

/** The ids of `manifests`, in order. */
const ids = (manifests: readonly CheckpointManifest[]) => manifests.map((m) => m.checkpointId);

/**
 * The cases of the `CheckpointStoreAdmin` operations, for `checkpointStoreContract`: `withStore`
 * opens and closes the store of each case.
 */
export function checkpointStoreAdminCases(
  withStore: (body: (store: CheckpointStore) => Promise<void>) => () => Promise<void>,
): ContractCase[] {
  return [
    {
      name: "jobs() lists the jobs with checkpoints or savepoints; savepoints(job) lists a job's savepoints newest first",
      run: withStore(async (opened) => {
        const store = admin(opened);
        const a = new CheckpointBuilder(uniqueName("jobs-a"));
        const b = new CheckpointBuilder(uniqueName("jobs-b"));
        await store.commit(a.next(1, ALL_FULL), 3);
        const first = b.next(1, ALL_FULL, { kind: "savepoint", name: "first" });
        const second = b.next(2, ALL_FULL, { kind: "savepoint", name: "second" });
        await store.commit(first, 3);
        await store.commit(second, 3);
        const jobs = await store.jobs();
        for (const job of [a.job, b.job]) {
          check(jobs.includes(job), () => `jobs() lists ${show(jobs)}, without committed job "${job}"`);
        }
        check(sameJson(jobs, [...jobs].sort()), () => `jobs() should be sorted by name: ${show(jobs)}`);
        const unknown = uniqueName("never");
        check(!jobs.includes(unknown), () => `jobs() lists "${unknown}", never committed`);
        const savepoints = await store.savepoints(b.job);
        check(
          sameJson(ids(savepoints), [2, 1]),
          () => `savepoints("${b.job}") lists ids ${show(ids(savepoints))}, not [ 2, 1 ]`,
        );
        checkManifest(savepoints[0], second.manifest, `savepoint "second" as savepoints() lists it`);
        const none = await store.savepoints(a.job);
        check(none.length === 0, () => `savepoints of a job that took none: ${show(ids(none))}`);
      }),
    },
    {
      name: "deleting a checkpoint deletes only the blobs no other checkpoint references",
      run: withStore(async (opened) => {
        const store = admin(opened);
        const builder = new CheckpointBuilder(uniqueName("delete"));
        const taken = [
          builder.next(1, ALL_FULL),
          builder.next(2, { 0: "delta", 1: "full" }),
          builder.next(3, { 0: "delta", 1: "full" }),
        ];
        for (const checkpoint of taken) await store.commit(checkpoint, 10);
        const deleted = await store.deleteCheckpoint(builder.job, 2);
        check(
          deleted === true,
          () => `deleteCheckpoint of stored checkpoint 2 resolved ${show(deleted)}, not true`,
        );
        const kept = await checkIds(store, builder.job, [3, 1], "after deleting checkpoint 2");
        // Checkpoint 3's chain of group 0 goes through checkpoint 2's delta: it must stay.
        for (const manifest of kept)
          await readAll(store, manifest, `kept checkpoint ${manifest.checkpointId}`);
        const removed = taken[1]!.manifest;
        for (const ref of [removed.operators.op!.keyGroups[1]![0]!, removed.operators.op!.operator!]) {
          await checkCorrupt(
            store.readBlob(ref),
            `readBlob of ${ref.key}, which only deleted checkpoint 2 referenced`,
          );
        }
        const again = await store.deleteCheckpoint(builder.job, 2);
        check(again === false, () => `deleting checkpoint 2 again resolved ${show(again)}, not false`);
        const unknown = await store.deleteCheckpoint(uniqueName("never"), 1);
        check(unknown === false, () => `deleting a checkpoint of an unknown job resolved ${show(unknown)}`);
      }),
    },
    {
      name: "the latest checkpoint is deleted only with force",
      run: withStore(async (opened) => {
        const store = admin(opened);
        const builder = new CheckpointBuilder(uniqueName("latest"));
        const first = builder.next(1, ALL_FULL);
        await store.commit(first, 10);
        await store.commit(builder.next(2, { 0: "delta" }), 10);
        const error = await rejection(
          store.deleteCheckpoint(builder.job, 2),
          "deleteCheckpoint of the latest checkpoint without force",
        );
        check(
          error instanceof CheckpointDeletionRefusedError,
          () =>
            `deleting the latest checkpoint without force should fail with CheckpointDeletionRefusedError, not ${show(error)}`,
        );
        await checkIds(store, builder.job, [2, 1], "after the refused deletion of the latest");
        const deleted = await store.deleteCheckpoint(builder.job, 2, { force: true });
        check(deleted === true, () => `deleteCheckpoint with force resolved ${show(deleted)}, not true`);
        const kept = await checkIds(store, builder.job, [1], "after deleting the latest with force");
        checkManifest(kept[0], first.manifest, "the latest checkpoint after deleting checkpoint 2");
        await readAll(store, first.manifest, "checkpoint 1 after deleting checkpoint 2");
      }),
    },
    {
      name: "a savepoint outlives the deletion of its checkpoint; deleting it frees what only it held",
      run: withStore(async (opened) => {
        const store = admin(opened);
        const builder = new CheckpointBuilder(uniqueName("delete-savepoint"));
        await store.commit(builder.next(1, ALL_FULL), 10);
        const savepoint = builder.next(2, ALL_FULL, { kind: "savepoint", name: "v1" });
        await store.commit(savepoint, 10);
        const later = [builder.next(3, { 0: "delta" }), builder.next(4, { 1: "full" })];
        for (const checkpoint of later) await store.commit(checkpoint, 10);

        check(
          (await store.deleteCheckpoint(builder.job, 2)) === true,
          "deleteCheckpoint of checkpoint 2 (a savepoint) did not resolve true",
        );
        await checkIds(store, builder.job, [4, 3, 1], "after deleting checkpoint 2");
        const found = await store.savepoint(builder.job, "v1");
        checkManifest(found, savepoint.manifest, 'savepoint "v1" after deleting its checkpoint');
        await readAll(store, savepoint.manifest, 'savepoint "v1" after deleting its checkpoint');

        check(
          (await store.deleteSavepoint(builder.job, "v1")) === true,
          'deleteSavepoint("v1") did not resolve true',
        );
        const gone = await store.savepoint(builder.job, "v1");
        check(gone === undefined, () => `savepoint "v1" was found after its deletion: ${show(gone)}`);
        const left = await store.savepoints(builder.job);
        check(left.length === 0, () => `savepoints after deleting the only one: ${show(ids(left))}`);
        // Checkpoints 3 and 4 chain on the savepoint's full blobs: those stay.
        for (const checkpoint of later) {
          await readAll(store, checkpoint.manifest, `checkpoint ${checkpoint.manifest.checkpointId}`);
        }
        const only = savepoint.manifest.operators.op!.operator!;
        await checkCorrupt(
          store.readBlob(only),
          `readBlob of ${only.key}, which only the deleted savepoint held`,
        );
        const again = await store.deleteSavepoint(builder.job, "v1");
        check(again === false, () => `deleting savepoint "v1" again resolved ${show(again)}, not false`);
      }),
    },
    {
      name: "deleting a savepoint still retained as a checkpoint leaves the checkpoint whole",
      run: withStore(async (opened) => {
        const store = admin(opened);
        const builder = new CheckpointBuilder(uniqueName("savepoint-retained"));
        await store.commit(builder.next(1, ALL_FULL), 10);
        const savepoint = builder.next(2, ALL_FULL, { kind: "savepoint", name: "v1" });
        await store.commit(savepoint, 10);
        check(
          (await store.deleteSavepoint(builder.job, "v1")) === true,
          'deleteSavepoint("v1") did not resolve true',
        );
        const kept = await checkIds(store, builder.job, [2, 1], 'after deleting savepoint "v1"');
        checkManifest(kept[0], savepoint.manifest, "checkpoint 2 after deleting the savepoint taken as it");
        await readAll(store, savepoint.manifest, "checkpoint 2 after deleting the savepoint taken as it");
        const gone = await store.savepoint(builder.job, "v1");
        check(gone === undefined, () => `savepoint "v1" was found after its deletion: ${show(gone)}`);
      }),
    },
  ];
}
