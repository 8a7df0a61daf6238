import type { CheckpointMetrics } from "./checkpoint-metrics.ts";
import type { CheckpointToStore } from "./checkpoint-store.ts";
import type { PendingCheckpoint } from "./pending-checkpoint.ts";

/** Records a stored checkpoint in the job's figures: its duration, bytes and key groups written. */
export function recordStored(
  metrics: CheckpointMetrics,
  pending: PendingCheckpoint,
  { blobs }: CheckpointToStore,
  endedAt: number,
): void {
  let bytesWritten = 0;
  for (const blob of blobs.values()) bytesWritten += blob.byteLength;
  let keyGroupsWritten = 0;
  for (const snapshot of pending.operators.values()) keyGroupsWritten += snapshot.keyGroups.length;
  metrics.recordCompleted({
    checkpointId: pending.id,
    kind: pending.kind,
    startedAt: pending.startedAt,
    endedAt,
    bytesWritten,
    keyGroupsWritten,
    failedAttempts: pending.failedAttempts,
  });
}

/** Records a failed checkpoint in the job's figures, with why it failed. */
export function recordFailure(
  metrics: CheckpointMetrics,
  pending: PendingCheckpoint,
  failure: Error,
  endedAt: number,
): void {
  metrics.recordFailed(
    {
      checkpointId: pending.id,
      kind: pending.kind,
      startedAt: pending.startedAt,
      endedAt,
      failedAttempts: pending.failedAttempts,
    },
    failure.message,
  );
}

/** Counts a failed attempt to store `pending` (retried or not). */
export function recordFailedAttempt(metrics: CheckpointMetrics, pending: PendingCheckpoint): void {
  pending.failedAttempts++;
  metrics.failedAttempts++;
}
