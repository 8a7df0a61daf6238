import type { Logger } from "../logging/logger.ts";
import type { Serde } from "../state/serde.ts";
import { type CheckpointManifest, type CheckpointStore, CorruptCheckpointError } from "./checkpoint-store.ts";
import type { SerializedKeyGroup, SerializedOperatorSnapshot } from "./serialized-snapshot.ts";
import { replayOrder } from "./state-chain.ts";

const NOT_READ = new Uint8Array();

/** A checkpoint read back and verified, ready to restore a job from. */
export interface RestoredCheckpoint {
  readonly manifest: CheckpointManifest;
  /** Per operator, its key groups' chains in replay order (each oldest first) and its operator state. */
  readonly operators: ReadonlyMap<string, SerializedOperatorSnapshot>;
  /** Per sink, its pre-commit state, deserialized. */
  readonly sinks: ReadonlyMap<string, unknown>;
}

/** What {@link restoreFirstUsable} needs besides the store and the candidates. */
export interface RestoreSettings {
  /** The job's name, for log lines. */
  readonly job: string;
  /** Deserializes sinks' states. */
  readonly serde: Serde<unknown>;
  readonly logger: Logger;
  /** Throws if the job cannot use `manifest` at all (another number of key groups…): no fallback then. */
  check?(manifest: CheckpointManifest): void;
}

/**
 * Restores the first usable of `candidates` (newest first): every blob is read and its checksum
 * verified; a checkpoint with a corrupt or missing blob is skipped with a clear log line and the
 * one after it in `candidates` is tried. Rejects with {@link CorruptCheckpointError} when none is
 * usable; resolves `undefined` when there is none.
 */
export async function restoreFirstUsable(
  store: CheckpointStore,
  candidates: readonly CheckpointManifest[],
  settings: RestoreSettings,
): Promise<RestoredCheckpoint | undefined> {
  const { job, logger } = settings;
  for (const manifest of candidates) {
    settings.check?.(manifest);
    try {
      const restored = await readCheckpoint(store, manifest, settings.serde);
      logger.info(`job "${job}" restores checkpoint ${manifest.checkpointId} from ${store.description}`);
      return restored;
    } catch (error) {
      if (!(error instanceof CorruptCheckpointError)) throw error;
      logger.error(
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

/**
 * Reads back every blob `manifest` references, verified by the store, with each operator's key
 * groups in replay order ({@link replayOrder}).
 */
export async function readCheckpoint(
  store: CheckpointStore,
  manifest: CheckpointManifest,
  serde: Serde<unknown>,
): Promise<RestoredCheckpoint> {
  // All blobs are requested at once: a store pipelines them (restore time is mostly round trips).
  const operators = new Map<string, SerializedOperatorSnapshot>();
  const reads: Promise<void>[] = [];
  for (const [id, state] of Object.entries(manifest.operators)) {
    const order = replayOrder(state);
    // Slots keep the replay order whatever order reads finish in.
    const keyGroups: SerializedKeyGroup[] = order.map(({ group, ref }) => ({
      group,
      mode: ref.mode,
      blob: NOT_READ,
    }));
    const restored: { keyGroups: SerializedKeyGroup[]; operator: Uint8Array | undefined } = {
      keyGroups,
      operator: undefined,
    };
    operators.set(id, restored);
    order.forEach(({ group, ref }, slot) => {
      reads.push(
        store.readBlob(ref).then((blob) => {
          keyGroups[slot] = { group, mode: ref.mode, blob };
        }),
      );
    });
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
