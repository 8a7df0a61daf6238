/** Errors that no retry can fix: the stream is missing, the request or the credentials are wrong. */
const FATAL = new Set([
  "ResourceNotFoundException",
  "InvalidArgumentException",
  "ValidationException",
  "AccessDeniedException",
  "InvalidKMSResourceException",
  "InvalidSourceException",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "CredentialsProviderError",
]);

/**
 * Whether a failed PutRecordBatch may be sent again: throttling, 5xx and network errors may;
 * a missing stream, a rejected request or bad credentials may not (the job fails at once, with
 * the service's message, instead of retrying for minutes).
 *
 * @example
 * const missing = Object.assign(new Error("Stream clicks not found"), {
 *   name: "ResourceNotFoundException",
 *   $metadata: { httpStatusCode: 400 },
 * });
 * isRetryableFirehoseError(missing); // false: the job fails at once
 */
export function isRetryableFirehoseError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (FATAL.has(error.name)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status === undefined) return true;
  return status >= 500 || status === 429 || /Throttl|LimitExceeded|ServiceUnavailable/.test(error.name);
}
