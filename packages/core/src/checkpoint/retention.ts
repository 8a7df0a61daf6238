import type { BlobRef, CheckpointManifest } from "./checkpoint-store.ts";

/** Every blob key a manifest references. */
export function blobKeysOf(manifest: CheckpointManifest): Set<string> {
  const keys = new Set<string>();
  const add = (ref: BlobRef | undefined) => {
    if (ref) keys.add(ref.key);
  };
  for (const operator of Object.values(manifest.operators)) {
    add(operator.operator);
    for (const chain of Object.values(operator.keyGroups)) for (const ref of chain) add(ref);
  }
  for (const ref of Object.values(manifest.sinks)) add(ref);
  return keys;
}

/**
 * Which checkpoints to drop once `added` is committed, keeping the newest `retain`, and which blob
 * keys become unreferenced (safe to delete) as a result.
 */
export function planRetention(
  existing: readonly CheckpointManifest[],
  savepoints: readonly CheckpointManifest[],
  retain: number,
): { drop: CheckpointManifest[]; unreferencedBlobs: string[] } {
  const newestFirst = [...existing].sort((a, b) => b.checkpointId - a.checkpointId);
  const kept = newestFirst.slice(0, Math.max(1, retain));
  const drop = newestFirst.slice(Math.max(1, retain));
  const live = new Set<string>();
  for (const m of [...kept, ...savepoints]) for (const key of blobKeysOf(m)) live.add(key);
  const unreferenced = new Set<string>();
  for (const m of drop) for (const key of blobKeysOf(m)) if (!live.has(key)) unreferenced.add(key);
  return { drop, unreferencedBlobs: [...unreferenced] };
}
