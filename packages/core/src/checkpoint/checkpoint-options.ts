import { type RetryOptions, retryOptions } from "../retry/retry-policy.ts";
import type { CheckpointStore } from "./checkpoint-store.ts";

/**
 * How a job checkpoints. Defaults are in {@link CHECKPOINT_DEFAULTS}.
 *
 * Time: `every` and `checkpointTimeout` are processing time (the job's clock). One checkpoint is
 * in flight at a time; a periodic trigger while one runs is skipped, a savepoint waits its turn.
 *
 * Failures, as Flink counts them: a checkpoint **fails** when storing it fails `retry.maxAttempts`
 * times in a row, or when it is not stored within `checkpointTimeout`. The job goes on after a
 * failed checkpoint (the next one is a full snapshot, so nothing depends on the failed one) as long
 * as no more than `tolerableCheckpointFailures` checkpoints in a row have failed; the next failure
 * fails the job with {@link CheckpointFailedError}. A stored checkpoint resets the count. So with
 * the defaults, one checkpoint is attempted up to 11 times and its failure stops the job.
 *
 * @example
 * const checkpoints: CheckpointOptions = {
 *   every: seconds(10),
 *   retain: 5,
 *   store: new MemoryCheckpointStore(),
 *   retry: { maxAttempts: 20, maxBackoffMS: 10_000 },
 *   tolerableCheckpointFailures: 2,
 * };
 * const job = pipeline("fx-pricing", { checkpoints });
 */
export interface CheckpointOptions {
  /** Durable storage; `@eddy/state` has the Redis store. */
  readonly store: CheckpointStore;
  /** Interval between checkpoints (ms); without it checkpoints are taken only on request. */
  readonly every?: number;
  /** Completed checkpoints kept; older ones are deleted (savepoints are kept). */
  readonly retain?: number;
  /**
   * How storing one checkpoint is retried: attempts (the first included) and the backoff between
   * them (full jitter, on the job's clock), the policy every retry in Eddy uses. Missing fields
   * come from `CHECKPOINT_DEFAULTS.retry`. The job keeps processing while a store write is retried.
   */
  readonly retry?: Partial<RetryOptions>;
  /**
   * Longest time (ms) from a checkpoint's trigger until it is stored, as Flink's
   * `checkpointTimeout`: past it the checkpoint fails (a store write in flight may still finish,
   * but no retry follows) and the next one may start. Default 10 minutes.
   */
  readonly checkpointTimeout?: number;
  /**
   * Failed checkpoints in a row the job tolerates, as Flink's `tolerableCheckpointFailureNumber`:
   * one more fails the job. Default 0: the first checkpoint that cannot be stored in
   * `retry.maxAttempts` attempts, or times out, stops the job (it resumes from its last complete
   * checkpoint when restarted).
   */
  readonly tolerableCheckpointFailures?: number;
  /**
   * @deprecated Use `retry: { maxAttempts: n + 1 }`: `tolerableFailures: n` counted the failed
   * attempts to store one checkpoint before the job failed, which is what `retry.maxAttempts`
   * (attempts, the first included) now says. Removed in the next minor release.
   */
  readonly tolerableFailures?: number;
  /**
   * @deprecated Use `retry: { initialBackoffMS }` (the same ceiling of the first backoff).
   * Removed in the next minor release.
   */
  readonly retryDelay?: number;
  /**
   * @deprecated Use `retry: { maxBackoffMS }` (the same longest backoff). Removed in the next
   * minor release.
   */
  readonly maxRetryDelay?: number;
}

/**
 * Defaults of {@link CheckpointOptions}.
 *
 * @example
 * const patient: CheckpointOptions = {
 *   store,
 *   retry: { ...CHECKPOINT_DEFAULTS.retry, maxAttempts: CHECKPOINT_DEFAULTS.retry.maxAttempts * 3 },
 * };
 */
export const CHECKPOINT_DEFAULTS = {
  /** Completed checkpoints kept. */
  retain: 3,
  /** Storing one checkpoint: 11 attempts, backoff from 100 ms doubling up to 5 s. */
  retry: {
    /** Attempts, the first included. */
    maxAttempts: 11,
    /** Ceiling of the first backoff (ms). */
    initialBackoffMS: 100,
    /** Longest backoff (ms). */
    maxBackoffMS: 5_000,
  },
  /** Longest time from a checkpoint's trigger until it is stored (ms): 10 minutes. */
  checkpointTimeout: 600_000,
  /** Failed checkpoints in a row tolerated: none. */
  tolerableCheckpointFailures: 0,
  /** @deprecated Use `retry.maxAttempts` (which is this plus one). */
  tolerableFailures: 10,
  /** @deprecated Use `retry.initialBackoffMS`. */
  retryDelay: 100,
  /** @deprecated Use `retry.maxBackoffMS`. */
  maxRetryDelay: 5_000,
} as const;

/** {@link CheckpointOptions} completed with defaults and checked: what the coordinator runs on. */
export interface CheckpointPolicy {
  readonly retain: number;
  readonly retry: RetryOptions;
  readonly checkpointTimeout: number;
  readonly tolerableCheckpointFailures: number;
}

/**
 * Completes `options` with {@link CHECKPOINT_DEFAULTS}, maps the deprecated options onto `retry`
 * (the new names win where both are given), and checks every value; a `RangeError` names `where`
 * and the option that is wrong.
 */
export function checkpointPolicy(options: CheckpointOptions, where: string): CheckpointPolicy {
  const at = `${where}: checkpoints`;
  const legacy: { -readonly [K in keyof RetryOptions]?: RetryOptions[K] } = {};
  if (options.tolerableFailures !== undefined) {
    const n = options.tolerableFailures;
    if (!(Number.isInteger(n) || n === Number.POSITIVE_INFINITY) || n < 0) {
      throw new RangeError(`${at}.tolerableFailures must be an integer >= 0, got ${n}`);
    }
    legacy.maxAttempts = Math.min(n + 1, Number.MAX_SAFE_INTEGER);
  }
  if (options.retryDelay !== undefined) legacy.initialBackoffMS = options.retryDelay;
  if (options.maxRetryDelay !== undefined) legacy.maxBackoffMS = options.maxRetryDelay;
  const retry = retryOptions({ ...legacy, ...options.retry }, CHECKPOINT_DEFAULTS.retry, at);

  const retain = options.retain ?? CHECKPOINT_DEFAULTS.retain;
  if (!Number.isInteger(retain) || retain < 1) {
    throw new RangeError(`${at}.retain must be an integer >= 1, got ${retain}`);
  }
  if (options.every !== undefined && !(Number.isFinite(options.every) && options.every > 0)) {
    throw new RangeError(`${at}.every must be a finite number of ms > 0, got ${options.every}`);
  }
  const checkpointTimeout = options.checkpointTimeout ?? CHECKPOINT_DEFAULTS.checkpointTimeout;
  if (!(checkpointTimeout > 0)) {
    throw new RangeError(`${at}.checkpointTimeout must be a number of ms > 0, got ${checkpointTimeout}`);
  }
  const tolerable = options.tolerableCheckpointFailures ?? CHECKPOINT_DEFAULTS.tolerableCheckpointFailures;
  if (!(Number.isInteger(tolerable) || tolerable === Number.POSITIVE_INFINITY) || tolerable < 0) {
    throw new RangeError(`${at}.tolerableCheckpointFailures must be an integer >= 0, got ${tolerable}`);
  }
  return { retain, retry, checkpointTimeout, tolerableCheckpointFailures: tolerable };
}
