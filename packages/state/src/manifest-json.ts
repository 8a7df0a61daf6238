import { type BlobRef, CHECKPOINT_FORMAT_VERSION, type CheckpointManifest } from "@eddy/core";

/**
 * A stored manifest of a format version this package does not read: restoring it could silently
 * lose state, so the job refuses to start and a person decides (upgrade Eddy, or start from
 * another checkpoint).
 *
 * @example
 * try {
 *   await job.run();
 * } catch (error) {
 *   if (error instanceof CheckpointFormatError) console.error("written by another Eddy version:", error.message);
 * }
 */
export class CheckpointFormatError extends Error {
  /** Always `"CheckpointFormatError"`. */
  override readonly name = "CheckpointFormatError";
}

/**
 * Refuses to store a manifest of another format version than the one this package writes (a
 * reader could not restore it), with {@link CheckpointFormatError} naming the checkpoint.
 */
export function refuseOtherVersion(manifest: CheckpointManifest): void {
  if (manifest.version === CHECKPOINT_FORMAT_VERSION) return;
  throw new CheckpointFormatError(
    `checkpoint ${manifest.checkpointId} of job "${manifest.job}" has format version ${String(manifest.version)}; this store writes version ${CHECKPOINT_FORMAT_VERSION}`,
  );
}

/**
 * Reads a manifest stored as JSON. Returns `undefined` for text that is not a manifest at all
 * (the caller logs and skips it) and throws {@link CheckpointFormatError} for a manifest of another
 * format version: restoring it could silently lose state, so a person has to decide.
 */
export function parseManifest(json: string, where: string): CheckpointManifest | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const manifest = value as Partial<CheckpointManifest>;
  if (manifest.version !== CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointFormatError(
      `${where} has checkpoint format version ${JSON.stringify(manifest.version)}; this @eddy/state reads version ${CHECKPOINT_FORMAT_VERSION} (delete the key, or start the job with the Eddy version that wrote it)`,
    );
  }
  if (
    typeof manifest.checkpointId !== "number" ||
    typeof manifest.job !== "string" ||
    typeof manifest.operators !== "object" ||
    typeof manifest.sinks !== "object"
  ) {
    return undefined;
  }
  return manifest as CheckpointManifest;
}

/** Every blob ref of a manifest, by blob key. */
export function refsByKey(manifest: CheckpointManifest): Map<string, BlobRef> {
  const refs = new Map<string, BlobRef>();
  for (const state of Object.values(manifest.operators)) {
    if (state.operator) refs.set(state.operator.key, state.operator);
    for (const chain of Object.values(state.keyGroups)) for (const ref of chain) refs.set(ref.key, ref);
  }
  for (const ref of Object.values(manifest.sinks)) refs.set(ref.key, ref);
  return refs;
}
