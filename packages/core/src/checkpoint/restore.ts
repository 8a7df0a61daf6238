import { PipelineDefinitionError } from "../runtime/errors.ts";
import type { SerializedKeyGroup } from "../runtime/stage-runtime.ts";
import type { Serde } from "../state/serde.ts";
import {
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointManifest,
  type CheckpointStore,
  CorruptCheckpointError,
} from "./checkpoint-store.ts";
import type { Logger } from "./logger.ts";

/** A checkpoint read back and verified, ready to restore a job from. */
export interface RestoredCheckpoint {
  readonly manifest: CheckpointManifest;
  /** Per operator, its key-group chains (oldest first) and operator state, as serialized. */
  readonly operators: ReadonlyMap<
    string,
    { keyGroups: SerializedKeyGroup[]; operator: Uint8Array | undefined }
  >;
  readonly sinks: ReadonlyMap<string, unknown>;
}

/**
 * Where a job starts from: the latest checkpoint (default), a named savepoint, or nothing.
 * Only consulted when the job has a checkpoint store. `{ savepoint }` names a savepoint taken with
 * `job.savepoint(name)`.
 *
 * @example
 * const job = pipeline("fx-pricing", {
 *   checkpoints: { every: seconds(10), store },
 *   startFrom: { savepoint: "before-upgrade" },
 * });
 */
export type StartFrom = { readonly savepoint: string } | "latest" | "fresh";

/**
 * Loads the newest usable checkpoint of `job`: every blob is read and its checksum verified; a
 * checkpoint with a corrupt or missing blob is skipped with a clear log line and the one before it
 * is used. A checkpoint taken with another number of key groups is refused (it cannot be mapped).
 */
export async function loadCheckpoint(
  store: CheckpointStore,
  job: string,
  options: { keyGroups: number; startFrom: StartFrom; serde: Serde<unknown>; logger: Logger },
): Promise<RestoredCheckpoint | undefined> {
  const { startFrom } = options;
  if (startFrom === "fresh") return undefined;
  let candidates: CheckpointManifest[];
  if (startFrom === "latest") {
    candidates = await store.checkpoints(job);
  } else {
    const savepoint = await store.savepoint(job, startFrom.savepoint);
    if (!savepoint) {
      throw new PipelineDefinitionError(
        `job "${job}": no savepoint named "${startFrom.savepoint}" in ${store.description}`,
      );
    }
    candidates = [savepoint];
  }
  for (const manifest of candidates) {
    checkCompatible(manifest, job, options.keyGroups);
    try {
      const restored = await readCheckpoint(store, manifest, options.serde);
      options.logger.info(
        `job "${job}" restores checkpoint ${manifest.checkpointId} from ${store.description}`,
      );
      return restored;
    } catch (error) {
      if (!(error instanceof CorruptCheckpointError)) throw error;
      options.logger.error(
        `job "${job}": checkpoint ${manifest.checkpointId} in ${store.description} is unusable (${error.message}); trying the one before it`,
      );
    }
  }
  if (candidates.length > 0) {
    throw new CorruptCheckpointError(
      `job "${job}": none of its ${candidates.length} checkpoints in ${store.description} is usable`,
    );
  }
  return undefined;
}

function checkCompatible(manifest: CheckpointManifest, job: string, keyGroups: number): void {
  if (manifest.version !== CHECKPOINT_FORMAT_VERSION) {
    throw new PipelineDefinitionError(
      `job "${job}": checkpoint ${manifest.checkpointId} has format version ${String(manifest.version)}, this Eddy reads version ${CHECKPOINT_FORMAT_VERSION}`,
    );
  }
  if (manifest.keyGroups !== keyGroups) {
    throw new PipelineDefinitionError(
      `job "${job}": checkpoint ${manifest.checkpointId} was taken with ${manifest.keyGroups} key groups, the job is configured with ${keyGroups}; the number of key groups is fixed for a job's life`,
    );
  }
}

async function readCheckpoint(
  store: CheckpointStore,
  manifest: CheckpointManifest,
  serde: Serde<unknown>,
): Promise<RestoredCheckpoint> {
  // All blobs are requested at once: a store pipelines them (restore time is mostly round trips).
  const operators = new Map<string, { keyGroups: SerializedKeyGroup[]; operator: Uint8Array | undefined }>();
  const reads: Promise<void>[] = [];
  for (const [id, state] of Object.entries(manifest.operators)) {
    const keyGroups: SerializedKeyGroup[] = [];
    const restored: { keyGroups: SerializedKeyGroup[]; operator: Uint8Array | undefined } = {
      keyGroups,
      operator: undefined,
    };
    operators.set(id, restored);
    for (const [group, chain] of Object.entries(state.keyGroups)) {
      // Slots keep each chain in order (full first, then its deltas) whatever order reads finish in.
      const start = keyGroups.length;
      chain.forEach((ref, i) => {
        keyGroups.push({ group: Number(group), mode: ref.mode, blob: new Uint8Array() });
        reads.push(
          store.readBlob(ref).then((blob) => {
            keyGroups[start + i] = { group: Number(group), mode: ref.mode, blob };
          }),
        );
      });
    }
    if (state.operator) {
      reads.push(
        store.readBlob(state.operator).then((blob) => {
          restored.operator = blob;
        }),
      );
    }
  }
  const sinkBlobs = new Map<string, Uint8Array>();
  for (const [id, ref] of Object.entries(manifest.sinks)) {
    reads.push(store.readBlob(ref).then((blob) => void sinkBlobs.set(id, blob)));
  }
  await Promise.all(reads);
  const sinks = new Map<string, unknown>();
  for (const [id, blob] of sinkBlobs) sinks.set(id, serde.deserialize(blob));
  return { manifest, operators, sinks };
}
