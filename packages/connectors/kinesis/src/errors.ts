import { RetriesExhaustedError } from "@eddy/core";

/**
 * How the connector reacts to a failed call, decided from the error's name and HTTP status alone
 * (so this file needs no SDK import), like Flink's `AWSExceptionClassifierUtil`.
 *
 * - `throttled`: over a shard's or the account's rate: back off with jitter, then retry.
 * - `transient`: network errors and 5xx: retry the same way.
 * - `expired-iterator`: a shard iterator older than five minutes: fetch a new one and go on.
 * - `in-use`: `ResourceInUseException` (a fan-out subscription still open, a consumer still
 *   being created or deleted): wait and retry.
 * - `fatal`: anything else (missing stream, no permission, invalid argument): fail at once.
 *
 * @example
 * const reaction: Record<ErrorClass, string> = {
 *   throttled: "back off",
 *   transient: "back off",
 *   "expired-iterator": "new iterator",
 *   "in-use": "wait",
 *   fatal: "fail",
 * };
 */
export type ErrorClass = "throttled" | "transient" | "expired-iterator" | "in-use" | "fatal";

const THROTTLED = new Set([
  "ProvisionedThroughputExceededException",
  "LimitExceededException",
  "ThrottlingException",
  "KMSThrottlingException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
]);

const TRANSIENT_NAMES = new Set([
  "InternalFailureException",
  "InternalFailure",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "InternalServerError",
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
]);

const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNABORTED",
  "ERR_HTTP2_STREAM_ERROR",
  "ERR_HTTP2_SESSION_ERROR",
  "ERR_STREAM_PREMATURE_CLOSE",
]);

/**
 * Classifies a thrown error or a `PutRecords` entry's error code.
 *
 * @example
 * classifyError("ProvisionedThroughputExceededException"); // "throttled"
 * classifyError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })); // "transient"
 */
export function classifyError(error: unknown): ErrorClass {
  const name = errorName(error);
  if (THROTTLED.has(name)) return "throttled";
  if (name === "ExpiredIteratorException") return "expired-iterator";
  if (name === "ResourceInUseException") return "in-use";
  if (TRANSIENT_NAMES.has(name)) return "transient";
  if (typeof error === "object" && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && TRANSIENT_CODES.has(code)) return "transient";
    const status = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
    if (typeof status === "number" && status >= 500) return "transient";
  }
  return "fatal";
}

/**
 * Whether a failed call was refused for what the request holds (`ValidationException`,
 * `InvalidArgumentException`): a record Kinesis will never accept, found by sending each alone.
 */
export function isInvalidRequest(error: unknown): boolean {
  const name = errorName(error);
  return name === "ValidationException" || name === "InvalidArgumentException";
}

export function errorName(error: unknown): string {
  if (typeof error === "string") return error;
  if (typeof error === "object" && error !== null) {
    const name = (error as { name?: unknown }).name;
    if (typeof name === "string") return name;
  }
  return "Error";
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * A call kept failing with retryable errors until the retry budget ran out: the job fails with it
 * and resumes from its last checkpoint when restarted. Core's `RetriesExhaustedError`, with advice
 * for Kinesis in its message.
 *
 * @example
 * try {
 *   await job.run();
 * } catch (error) {
 *   if (error instanceof KinesisRetriesExhaustedError) console.error(`${error.operation} gave up after ${error.attempts} attempts`);
 * }
 */
export class KinesisRetriesExhaustedError extends RetriesExhaustedError {
  /** Always `"KinesisRetriesExhaustedError"`. */
  override readonly name: string = "KinesisRetriesExhaustedError";
  constructor(operation: string, attempts: number, cause: unknown) {
    super(
      operation,
      attempts,
      cause,
      `${operation} failed ${attempts} times in a row, the last time with ${errorMessage(cause)}; ` +
        "the stream is over its limits (add shards, or slow down other readers/writers) or unreachable — " +
        "raise retry.maxAttempts to wait longer",
    );
  }
}
