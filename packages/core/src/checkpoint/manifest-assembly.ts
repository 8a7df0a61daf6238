import type { Serde } from "../state/serde.ts";
import type { BlobNaming } from "./blob-naming.ts";
import {
  type BlobRef,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointManifest,
  type CheckpointToStore,
  type OperatorStateRef,
  type SplitWatermarksOf,
} from "./checkpoint-store.ts";
import { checksumOf } from "./checksum.ts";
import type { SerializedOperatorSnapshot } from "./serialized-snapshot.ts";
import { extendOperatorState } from "./state-chain.ts";

/** What the participants of one checkpoint acknowledged. */
export interface CheckpointAcks {
  /** Per source, per split: the position after the last record before the barrier. */
  readonly sources: ReadonlyMap<string, ReadonlyMap<string, unknown>>;
  /** Per source that has them, its splits' watermarks at those positions. */
  readonly splitWatermarks: ReadonlyMap<string, SplitWatermarksOf>;
  /** Per operator, its snapshot as the barrier passed. */
  readonly operators: ReadonlyMap<string, SerializedOperatorSnapshot>;
  /** Per sink, its pre-commit state. */
  readonly sinks: ReadonlyMap<string, unknown>;
}

/** Everything {@link assembleCheckpoint} turns into a manifest and its new blobs. */
export interface ManifestAssembly {
  readonly job: string;
  readonly keyGroups: number;
  readonly checkpointId: number;
  readonly kind: CheckpointManifest["kind"];
  readonly savepointName: string | undefined;
  /** Processing time of completion. */
  readonly completedAt: number;
  /**
   * Operator states of the stored checkpoint this one builds on: unchanged key groups keep
   * pointing at its blobs. `undefined` for a checkpoint of full snapshots, which stands alone.
   */
  readonly base: Readonly<Record<string, OperatorStateRef>> | undefined;
  readonly acks: CheckpointAcks;
  /** Serializes sinks' states. */
  readonly serde: Serde<unknown>;
  readonly naming: BlobNaming;
}

/**
 * Turns a checkpoint's acknowledgements into what a store commits: the manifest (positions, the
 * operators' key-group chains extended by this checkpoint's snapshots, sinks' states) and the
 * bytes of the blobs it introduces, each referenced with its sha256. Operators that did not
 * acknowledge (a finished branch, stateless) are left out of the manifest.
 */
export function assembleCheckpoint(assembly: ManifestAssembly): CheckpointToStore {
  const { checkpointId: id, naming, acks } = assembly;
  const blobs = new Map<string, Uint8Array>();
  const write = (key: string, bytes: Uint8Array): BlobRef => {
    blobs.set(key, bytes);
    return { key, checksum: checksumOf(bytes), size: bytes.byteLength };
  };

  const operators: Record<string, OperatorStateRef> = {};
  for (const [operatorId, snapshot] of acks.operators) {
    const keys = {
      keyGroup: (group: number) => naming.keyGroup(id, operatorId, group),
      operator: () => naming.operator(id, operatorId),
    };
    operators[operatorId] = extendOperatorState(assembly.base?.[operatorId], snapshot, keys, write);
  }
  const sinks: Record<string, BlobRef> = {};
  for (const [sinkId, state] of acks.sinks) {
    sinks[sinkId] = write(naming.sink(id, sinkId), assembly.serde.serialize(state));
  }
  const sources: Record<string, Record<string, unknown>> = {};
  for (const [sourceId, positions] of acks.sources) sources[sourceId] = Object.fromEntries(positions);
  const splitWatermarks =
    acks.splitWatermarks.size === 0 ? undefined : Object.fromEntries(acks.splitWatermarks);

  const manifest: CheckpointManifest = {
    version: CHECKPOINT_FORMAT_VERSION,
    job: assembly.job,
    checkpointId: id,
    kind: assembly.kind,
    savepointName: assembly.savepointName,
    completedAt: assembly.completedAt,
    keyGroups: assembly.keyGroups,
    sources,
    ...(splitWatermarks && { splitWatermarks }),
    operators,
    sinks,
  };
  return { manifest, blobs };
}
