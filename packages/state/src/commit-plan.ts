import { type BlobRef, blobKeysOf, type CheckpointManifest, planRetention } from "@eddy/core";

/** What the store knows when it publishes a checkpoint; blob keys are Redis keys. */
export interface CommitPlanInput {
  readonly manifest: CheckpointManifest;
  readonly retain: number;
  /** Manifests in the job's checkpoints hash before this publish. */
  readonly existing: readonly CheckpointManifest[];
  /** A savepoint of the same name that this one replaces. */
  readonly replacedSavepoint?: CheckpointManifest | undefined;
  /** When a savepoint is replaced: every other savepoint of the job (the pinned set is rebuilt). */
  readonly otherSavepoints?: readonly CheckpointManifest[] | undefined;
  /** Blob keys written for checkpoints not yet published, by checkpoint id (this one included). */
  readonly pending: ReadonlyMap<number, readonly string[]>;
  /** The Redis key of a blob. */
  readonly blobKey: (ref: BlobRef) => string;
}

/** The one atomic step that publishes a checkpoint, as data (the Lua script carries it out). */
export interface CommitPlan {
  /** Every blob the new manifest references: the publish is refused if one is missing. */
  readonly referenced: string[];
  /** Checkpoint ids to remove from the checkpoints hash. */
  readonly dropIds: number[];
  /** Blobs no kept checkpoint references; the script still spares those a savepoint pins. */
  readonly garbage: string[];
  /** Blob keys to pin (savepoints), and whether the pinned set is rebuilt from them. */
  readonly pins: { readonly reset: boolean; readonly keys: string[] };
  /** Pending checkpoint ids whose bookkeeping is cleared. */
  readonly sweptPending: number[];
}

/**
 * Plans a publish: retention as {@link planRetention} decides it, plus what a single writer may
 * conclude when it publishes checkpoint N:
 * - stored checkpoints with an id ≥ N belong to a run that was abandoned (the job restarted from an
 *   older checkpoint or savepoint and numbers from there): they are superseded, so the checkpoint
 *   published last is always the newest;
 * - blobs written for any other unpublished checkpoint are orphans of a writer that died or gave
 *   up before its publish.
 * Blobs are deleted only if no kept checkpoint references them (and, in the script, no savepoint).
 */
export function planCommit(input: CommitPlanInput): CommitPlan {
  const { manifest, blobKey } = input;
  const id = manifest.checkpointId;
  const redisKeyed = (m: CheckpointManifest) => withBlobKeys(m, blobKey);
  const current = redisKeyed(manifest);
  const older = input.existing.filter((m) => m.checkpointId < id).map(redisKeyed);
  const superseded = input.existing.filter((m) => m.checkpointId >= id).map(redisKeyed);

  const { drop } = planRetention([current, ...older], [], input.retain);
  const dropped = new Set(drop);
  const live = new Set<string>();
  for (const m of [current, ...older]) {
    if (!dropped.has(m)) for (const key of blobKeysOf(m)) live.add(key);
  }

  const candidates = new Set<string>();
  const gone = [...drop, ...superseded];
  if (input.replacedSavepoint) gone.push(redisKeyed(input.replacedSavepoint));
  for (const m of gone) for (const key of blobKeysOf(m)) candidates.add(key);
  for (const keys of input.pending.values()) for (const key of keys) candidates.add(key);

  const referenced = [...blobKeysOf(current)];
  let pins: CommitPlan["pins"] = { reset: false, keys: [] };
  if (manifest.kind === "savepoint") {
    if (input.replacedSavepoint) {
      const keys = new Set(referenced);
      for (const m of input.otherSavepoints ?? []) for (const key of blobKeysOf(redisKeyed(m))) keys.add(key);
      pins = { reset: true, keys: [...keys] };
    } else {
      pins = { reset: false, keys: referenced };
    }
  }

  return {
    referenced,
    dropIds: [
      ...new Set([...drop, ...superseded].map((m) => m.checkpointId).filter((other) => other !== id)),
    ],
    garbage: [...candidates].filter((key) => !live.has(key)),
    pins,
    sweptPending: [...input.pending.keys()],
  };
}

/** `manifest` with every blob ref's key replaced by `key(ref)`. */
function withBlobKeys(manifest: CheckpointManifest, key: (ref: BlobRef) => string): CheckpointManifest {
  const rekey = <TRef extends BlobRef>(ref: TRef): TRef => ({ ...ref, key: key(ref) });
  const operators = Object.fromEntries(
    Object.entries(manifest.operators).map(([id, state]) => [
      id,
      {
        keyGroups: Object.fromEntries(
          Object.entries(state.keyGroups).map(([group, chain]) => [group, chain.map(rekey)]),
        ),
        operator: state.operator === undefined ? undefined : rekey(state.operator),
      },
    ]),
  );
  const sinks = Object.fromEntries(Object.entries(manifest.sinks).map(([id, ref]) => [id, rekey(ref)]));
  return { ...manifest, operators, sinks };
}
