import type { Clock } from "../time/clock.ts";
import { keepProcessAlive } from "../time/keep-alive.ts";

/**
 * Bounded retries with exponential backoff and full jitter, on the job's clock (processing time).
 * One policy for every retry in Eddy: the sinks' failed entries and requests, the sources' calls,
 * and the checkpoint coordinator's store writes.
 *
 * Rule for AWS SDK clients: Eddy retries, the SDK does not. A client Eddy builds itself is created
 * with `maxAttempts: 1`, so one Eddy attempt is one HTTP request; a client you pass (`client`) is
 * used as given, and its own attempts run inside each of Eddy's (build it with `maxAttempts: 1`
 * to keep the bound below exact).
 *
 * @example
 * const patient: RetryOptions = { ...DEFAULT_RETRY, maxAttempts: 30, maxBackoffMS: 20_000 };
 */
export interface RetryOptions {
  /** Attempts (the first included) before the operation fails. */
  readonly maxAttempts: number;
  /**
   * Ceiling of the first retry's backoff (ms): the backoff before retry n (1 = the first retry) is
   * uniformly random in `[0, min(maxBackoffMS, initialBackoffMS * 2^(n-1))]`.
   */
  readonly initialBackoffMS: number;
  /** The longest backoff between two attempts (ms). */
  readonly maxBackoffMS: number;
}

/**
 * Defaults of {@link RetryOptions}: 12 attempts, backoff from 50 ms doubling up to 5 s (about 35 s
 * of waiting at worst before an operation fails).
 *
 * @example
 * const quick: RetryOptions = { ...DEFAULT_RETRY, maxAttempts: 3 };
 */
export const DEFAULT_RETRY: RetryOptions = Object.freeze({
  maxAttempts: 12,
  initialBackoffMS: 50,
  maxBackoffMS: 5_000,
});

/**
 * Completes partial retry settings with defaults and checks them, naming `where` in the error.
 *
 * @example
 * const retry = retryOptions({ maxAttempts: 3 }, DEFAULT_RETRY, "kinesisSink(fx-ticks)");
 */
export function retryOptions(
  given: Partial<RetryOptions> | undefined,
  defaults: RetryOptions = DEFAULT_RETRY,
  where = "retry",
): RetryOptions {
  const options = { ...defaults, ...given };
  if (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1) {
    throw new RangeError(`${where}: retry.maxAttempts must be an integer >= 1, got ${options.maxAttempts}`);
  }
  for (const name of ["initialBackoffMS", "maxBackoffMS"] as const) {
    const value = options[name];
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`${where}: retry.${name} must be a finite number >= 0, got ${value}`);
    }
  }
  return options;
}

/**
 * The backoff before retry number `retry` (1 = the first retry): uniformly random in
 * `[0, min(maxBackoffMS, initialBackoffMS * 2^(retry-1))]` ("full jitter"), so callers throttled
 * together do not retry together.
 *
 * @example
 * backoffDelay(3, DEFAULT_RETRY); // random in [0, 200] ms
 * backoffDelay(3, DEFAULT_RETRY, () => 0.5); // 100
 */
export function backoffDelay(
  retry: number,
  options: RetryOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxBackoffMS, options.initialBackoffMS * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Resolves after `ms` of the clock's time; rejects with the signal's reason if it is aborted first.
 * While it waits it holds the process open, as `setTimeout` would: the clock's own timers do not
 * (a finished job must not keep a process alive), so a script awaiting a backoff before any job
 * runs would otherwise end mid-wait.
 *
 * @example
 * await sleep(systemClock, 250);
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const release = keepProcessAlive();
    const onAbort = () => {
      cancel();
      release();
      reject(abortReason(signal!));
    };
    const cancel = clock.schedule(clock.now() + ms, () => {
      signal?.removeEventListener("abort", onAbort);
      release();
      resolve();
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("aborted", "AbortError");
}

/**
 * An operation failed with retryable errors until its attempts ran out. `cause` is the last error.
 *
 * @example
 * try {
 *   await job.run();
 * } catch (error) {
 *   if (error instanceof RetriesExhaustedError) console.error(`${error.operation} gave up after ${error.attempts} attempts`);
 * }
 */
export class RetriesExhaustedError extends Error {
  /** Always `"RetriesExhaustedError"`. */
  override readonly name: string = "RetriesExhaustedError";
  constructor(
    /** What failed, e.g. `PutRecords(fx-ticks)`. */
    readonly operation: string,
    /** Attempts made. */
    readonly attempts: number,
    /** The last error. */
    override readonly cause: unknown,
    message = `${operation} failed ${attempts} times in a row, the last time with ${describe(cause)}`,
  ) {
    super(message, { cause });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * What {@link retrying} needs besides the operation.
 *
 * @example
 * const settings: RetryingSettings = {
 *   operation: "PutRecords(fx-ticks)",
 *   retry: DEFAULT_RETRY,
 *   clock: systemClock,
 *   isRetryable: (error) => error instanceof Error && error.name === "ThrottlingException",
 * };
 */
export interface RetryingSettings {
  /** Names the operation in the error when the attempts run out. */
  readonly operation: string;
  /** How many attempts, and the backoff between them. */
  readonly retry: RetryOptions;
  /** Backoffs run on it. */
  readonly clock: Clock;
  /** Whether an error is worth another attempt; the others are rethrown at once. Default: all. */
  readonly isRetryable?: (error: unknown) => boolean;
  /** Told before each backoff (1 = the first retry): log it, count it. */
  readonly onRetry?: (error: unknown, retry: number, delayMS: number) => void;
  /** Stops waiting: a pending backoff rejects with the signal's reason, and no attempt follows. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Builds the error thrown when the attempts run out (default: {@link RetriesExhaustedError}), so
   * a connector can keep its own error type.
   */
  readonly exhausted?: (attempts: number, lastError: unknown) => Error;
}

/**
 * Runs `attempt` until it succeeds, fails with an error `isRetryable` refuses (rethrown as is), or
 * `retry.maxAttempts` attempts have failed ({@link RetriesExhaustedError}, or `exhausted`'s error).
 * Between attempts it waits {@link backoffDelay} on the clock.
 *
 * @example
 * const manifest = await retrying(() => fetchManifest(), {
 *   operation: "read manifest",
 *   retry: DEFAULT_RETRY,
 *   clock: systemClock,
 *   isRetryable: (error) => (error as { code?: string }).code === "ECONNRESET",
 * });
 * declare function fetchManifest(): Promise<string>;
 */
export async function retrying<R>(
  attempt: (attempt: number) => Promise<R>,
  settings: RetryingSettings,
): Promise<R> {
  const { retry, clock, signal } = settings;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (signal?.aborted) throw error;
      if (settings.isRetryable !== undefined && !settings.isRetryable(error)) throw error;
      if (n >= retry.maxAttempts) {
        throw settings.exhausted?.(n, error) ?? new RetriesExhaustedError(settings.operation, n, error);
      }
      const delay = backoffDelay(n, retry);
      settings.onRetry?.(error, n, delay);
      await sleep(clock, delay, signal);
    }
  }
}
