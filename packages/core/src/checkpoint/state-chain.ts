import type { BlobRef, KeyGroupBlobRef, OperatorStateRef } from "./checkpoint-store.ts";
import type { SerializedOperatorSnapshot } from "./serialized-snapshot.ts";

/**
 * How an operator's stored state grows and is read back: per key group a chain, a full blob
 * followed by the deltas written since. Checkpoints extend chains ({@link extendOperatorState});
 * a restore replays them ({@link replayOrder}). The coordinator, the restore and the test harness
 * all go through these two functions.
 */

/** Keeps one blob's bytes under `key` (in the checkpoint being assembled) and returns its ref. */
export type BlobWriter = (key: string, bytes: Uint8Array) => BlobRef;

/** The store keys of one operator's blobs in one checkpoint. */
export interface OperatorBlobKeys {
  keyGroup(group: number): string;
  operator(): string;
}

/**
 * An operator's state once `snapshot` is added on top of `previous` (its state in the checkpoint
 * this one builds on; `undefined` when the snapshot is full): a full group replaces its chain, a
 * delta extends it, a group the snapshot leaves out (unchanged) keeps its chain. Non-keyed state is
 * replaced when the snapshot has some, else kept.
 */
export function extendOperatorState(
  previous: OperatorStateRef | undefined,
  snapshot: SerializedOperatorSnapshot,
  keys: OperatorBlobKeys,
  write: BlobWriter,
): OperatorStateRef {
  const keyGroups: Record<string, readonly KeyGroupBlobRef[]> = { ...previous?.keyGroups };
  for (const group of snapshot.keyGroups) {
    const ref: KeyGroupBlobRef = { ...write(keys.keyGroup(group.group), group.blob), mode: group.mode };
    keyGroups[group.group] = group.mode === "full" ? [ref] : [...(keyGroups[group.group] ?? []), ref];
  }
  const operator = snapshot.operator ? write(keys.operator(), snapshot.operator) : previous?.operator;
  return { keyGroups, operator };
}

/**
 * Every key-group blob of an operator's state in the order a restore applies them: group by
 * group, each chain oldest first (its full blob, then its deltas).
 */
export function replayOrder(state: OperatorStateRef): { group: number; ref: KeyGroupBlobRef }[] {
  const order: { group: number; ref: KeyGroupBlobRef }[] = [];
  for (const [group, chain] of Object.entries(state.keyGroups)) {
    for (const ref of chain) order.push({ group: Number(group), ref });
  }
  return order;
}
