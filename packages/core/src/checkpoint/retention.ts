import type { BlobRef, CheckpointManifest } from "./checkpoint-store.ts";

/**
 * Every blob key a manifest references.
 *
 * @example
 * const [latest] = await store.checkpoints("fx-pricing");
 * const referenced = latest ? blobKeysOf(latest) : new Set<string>();
 */
export function blobKeysOf(manifest: CheckpointManifest): Set<string> {
  return new Set(blobRefsOf(manifest).map((ref) => ref.key));
}

/**
 * Every blob `manifest` references: key-group chains, operator states and sink states.
 *
 * @example
 * const [latest] = await store.checkpoints("fx-pricing");
 * const bytes = latest ? blobRefsOf(latest).reduce((n, ref) => n + ref.size, 0) : 0;
 * declare const store: CheckpointStore;
 */
export function blobRefsOf(manifest: CheckpointManifest): BlobRef[] {
  const refs: BlobRef[] = [];
  for (const operator of Object.values(manifest.operators)) {
    if (operator.operator) refs.push(operator.operator);
    for (const chain of Object.values(operator.keyGroups)) refs.push(...chain);
  }
  refs.push(...Object.values(manifest.sinks));
  return refs;
}

/**
 * Which checkpoints to drop once `added` is committed, keeping the newest `retain`, and which blob
 * keys become unreferenced (safe to delete) as a result. Savepoints are never dropped, and a blob
 * a kept checkpoint or a savepoint still references is never unreferenced. Stores call it in
 * `commit`.
 *
 * @example
 * const existing = await store.checkpoints("fx-pricing");
 * const { drop, unreferencedBlobs } = planRetention(existing, [], 3);
 * // `drop`: the manifests beyond the newest 3; `unreferencedBlobs`: keys safe to delete
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
