import type { BlobRef, CheckpointManifest, CheckpointStore } from "../checkpoint/checkpoint-store.ts";
import { CorruptCheckpointError } from "../checkpoint/checkpoint-store.ts";
import { blobRefsOf } from "./checkpoint-builder.ts";
import { check, rejection, sameJson, show, violation } from "./contract-checks.ts";

// The checks the checkpoint store kits share: plain functions throwing ContractViolation.

/** The ids `checkpoints(job)` lists must be `ids`, in order; resolves the manifests listed. */
export async function checkIds(
  store: CheckpointStore,
  job: string,
  ids: number[],
  when: string,
): Promise<CheckpointManifest[]> {
  const listed = await store.checkpoints(job);
  const got = listed.map((m) => m.checkpointId);
  check(sameJson(got, ids), () => `${when}, checkpoints("${job}") lists ids ${show(got)}, not ${show(ids)}`);
  return listed;
}

/** `actual` must be the manifest committed; the violation names the fields that differ. */
export function checkManifest(
  actual: CheckpointManifest | undefined,
  expected: CheckpointManifest,
  what: string,
): void {
  if (sameJson(actual, expected)) return;
  if (actual?.checkpointId !== expected.checkpointId || actual.kind !== expected.kind) {
    const name = (m: CheckpointManifest | undefined) =>
      m === undefined
        ? "missing"
        : `${m.kind} ${m.checkpointId}${m.savepointName ? ` "${m.savepointName}"` : ""}`;
    violation(`${what} is ${name(actual)}, not the ${name(expected)} committed`);
  }
  const fields = (Object.keys(expected) as (keyof CheckpointManifest)[]).filter(
    (field) => !sameJson(actual[field], expected[field]),
  );
  violation(
    `${what} differs from the manifest committed in ${fields.join(", ")}: ${fields
      .map((field) => `${field} is ${show(actual[field])}, not ${show(expected[field])}`)
      .join("; ")}`,
  );
}

/** `readBlob(ref)` must give the bytes committed. */
export async function checkBlob(store: CheckpointStore, ref: BlobRef, expected: Uint8Array): Promise<void> {
  const bytes = await store.readBlob(ref);
  const [got, want] = [new TextDecoder().decode(bytes), new TextDecoder().decode(expected)];
  check(got === want, () => `readBlob(${ref.key}) gave ${show(got)}, not the bytes committed: ${show(want)}`);
}

/** Reads every blob of `manifest`: each must still be there and whole. */
export async function readAll(
  store: CheckpointStore,
  manifest: CheckpointManifest,
  what: string,
): Promise<void> {
  for (const ref of blobRefsOf(manifest)) {
    try {
      await store.readBlob(ref);
    } catch (error) {
      check(false, () => `blob ${ref.key} of ${what} cannot be read: ${show(error)}`);
    }
  }
}

/** `read` must reject with CorruptCheckpointError; resolves the error. */
export async function checkCorrupt(read: Promise<unknown>, what: string): Promise<unknown> {
  const error = await rejection(read, what);
  check(
    error instanceof CorruptCheckpointError,
    () => `${what} should fail with CorruptCheckpointError, not ${show(error)}`,
  );
  return error;
}
