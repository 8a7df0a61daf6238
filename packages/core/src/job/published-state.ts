import type { KeyGroupBlobRef } from "../checkpoint/checkpoint-store.ts";

/**
 * What a worker publishes for one key group (the `state` of its pointer in the lease store): the
 * checkpoint it was taken in, and per operator the key group's blob chain in the checkpoint store
 * (full, then deltas). An operator missing from `operators` has no state in the key group.
 */
export interface PublishedKeyGroupState {
  readonly checkpointId: number;
  readonly operators: Readonly<Record<string, readonly KeyGroupBlobRef[]>>;
}

/** Lease checkpoints are strings: a split's position travels as its JSON text. */
export function positionToCheckpoint(position: unknown): string {
  return JSON.stringify(position);
}

/** The position a lease checkpoint written by {@link positionToCheckpoint} holds. */
export function checkpointToPosition(leaseKey: string, checkpoint: string): unknown {
  try {
    return JSON.parse(checkpoint);
  } catch {
    throw new Error(`lease "${leaseKey}": its checkpoint is not a position this job wrote: ${checkpoint}`);
  }
}

/** `state` as a {@link PublishedKeyGroupState}, or an error naming the key group. */
export function publishedStateOf(keyGroup: number, state: unknown): PublishedKeyGroupState {
  const candidate = state as Partial<PublishedKeyGroupState> | null;
  if (
    typeof candidate !== "object" ||
    candidate === null ||
    typeof candidate.checkpointId !== "number" ||
    typeof candidate.operators !== "object" ||
    candidate.operators === null
  ) {
    throw new Error(
      `key group ${keyGroup}: its published state is not one this job wrote: ${JSON.stringify(state)}`,
    );
  }
  return candidate as PublishedKeyGroupState;
}
