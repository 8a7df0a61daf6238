import type { CheckpointManifest } from "./checkpoint-store.ts";

/**
 * One checkpoint of a job's history: completed (stored) or failed.
 *
 * @example
 * for (const c of job.metrics.checkpoints.history) {
 *   console.log(`#${c.checkpointId} ${c.status} in ${c.durationMs} ms, ${c.bytesWritten} bytes`, c.error ?? "");
 * }
 */
export interface CheckpointRecord {
  /** The checkpoint's id, increasing over the job's life. */
  readonly checkpointId: number;
  /** A periodic `checkpoint`, or a `savepoint` taken on request. */
  readonly kind: CheckpointManifest["kind"];
  /**
   * `completed`: stored; `failed`: not stored in `retry.maxAttempts` attempts, or not complete
   * within `checkpointTimeout` (the job goes on while the failures in a row are tolerated).
   */
  readonly status: "completed" | "failed";
  /** Processing time the barrier was injected. */
  readonly startedAt: number;
  /** Processing time it was stored (completed) or given up (failed). */
  readonly endedAt: number;
  /** From `startedAt` to `endedAt` (ms). */
  readonly durationMs: number;
  /** Bytes of the blobs it wrote (0 when failed). */
  readonly bytesWritten: number;
  /** Key-group blobs it wrote (0 when failed). */
  readonly keyGroupsWritten: number;
  /** Attempts to store it that failed (and were retried, or gave up). */
  readonly failedAttempts: number;
  /** Why it failed. */
  readonly error?: string;
}

/**
 * Checkpoints kept in {@link CheckpointMetrics.history}.
 *
 * @example
 * const oldestKept = job.metrics.checkpoints.history.length === CHECKPOINT_HISTORY_LIMIT;
 */
export const CHECKPOINT_HISTORY_LIMIT = 100;

/**
 * Checkpoint figures of a job: how many, how long, how big, and the recent history.
 *
 * @example
 * const figures: CheckpointMetrics = job.metrics.checkpoints;
 * console.log(`${figures.completed} checkpoints, last took ${figures.lastDurationMs} ms, wrote ${figures.lastBytesWritten} bytes`);
 */
export class CheckpointMetrics {
  /** Checkpoints completed (stored in the checkpoint store). */
  completed = 0;
  /**
   * Checkpoints that failed: not stored in `retry.maxAttempts` attempts, or timed out. The job
   * fails past `tolerableCheckpointFailures` of them in a row.
   */
  failed = 0;
  /** Attempts to store a checkpoint that failed (each retry counts). */
  failedAttempts = 0;
  /** From the barrier's injection until the store had it, of the last completed one (ms). */
  lastDurationMs = Number.NaN;
  /** Bytes of the blobs the last checkpoint wrote (not those it shares with earlier ones). */
  lastBytesWritten = 0;
  /** Key-group blobs the last checkpoint wrote. */
  lastKeyGroupsWritten = 0;
  /** Processing time the last checkpoint completed at. */
  lastCompletedAt = Number.NaN;
  /** The most recent checkpoints, oldest first, at most {@link CHECKPOINT_HISTORY_LIMIT}. */
  readonly history: CheckpointRecord[] = [];

  /** Records a stored checkpoint and makes it the last completed one. */
  recordCompleted(record: Omit<CheckpointRecord, "status" | "error" | "durationMs">): void {
    this.completed++;
    this.lastCompletedAt = record.endedAt;
    this.lastDurationMs = record.endedAt - record.startedAt;
    this.lastBytesWritten = record.bytesWritten;
    this.lastKeyGroupsWritten = record.keyGroupsWritten;
    this.#remember({ ...record, status: "completed", durationMs: this.lastDurationMs });
  }

  /** Records a checkpoint that could not be stored. */
  recordFailed(
    record: Pick<CheckpointRecord, "checkpointId" | "kind" | "startedAt" | "endedAt" | "failedAttempts">,
    error: string,
  ): void {
    this.failed++;
    this.#remember({
      ...record,
      status: "failed",
      durationMs: record.endedAt - record.startedAt,
      bytesWritten: 0,
      keyGroupsWritten: 0,
      error,
    });
  }

  #remember(record: CheckpointRecord): void {
    this.history.push(record);
    if (this.history.length > CHECKPOINT_HISTORY_LIMIT) this.history.shift();
  }
}
