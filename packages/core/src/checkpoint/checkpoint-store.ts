import type { AwsAccess } from "../aws/aws-access.ts";

/**
 * The stored format's version; a store refuses manifests of another version with a clear error.
 * 2: an operator may write a key group in a form of its own (the event-time windows wrote columns
 * first); such forms carry their own version inside the blob, so they change without this one.
 *
 * @example
 * const usable = (await store.checkpoints("fx-pricing")).filter((m) => m.version === CHECKPOINT_FORMAT_VERSION);
 */
export const CHECKPOINT_FORMAT_VERSION = 2;

/**
 * Points at one stored blob: its key in the store, and what it must hash to.
 *
 * @example
 * const bytes = new TextEncoder().encode("state");
 * const ref: BlobRef = { key: "fx-pricing/7/window#3/kg12", checksum: checksumOf(bytes), size: bytes.length };
 */
export interface BlobRef {
  /** The blob's key in the store (chosen by the coordinator, unique per checkpoint). */
  readonly key: string;
  /** sha256 of the bytes, hex: a blob that does not match is corrupt and is never restored. */
  readonly checksum: string;
  /** Length in bytes. */
  readonly size: number;
}

/**
 * A key-group blob: a full snapshot of the group, or a delta on top of the chain before it.
 *
 * @example
 * const [latest] = await store.checkpoints("fx-pricing");
 * for (const [operator, state] of Object.entries(latest?.operators ?? {})) {
 *   const chains: KeyGroupBlobRef[][] = Object.values(state.keyGroups).map((chain) => [...chain]);
 *   console.log(operator, chains.filter((c) => c.some((ref) => ref.mode === "delta")).length, "groups with deltas");
 * }
 */
export interface KeyGroupBlobRef extends BlobRef {
  /** `full`: the whole key group; `delta`: only the keys changed since the previous blob of the chain. */
  readonly mode: "full" | "delta";
}

/**
 * One operator's state in a checkpoint: per key group the chain to replay (full, then deltas).
 *
 * @example
 * const [latest] = await store.checkpoints("fx-pricing");
 * const refs: OperatorStateRef[] = Object.values(latest?.operators ?? {});
 * const blobs = refs.reduce((n, op) => n + Object.values(op.keyGroups).flat().length, 0);
 */
export interface OperatorStateRef {
  /** Per key group (by number), the blobs to apply in order: a full snapshot, then deltas. */
  readonly keyGroups: Readonly<Record<string, readonly KeyGroupBlobRef[]>>;
  /** State of the operator as a whole (not per key), e.g. a source-side buffer, if it has any. */
  readonly operator?: BlobRef | undefined;
}

/**
 * Per split of a source, the watermark each watermark assigner (by its operator id) had for the
 * split at the position a checkpoint keeps; `null` for a split it knew but had no watermark for yet.
 *
 * @example
 * const kept: SplitWatermarksOf = {
 *   "shardId-000000000000": { "withWatermarks#2": 1_700_000_000_000 },
 *   "shardId-000000000001": { "withWatermarks#2": null },
 * };
 */
export type SplitWatermarksOf = Readonly<Record<string, Readonly<Record<string, number | null>>>>;

/**
 * A complete checkpoint: everything needed to resume a job. Blobs are referenced, not inlined, so
 * an incremental checkpoint shares unchanged key groups with the ones before it.
 *
 * @example
 * for (const m of await store.checkpoints("fx-pricing")) {
 *   console.log(m.checkpointId, m.kind, m.savepointName ?? "", new Date(m.completedAt).toISOString());
 * }
 */
