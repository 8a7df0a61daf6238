/**
 * Another writer published checkpoints of the job after this store's last publish: this process
 * holds an old view of the job (a "zombie", e.g. a container that was replaced but still runs),
 * and the store refuses to move the job's latest checkpoint back to its state. The checkpoint
 * coordinator's retries fail the same way, so the stale job stops; the newer writer goes on.
 *
 * @example
 * try {
 *   await job.run();
 * } catch (error) {
 *   const cause = error instanceof Error ? error.cause : undefined;
 *   if (cause instanceof StaleCheckpointWriterError) console.error("another run of this job took over:", cause.message);
 * }
 */
export class StaleCheckpointWriterError extends Error {
  /** Always `"StaleCheckpointWriterError"`. */
  override readonly name = "StaleCheckpointWriterError";
}
