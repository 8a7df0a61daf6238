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

/**
 * What a lease checkpoint of a job on several workers holds: the split's position, and its
 * watermark per watermark assigner there.
 *
 * @example
 * const { position } = checkpointToPosition(lease.leaseKey, lease.checkpoint!);
 * declare const lease: Lease;
 */
export interface PublishedPosition {
  /** The position the split's source wrote, to resume after. */
  readonly position: unknown;
  /** By watermark assigner (operator id; `null`: none yet); absent when no assigner knew it. */
  readonly watermarks?: Readonly<Record<string, number | null>> | undefined;
}

/**
 * Lease checkpoints are strings: a split's position travels as its JSON text. With watermarks it
 * is wrapped as `{ "position": …, "splitWatermarks": {…} }` (two keys exactly, which no position
 * a source of this job writes has); without, the position's JSON alone, as before watermarks
 * were kept.
 */
export function positionToCheckpoint(
  position: unknown,
  watermarks?: Readonly<Record<string, number | null>>,
): string {
  return JSON.stringify(watermarks === undefined ? position : { position, splitWatermarks: watermarks });
}

/**
 * What a lease checkpoint a worker published holds (not {@link SHARD_END}: that is no position);
 * checkpoints written before watermarks were kept beside positions read as a position alone. Throws, naming the lease, for a checkpoint this job did not write.
 *
 * @example
 * // The position of every split of a job that is still being read.
 * for (const lease of (await leases.snapshot()).leases) {
 *   if (lease.checkpoint === undefined || isFinished(lease)) continue;
 *   console.log(lease.leaseKey, checkpointToPosition(lease.leaseKey, lease.checkpoint).position);
 * }
 * declare const leases: LeaseStore;
 */
export function checkpointToPosition(leaseKey: string, checkpoint: string): PublishedPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(checkpoint);
  } catch {
    throw new Error(`lease "${leaseKey}": its checkpoint is not a position this job wrote: ${checkpoint}`);
  }
  if (isWrapped(parsed)) return { position: parsed.position, watermarks: parsed.splitWatermarks };
  return { position: parsed };
}

function isWrapped(
  value: unknown,
): value is { position: unknown; splitWatermarks: Readonly<Record<string, number | null>> } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const watermarks = (value as { splitWatermarks?: unknown }).splitWatermarks;
  return (
    keys.length === 2 &&
    "position" in value &&
    typeof watermarks === "object" &&
    watermarks !== null &&
    Object.values(watermarks).every((w) => w === null || typeof w === "number")
  );
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
