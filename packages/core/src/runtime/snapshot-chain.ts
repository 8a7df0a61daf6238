import type { Serde } from "../state/serde.ts";
import type { OperatorSnapshot } from "./operator.ts";
import type { SerializedKeyGroup, SerializedOperatorSnapshot } from "./stage-runtime.ts";
import { deserializeSnapshot } from "./stage-runtime.ts";

/**
 * An operator's checkpointed state as a sequence of snapshots: per key group, the last full
 * snapshot and the deltas written since. Incremental checkpoints extend it; restore replays it.
 */
export interface OperatorStateChain {
  readonly keyGroups: ReadonlyMap<number, readonly SerializedKeyGroup[]>;
  readonly operator: Uint8Array | undefined;
}

/** The chain after `snapshot`: a full group replaces its chain, a delta extends it. */
export function extendChain(
  previous: OperatorStateChain | undefined,
  snapshot: SerializedOperatorSnapshot,
): OperatorStateChain {
  const keyGroups = new Map(previous?.keyGroups);
  for (const group of snapshot.keyGroups) {
    const chain = group.mode === "full" ? [] : [...(keyGroups.get(group.group) ?? [])];
    chain.push(group);
    keyGroups.set(group.group, chain);
  }
  return { keyGroups, operator: snapshot.operator ?? previous?.operator };
}

/** What an operator restores from: every group's chain, oldest first. */
export function restoreFromChain(chain: OperatorStateChain, serde: Serde<unknown>): OperatorSnapshot {
  const flat: SerializedKeyGroup[] = [];
  for (const groups of chain.keyGroups.values()) flat.push(...groups);
  return deserializeSnapshot({ keyGroups: flat, operator: chain.operator }, serde);
}
