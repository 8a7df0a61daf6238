import {
  type Clock,
  DEFAULT_RETRY,
  PipelineDefinitionError,
  type RetryOptions,
  retrying,
  retryOptions,
} from "@eddy/core";
import { classifyError, type ErrorClass, KinesisRetriesExhaustedError } from "./errors.ts";

/**
 * What the Kinesis source's and sink's `retry` option takes: core's {@link RetryOptions}, any of
 * them (the rest from `DEFAULT_RETRY`: 12 attempts, backoff from 50 ms doubling to 5 s). The names
 * of earlier releases still work for one release.
 *
 * @example
 * const patient: KinesisRetryOptions = { maxAttempts: 30, maxBackoffMS: 10_000 };
 * kinesisSource({ stream: "fx-ticks", decode: json<Tick>(), retry: patient });
 */
export interface KinesisRetryOptions extends Partial<RetryOptions> {
  /** @deprecated Use `initialBackoffMS` (same meaning). */
  readonly baseDelayMs?: number;
  /** @deprecated Use `maxBackoffMS` (same meaning). */
  readonly maxDelayMs?: number;
}

/** Completes and checks `retry` settings, mapping the deprecated names; a mistake names `where`. */
export function resolveRetry(given: KinesisRetryOptions | undefined, where: string): RetryOptions {
  const { baseDelayMs, maxDelayMs, ...current } = given ?? {};
  const merged = {
    ...(baseDelayMs === undefined ? {} : { initialBackoffMS: baseDelayMs }),
    ...(maxDelayMs === undefined ? {} : { maxBackoffMS: maxDelayMs }),
    ...current,
  };
  try {
    return retryOptions(merged, DEFAULT_RETRY, where);
  } catch (error) {
    throw new PipelineDefinitionError((error as Error).message);
  }
}

/** What a Kinesis call needs to be retried: the job's clock, the policy, a signal, a retry counter. */
export interface RetryContext {
  readonly clock: Clock;
  readonly retry: RetryOptions;
  readonly signal?: AbortSignal | undefined;
  /** Told before each backoff, with the error's class: count it. */
  readonly onRetry?: (kind: ErrorClass, error: unknown) => void;
}

/**
 * Runs `call` with core's retry policy, retrying the error classes `retryOn` (throttling and
 * transient errors by default); when the attempts run out it fails with
 * {@link KinesisRetriesExhaustedError} naming `operation`.
 */
export function retryCall<R>(
  operation: string,
  call: () => Promise<R>,
  context: RetryContext,
  retryOn: readonly ErrorClass[] = ["throttled", "transient"],
): Promise<R> {
  return retrying(call, {
    operation,
    retry: context.retry,
    clock: context.clock,
    signal: context.signal,
    isRetryable: (error) => retryOn.includes(classifyError(error)),
    onRetry: (error) => context.onRetry?.(classifyError(error), error),
    exhausted: (attempts, error) => new KinesisRetriesExhaustedError(operation, attempts, error),
  });
}
