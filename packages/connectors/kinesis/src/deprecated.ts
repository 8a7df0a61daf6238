import { backoffDelay as coreBackoffDelay, DEFAULT_RETRY, SinkWriteError } from "@eddy/core";

/**
 * Retry settings with the names of earlier releases.
 *
 * @deprecated Use core's `RetryOptions` (`maxAttempts`, `initialBackoffMS`, `maxBackoffMS`); the
 * `retry` options still accept `baseDelayMs` and `maxDelayMs` for one release.
 *
 * @example
 * const legacy: RetryOptions = { maxAttempts: 10, baseDelayMs: 200, maxDelayMs: 5_000 };
 */
export interface RetryOptions {
  /** Attempts of one call (the first included) before it fails with a clear error. */
  readonly maxAttempts: number;
  /** Upper bound of the first retry's delay (ms); doubled per attempt. */
  readonly baseDelayMs: number;
  /** Cap of the delay (ms). */
  readonly maxDelayMs: number;
}

/**
 * Core's `DEFAULT_RETRY` in the names of earlier releases: 12 attempts, 50 ms doubling to 5 s.
 *
 * @deprecated Use `DEFAULT_RETRY` from `@eddy/core`.
 *
 * @example
 * kinesisSink<Tick>({ stream: "fx-ticks", partitionKey: (t) => t.symbol, retry: { ...RETRY_DEFAULTS, maxAttempts: 30 } });
 */
export const RETRY_DEFAULTS: RetryOptions = Object.freeze({
  maxAttempts: DEFAULT_RETRY.maxAttempts,
  baseDelayMs: DEFAULT_RETRY.initialBackoffMS,
  maxDelayMs: DEFAULT_RETRY.maxBackoffMS,
});

/**
 * The delay before retry number `attempt` (1 = first retry), in `[0, min(maxDelayMs, baseDelayMs *
 * 2^(attempt-1))]` ("full jitter").
 *
 * @deprecated Use `backoffDelay` from `@eddy/core` (with `initialBackoffMS`, `maxBackoffMS`).
 *
 * @example
 * backoffDelay(3, RETRY_DEFAULTS, () => 0.5); // 100
 */
export function backoffDelay(
  attempt: number,
  options: RetryOptions,
  random: () => number = Math.random,
): number {
  return coreBackoffDelay(
    attempt,
    {
      maxAttempts: options.maxAttempts,
      initialBackoffMS: options.baseDelayMs,
      maxBackoffMS: options.maxDelayMs,
    },
    random,
  );
}

/**
 * The sink's failures are core's `SinkWriteError` (a record refused with `failOnError`, retries
 * run out, a call that cannot be retried).
 *
 * @deprecated Use `SinkWriteError` from `@eddy/core`; this alias goes in the next release.
 *
 * @example
 * try {
 *   await job.run();
 * } catch (error) {
 *   if (error instanceof KinesisSinkError) console.error("the Kinesis sink cannot go on:", error.message);
 * }
 */
export const KinesisSinkError = SinkWriteError;
/** @deprecated Use `SinkWriteError` from `@eddy/core`. */
export type KinesisSinkError = SinkWriteError;
