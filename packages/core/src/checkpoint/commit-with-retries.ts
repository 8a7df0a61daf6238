import type { Logger } from "../logging/logger.ts";
import { type RetryOptions, retrying } from "../retry/retry-policy.ts";
import type { Clock } from "../time/clock.ts";
import { CheckpointFailedError } from "./checkpoint-failed-error.ts";
import type { CheckpointStore, CheckpointToStore } from "./checkpoint-store.ts";

/** What {@link commitWithRetries} needs besides the checkpoint. */
export interface CommitSettings {
  readonly job: string;
  readonly store: CheckpointStore;
  /** Completed checkpoints the store keeps. */
  readonly retain: number;
  readonly retry: RetryOptions;
  /** Backoffs run on it. */
  readonly clock: Clock;
  readonly logger: Logger;
  /** Aborted when the checkpoint times out or the job stops: no attempt follows the one in flight. */
  readonly signal: AbortSignal;
  /** Told of every failed attempt, the last included (metrics count them). */
  onFailedAttempt(error: unknown): void;
}

/**
 * Commits a checkpoint through the store (its blobs, then the manifest's atomic publish), retried
 * on the shared retry policy while the job keeps processing. Rejects with a
 * {@link CheckpointFailedError} once `retry.maxAttempts` attempts have failed, or with the
 * signal's reason (or the failed attempt's error) once the signal is aborted.
 */
export async function commitWithRetries(
  checkpoint: CheckpointToStore,
  settings: CommitSettings,
): Promise<void> {
  const { job, store, retry, logger } = settings;
  const id = checkpoint.manifest.checkpointId;
  let failures = 0;
  await retrying(
    async () => {
      try {
        await store.commit(checkpoint, settings.retain);
      } catch (error) {
        failures++;
        settings.onFailedAttempt(error);
        throw error;
      }
    },
    {
      operation: `storing checkpoint ${id} in ${store.description}`,
      retry,
      clock: settings.clock,
      signal: settings.signal,
      onRetry: (error, n, delay) =>
        logger.warn(
          `checkpoint ${id}: storing in ${store.description} failed (${reasonOf(error)}); retry ${n}/${retry.maxAttempts - 1} in ${delay} ms`,
        ),
      exhausted: (attempts, error) =>
        new CheckpointFailedError(
          `job "${job}": checkpoint ${id} could not be stored in ${store.description} after ${attempts} attempts (last error: ${reasonOf(error)})`,
          { cause: error },
        ),
    },
  );
  if (failures > 0) logger.info(`checkpoint ${id} stored after ${failures} failed attempt(s)`);
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
