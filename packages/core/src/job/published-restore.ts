import {
  type BlobRef,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointManifest,
  type CheckpointStore,
  type KeyGroupBlobRef,
  type OperatorStateRef,
} from "../checkpoint/checkpoint-store.ts";
import { type RestoredCheckpoint, readCheckpoint } from "../checkpoint/restore.ts";
import type { Lease } from "../cluster/lease.ts";
import type { LeaseStore } from "../cluster/lease-store.ts";
import type { Serde } from "../state/serde.ts";
import { checkpointToPosition, publishedStateOf } from "./published-state.ts";

/** What {@link restorePublished} reads from. */
export interface PublishedRestore {
  /** The name the restored manifest carries (the worker's checkpoint stream). */
  readonly job: string;
  readonly keyGroups: number;
  readonly serde: Serde<unknown>;
  /** The source node the leases are splits of. */
  readonly sourceId: string;
  /** The leases the run reads, as this worker holds them. */
  readonly leases: readonly Lease[];
  readonly leaseStore: LeaseStore;
  readonly checkpoints: CheckpointStore;
  /** The id the restored manifest carries: the run's checkpoints are numbered after it. */
  readonly checkpointId: number;
  /** The sinks' states of this worker's own last published checkpoint, if any. */
  readonly sinks?: Readonly<Record<string, BlobRef>> | undefined;
}

/**
 * What a run of a worker starts from: each lease's split at its published position, and the
 * state of the key groups the leases carry from their published blob chains, read back and
 * verified as a checkpoint is. Position and pointers of a lease were published in one atomic
 * step, so they belong together. The sinks get their state from this worker's own last published
 * checkpoint (whatever splits it covered): what they staged is theirs to commit. `undefined` when
 * nothing was ever published for them.
 */
export async function restorePublished(restore: PublishedRestore): Promise<RestoredCheckpoint | undefined> {
  const { leases, sourceId } = restore;
  const positions: Record<string, unknown> = {};
  const watermarks: Record<string, Readonly<Record<string, number | null>>> = {};
  // Positions as stored, not as the worker's copy of its leases has them: a publish whose answer
  // was lost (a reply timed out on a busy machine) landed with its key-group pointers, and the copy
  // would pair an older position with them — the records between would be counted twice. Nobody
  // else can publish these leases while this worker holds them, so the two reads belong together.
  const stored = await Promise.all(leases.map((lease) => restore.leaseStore.readLease(lease.leaseKey)));
  leases.forEach(({ leaseKey, checkpoint: held }, i) => {
    const checkpoint = stored[i]?.checkpoint ?? held;
    if (checkpoint === undefined) return;
    const published = checkpointToPosition(leaseKey, checkpoint);
    positions[leaseKey] = published.position;
    if (published.watermarks) watermarks[leaseKey] = published.watermarks;
  });
  const pointers = await restore.leaseStore.readKeyGroups(leases.flatMap((lease) => lease.keyGroups));
  const sinks = restore.sinks ?? {};
  if (Object.keys(positions).length === 0 && pointers.size === 0 && Object.keys(sinks).length === 0) {
    return undefined;
  }

  const chains = new Map<string, Record<string, readonly KeyGroupBlobRef[]>>();
  for (const [group, pointer] of pointers) {
    for (const [operatorId, chain] of Object.entries(publishedStateOf(group, pointer.state).operators)) {
      const keyGroups = chains.get(operatorId) ?? {};
      keyGroups[group] = chain;
      chains.set(operatorId, keyGroups);
    }
  }
  const operators: Record<string, OperatorStateRef> = {};
  for (const [operatorId, keyGroups] of chains) operators[operatorId] = { keyGroups };
  const manifest: CheckpointManifest = {
    version: CHECKPOINT_FORMAT_VERSION,
    job: restore.job,
    checkpointId: restore.checkpointId,
    kind: "checkpoint",
    completedAt: 0,
    keyGroups: restore.keyGroups,
    sources: { [sourceId]: positions },
    splitWatermarks: { [sourceId]: watermarks },
    operators,
    sinks,
  };
  return readCheckpoint(restore.checkpoints, manifest, restore.serde);
}
