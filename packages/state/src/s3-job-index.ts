import { CHECKPOINT_FORMAT_VERSION, CorruptCheckpointError } from "@eddy/core";
import { CheckpointFormatError } from "./manifest-json.ts";

/** One checkpoint in a job's index: where its manifest is and what the manifest hashes to. */
export interface IndexEntry {
  readonly checkpointId: number;
  /** The manifest object's key. */
  readonly manifest: string;
  /** sha256 of the manifest object's bytes, hex. */
  readonly checksum: string;
}

/**
 * A job's pointer object in S3: its retained checkpoints (newest first) and its savepoints by name.
 * Every publish replaces it with a conditional write, bumping `revision` and naming its `writer`.
 */
export interface JobIndex {
  readonly format: typeof CHECKPOINT_FORMAT_VERSION;
  readonly job: string;
  /** Bumped by every publish: no two versions of the index have the same bytes (or ETag). */
  readonly revision: number;
  /** The store instance that published this version (a random id per instance). */
  readonly writer: string;
  readonly checkpoints: readonly IndexEntry[];
  readonly savepoints: Readonly<Record<string, IndexEntry>>;
}

/** The index of a job that has no checkpoint yet. */
export function emptyIndex(job: string): JobIndex {
  return { format: CHECKPOINT_FORMAT_VERSION, job, revision: 0, writer: "", checkpoints: [], savepoints: {} };
}

/**
 * Reads an index object. Throws {@link CheckpointFormatError} for another format version (a person
 * must decide: restoring it could lose state) and {@link CorruptCheckpointError} for bytes that
 * are not an index of `job`.
 */
export function parseIndex(bytes: Uint8Array, job: string, where: string): JobIndex {
  let value: Partial<JobIndex>;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes)) as Partial<JobIndex>;
  } catch (error) {
    throw new CorruptCheckpointError(`${where} is not JSON: ${String(error)}`);
  }
  if (typeof value !== "object" || value === null)
    throw new CorruptCheckpointError(`${where} is not an index`);
  if (value.format !== CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointFormatError(
      `${where} has checkpoint format version ${JSON.stringify(value.format)}; this @eddy/state reads version ${CHECKPOINT_FORMAT_VERSION} (delete the job's objects, or start the job with the Eddy version that wrote them)`,
    );
  }
  const checkpoints = Array.isArray(value.checkpoints) ? value.checkpoints : undefined;
  const savepoints =
    typeof value.savepoints === "object" && value.savepoints !== null ? value.savepoints : undefined;
  if (
    value.job !== job ||
    typeof value.revision !== "number" ||
    typeof value.writer !== "string" ||
    checkpoints === undefined ||
    savepoints === undefined ||
    ![...checkpoints, ...Object.values(savepoints)].every(isEntry)
  ) {
    throw new CorruptCheckpointError(`${where} is not a checkpoint index of job "${job}"`);
  }
  return value as JobIndex;
}

function isEntry(value: unknown): value is IndexEntry {
  const entry = value as Partial<IndexEntry> | null;
  return (
    typeof entry?.checkpointId === "number" &&
    typeof entry.manifest === "string" &&
    typeof entry.checksum === "string"
  );
}

/** What one commit attempt uploads: swept if it never publishes. */
export interface PendingRecord {
  readonly checkpointId: number;
  /** Blob and manifest object keys. */
  readonly objects: readonly string[];
}

/** A pending record's bytes, or `undefined` when they are not one. */
export function parsePendingRecord(bytes: Uint8Array): PendingRecord | undefined {
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes)) as Partial<PendingRecord>;
    if (
      typeof value.checkpointId === "number" &&
      Array.isArray(value.objects) &&
      value.objects.every((key) => typeof key === "string")
    ) {
      return value as PendingRecord;
    }
  } catch {
    // Not JSON: not a record this store wrote.
  }
  return undefined;
}
