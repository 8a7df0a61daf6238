import type { Clock } from "@eddy/core";
import { classifyError, type ErrorClass, KinesisRetriesExhaustedError } from "./errors.ts";

/**
 * Bounded retries with exponential backoff and full jitter. Defaults in {@link RETRY_DEFAULTS}.
 * Delays run on the job's clock (processing time).
 *
 * @example
 * const patient: RetryOptions = { ...RETRY_DEFAULTS, maxAttempts: 30 };
 * kinesisSource({ stream: "fx-ticks", decode: json<Tick>(), retry: patient });
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
 * Defaults of {@link RetryOptions}: ten attempts, 200 ms doubling to at most 5 s (about 20 s of
 * waiting in the worst case before a call fails the job).
 *
 * @example
 * kinesisSink<Tick>({ stream: "fx-ticks", partitionKey: (t) => t.symbol, retry: { maxDelayMs: RETRY_DEFAULTS.maxDelayMs * 2 } });
 */
export const RETRY_DEFAULTS: RetryOptions = { maxAttempts: 10, baseDelayMs: 200, maxDelayMs: 5_000 };

/**
 * The delay before retry number `attempt` (1 = first retry): uniformly random in
 * `[0, min(maxDelayMs, baseDelayMs * 2^(attempt-1))]` ("full jitter"), so readers throttled together
 * do not retry together.
 *
 * @example
 * backoffDelay(3, RETRY_DEFAULTS); // random in [0, 800] ms
 * backoffDelay(3, RETRY_DEFAULTS, () => 0.5); // 400
 */
export function backoffDelay(
  attempt: number,
  options: RetryOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Resolves after `ms` of the clock's time; rejects with the signal's reason if it is aborted first. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      cancel();
      reject(abortReason(signal!));
    };
    const cancel = clock.schedule(clock.now() + ms, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("aborted", "AbortError");
}

/** Counts retries of one kind of call, for metrics. */
export interface RetryListener {
  onRetry?(kind: ErrorClass, error: unknown, attempt: number): void;
}

/**
 * Runs `call`, retrying throttled and transient failures with {@link backoffDelay} up to
 * `options.maxAttempts` attempts in all, then failing with {@link KinesisRetriesExhaustedError}.
 * Other failures are rethrown at once (`retryOn` widens what is retried).
 */
export async function withRetries<R>(
  operation: string,
  call: () => Promise<R>,
  context: {
    clock: Clock;
    options: RetryOptions;
    signal?: AbortSignal | undefined;
    listener?: RetryListener;
  },
  retryOn: readonly ErrorClass[] = ["throttled", "transient"],
): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (context.signal?.aborted) throw error;
      const kind = classifyError(error);
      if (!retryOn.includes(kind)) throw error;
      if (attempt >= context.options.maxAttempts)
        throw new KinesisRetriesExhaustedError(operation, attempt, error);
      context.listener?.onRetry?.(kind, error, attempt);
      await sleep(context.clock, backoffDelay(attempt, context.options), context.signal);
    }
  }
}
