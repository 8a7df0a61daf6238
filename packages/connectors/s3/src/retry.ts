import type { Clock } from "@eddy/core";

/**
 * Bounded retries of one S3 call: exponential backoff with full jitter, on the sink's clock.
 *
 * @example
 * const patient: RetryOptions = { ...DEFAULT_RETRY, maxAttempts: 30 };
 * s3Sink<Click>({ bucket: "analytics", retry: patient });
 */
export interface RetryOptions {
  /** Attempts (the first included) before the call's error is thrown. */
  readonly maxAttempts: number;
  /** The backoff before attempt n is random in [0, min(maxBackoffMS, initialBackoffMS * 2^(n-2))]. */
  readonly initialBackoffMS: number;
  /** The longest backoff between two attempts (ms). */
  readonly maxBackoffMS: number;
}

/**
 * Defaults of {@link RetryOptions}: 12 attempts, backoff from 50 ms doubling up to 5 s.
 *
 * @example
 * s3Source<Click>({ bucket: "analytics", prefix: "clicks/", retry: { ...DEFAULT_RETRY, maxAttempts: 3 } });
 */
export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 12, initialBackoffMS: 50, maxBackoffMS: 5_000 };

/** Runs `call` until it succeeds, `retryable` says no, or the attempts run out (full-jitter backoff). */
export async function withRetry<R>(
  call: () => Promise<R>,
  retryable: (error: unknown) => boolean,
  options: RetryOptions,
  clock: Clock,
): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= options.maxAttempts || !retryable(error)) throw error;
      const delay = Math.ceil(
        Math.random() * Math.min(options.maxBackoffMS, options.initialBackoffMS * 2 ** (attempt - 1)),
      );
      await new Promise<void>((resolve) => clock.schedule(clock.now() + delay, resolve));
    }
  }
}