export interface CheckpointManifest {
  /** The stored format's version ({@link CHECKPOINT_FORMAT_VERSION}). */
  readonly version: typeof CHECKPOINT_FORMAT_VERSION;
  /** The job's name (`pipeline(name)`): checkpoints are stored per job. */
  readonly job: string;
  /** Increases with every checkpoint of the job; a restored job continues after the newest stored id. */
  readonly checkpointId: number;
  /** A savepoint is taken on request, kept until deleted, and never removed by retention. */
  readonly kind: "checkpoint" | "savepoint";
  /** The savepoint's name (`job.savepoint(name)`); undefined for checkpoints. */
  readonly savepointName?: string | undefined;
  /** Processing time at completion. */
  readonly completedAt: number;
  /** Key groups of the job that took it; a job with another number cannot restore it. */
  readonly keyGroups: number;
  /** Per source, per split: the position to resume after (JSON). */
  readonly sources: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /**
   * Per source, per split, each watermark assigner's watermark for the split at its position: a
   * restored split starts there, not at `-Infinity`. Absent when no assigner reported one (and in
   * checkpoints written before it was kept).
   */
  readonly splitWatermarks?: Readonly<Record<string, SplitWatermarksOf>> | undefined;
  /** Per operator (by its stable id), its state. */
  readonly operators: Readonly<Record<string, OperatorStateRef>>;
  /** Per sink, its pre-commit state (serialized). */
  readonly sinks: Readonly<Record<string, BlobRef>>;
}

/**
 * A checkpoint ready to be stored: its manifest plus the bytes of the blobs it introduces.
 *
 * @example
 * // A store that records what it is asked to commit, around any other store.
 * const committed: CheckpointToStore[] = [];
 * const recording: CheckpointStore = {
 *   description: `recording(${store.description})`,
 *   commit: (checkpoint, retain) => {
 *     committed.push(checkpoint);
 *     return store.commit(checkpoint, retain);
 *   },
 *   checkpoints: (job) => store.checkpoints(job),
 *   savepoint: (job, name) => store.savepoint(job, name),
 *   readBlob: (ref) => store.readBlob(ref),
 * };
 */
export interface CheckpointToStore {
  /** The manifest to publish as the job's latest. */
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
 *
 * `@eddy/state`'s `redisCheckpoints` and the in-process {@link MemoryCheckpointStore} implement it.
 *
 * @example
 * const job = pipeline("fx-pricing", { checkpoints: { every: seconds(10), store: new MemoryCheckpointStore() } });
 */
export interface CheckpointStore {
  /** Shown in logs, e.g. `redis://127.0.0.1:6379`. */
  readonly description: string;
  /**
   * Stores the new blobs, then publishes the manifest atomically, then applies retention (`retain`
   * newest checkpoints kept, savepoints always).
   */
  commit(checkpoint: CheckpointToStore, retain: number): Promise<void>;
  /** Retained checkpoints of a job, newest first (savepoints taken while it ran included). */
  checkpoints(job: string): Promise<CheckpointManifest[]>;
  /** A savepoint by name. */
  savepoint(job: string, name: string): Promise<CheckpointManifest | undefined>;
  /**
   * A blob's bytes, verified against `ref.checksum`; throws {@link CorruptCheckpointError} when missing or corrupt.
   */
  readBlob(ref: BlobRef): Promise<Uint8Array>;
  /** Releases connections; the job calls it when it ends. */
  close?(): Promise<void>;
  /**
   * Optional: the AWS access it needs (actions on resources), for `iamPolicy(job)` and
   * `eddy iam-policy`; computed from options alone, without calling AWS.
   */
  awsAccess?(): readonly AwsAccess[];
}

/**
 * A stored blob or manifest failed its checksum, or is missing: the checkpoint cannot be used.
 * On restore the job logs it and falls back to the checkpoint before.
 *
 * @example
 * try {
 *   await store.readBlob({ key: "fx-pricing/7/window#3/kg12", checksum: "00", size: 1 });
 * } catch (error) {
 *   if (error instanceof CorruptCheckpointError) console.error(error.message);
 * }
 */
export class CorruptCheckpointError extends Error {
  /** Always `"CorruptCheckpointError"`. */
  override readonly name = "CorruptCheckpointError";
}
