import type { BlobRef, CheckpointToStore } from "@eddy/core";
import { refsByKey, refuseOtherVersion } from "./manifest-json.ts";

/**
 * The blobs a store writes for a commit, each with the ref that points at it, after checking what
 * every store checks first: the manifest's format version, and that each blob is as long as its ref
 * says. A blob no ref points at is left out: it could never be read back, storing it would leak it.
 */
export function blobsToStore({ manifest, blobs }: CheckpointToStore): { ref: BlobRef; bytes: Uint8Array }[] {
  refuseOtherVersion(manifest);
  const { job, checkpointId } = manifest;
  const refs = refsByKey(manifest);
  const out: { ref: BlobRef; bytes: Uint8Array }[] = [];
  for (const [key, bytes] of blobs) {
    const ref = refs.get(key);
    if (ref === undefined) continue;
    if (bytes.byteLength !== ref.size) {
      throw new Error(
        `checkpoint ${checkpointId} of job "${job}": blob ${key} has ${bytes.byteLength} bytes, its ref says ${ref.size}`,
      );
    }
    out.push({ ref, bytes });
  }
  return out;
}
