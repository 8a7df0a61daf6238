import type { OperatorStateRef } from "../../checkpoint/checkpoint-store.ts";
import { checksumOf } from "../../checkpoint/checksum.ts";
import type { SerializedKeyGroup } from "../../checkpoint/serialized-snapshot.ts";
import { extendOperatorState, replayOrder } from "../../checkpoint/state-chain.ts";
import type { Serde } from "../../state/serde.ts";
import type { OperatorSnapshot } from "../operator.ts";
import { deserializeSnapshot, type SerializedOperatorSnapshot } from "../stage-runtime.ts";

/**
 * An operator's checkpointed state kept in memory, for tests that snapshot and restore an
 * operator directly: the state's chains as a checkpoint stores them, and the blobs they reference.
 * It grows and is read back by the same code as a job's checkpoints (`state-chain.ts`).
 */
export interface OperatorStateChain {
  readonly state: OperatorStateRef;
  readonly blobs: ReadonlyMap<string, Uint8Array>;
  /** Snapshots added so far (numbers the blobs' keys). */
  readonly length: number;
}

/** The chain after `snapshot`: a full group replaces its chain, a delta extends it. */
export function extendChain(
  previous: OperatorStateChain | undefined,
  snapshot: SerializedOperatorSnapshot,
): OperatorStateChain {
  const blobs = new Map(previous?.blobs);
  const length = (previous?.length ?? 0) + 1;
  const state = extendOperatorState(
    previous?.state,
    snapshot,
    { keyGroup: (group) => `${length}/kg${group}`, operator: () => `${length}/op` },
    (key, bytes) => {
      blobs.set(key, bytes);
      return { key, checksum: checksumOf(bytes), size: bytes.byteLength };
    },
  );
  return { state, blobs, length };
}

/** What an operator restores from: every group's chain in replay order, deserialized. */
export function restoreFromChain(chain: OperatorStateChain, serde: Serde<unknown>): OperatorSnapshot {
  const keyGroups: SerializedKeyGroup[] = replayOrder(chain.state).map(({ group, ref }) => ({
    group,
    mode: ref.mode,
    blob: chain.blobs.get(ref.key)!,
  }));
  const operator = chain.state.operator ? chain.blobs.get(chain.state.operator.key) : undefined;
  return deserializeSnapshot({ keyGroups, operator }, serde);
}
