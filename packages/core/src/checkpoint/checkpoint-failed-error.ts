/**
 * A checkpoint failed: it could not be stored in `retry.maxAttempts` attempts, or it timed out
 * (`checkpointTimeout`). A savepoint that fails rejects with it; `job.run()` rejects with it once
 * more checkpoints in a row have failed than `tolerableCheckpointFailures` allows.
 *
 * @example
 * try {
 *   await job.run();
 * } catch (error) {
 *   if (error instanceof CheckpointFailedError) console.error("the checkpoint store is down:", error.message);
 * }
 */
export class CheckpointFailedError extends Error {
  /** Always `"CheckpointFailedError"`. */
  override readonly name = "CheckpointFailedError";
}
