/**
 * The stored format's version; a store refuses manifests of another version with a clear error.
 * 2: event-time windows write their state in columns (`WindowColumns`), not an object per window.
 */
export const CHECKPOINT_FORMAT_VERSION = 2;

/** Points at one stored blob: its key in the store, and what it must hash to. */
export interface BlobRef {
  readonly key: string;
  /** sha256 of the bytes, hex: a blob that does not match is corrupt and is never restored. */
  readonly checksum: string;
  readonly size: number;
}

/** A key-group blob: a full snapshot of the group, or a delta on top of the chain before it. */
export interface KeyGroupBlobRef extends BlobRef {
  readonly mode: "full" | "delta";
}

/** One operator's state in a checkpoint: per key group the chain to replay (full, then deltas). */
export interface OperatorStateRef {
  readonly keyGroups: Readonly<Record<string, readonly KeyGroupBlobRef[]>>;
  readonly operator?: BlobRef | undefined;
}

/**
 * A complete checkpoint: everything needed to resume a job. Blobs are referenced, not inlined, so
 * an incremental checkpoint shares unchanged key groups with the ones before it.
 */
export interface CheckpointManifest {
  readonly version: typeof CHECKPOINT_FORMAT_VERSION;
  readonly job: string;
  readonly checkpointId: number;
  /** A savepoint is taken on request, kept until deleted, and never removed by retention. */
  readonly kind: "checkpoint" | "savepoint";
  readonly savepointName?: string | undefined;
  /** Processing time at completion. */
  readonly completedAt: number;
  readonly keyGroups: number;
  /** Per source, per split: the position to resume after (JSON). */
  readonly sources: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly operators: Readonly<Record<string, OperatorStateRef>>;
  /** Per sink, its pre-commit state (serialized). */
  readonly sinks: Readonly<Record<string, BlobRef>>;
}

/** A checkpoint ready to be stored: its manifest plus the bytes of the blobs it introduces. */
export interface CheckpointToStore {
  readonly manifest: CheckpointManifest;
  /** Blobs new in this checkpoint, by key; other refs in the manifest point at stored blobs. */
  readonly blobs: ReadonlyMap<string, Uint8Array>;
}

/**
 * Durable storage of checkpoints. Contract (the contract test suite checks every store):
 * - `commit` writes every new blob, then publishes the manifest as the job's latest in ONE atomic
 *   step; a crash before that step leaves the previous latest in place, and the half-written
 *   checkpoint is never returned;
 * - it keeps the newest `retain` checkpoints (savepoints are kept) and deletes older ones, but never
 *   a blob that a kept manifest still references;
 * - `readBlob` verifies the checksum and throws {@link CorruptCheckpointError} on a mismatch.
 */
export interface CheckpointStore {
  /** Shown in logs, e.g. `redis://127.0.0.1:6379`. */
  readonly description: string;
  commit(checkpoint: CheckpointToStore, retain: number): Promise<void>;
  /** Retained checkpoints of a job, newest first (savepoints taken while it ran included). */
  checkpoints(job: string): Promise<CheckpointManifest[]>;
  /** A savepoint by name. */
  savepoint(job: string, name: string): Promise<CheckpointManifest | undefined>;
  readBlob(ref: BlobRef): Promise<Uint8Array>;
  close?(): Promise<void>;
}

/** A stored blob or manifest failed its checksum, or is missing: the checkpoint cannot be used. */
export class CorruptCheckpointError extends Error {
  override readonly name = "CorruptCheckpointError";
}
