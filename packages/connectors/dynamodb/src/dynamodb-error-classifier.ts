/** Errors no retry can fix: a missing table, a rejected request, bad credentials. */
const FATAL = new Set([
  "ResourceNotFoundException",
  "ValidationException",
  "AccessDeniedException",
  "ItemCollectionSizeLimitExceededException",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "MissingAuthenticationTokenException",
  "CredentialsProviderError",
  "SerializationException",
]);

/**
 * Whether a failed DynamoDB request may be sent again: throttling
 * (`ProvisionedThroughputExceededException`, `ThrottlingException`, `RequestLimitExceeded`), 5xx
 * and network errors may; a missing table or a malformed item may not.
 *
 * @example
 * const throttled = Object.assign(new Error("slow down"), {
 *   name: "ProvisionedThroughputExceededException",
 *   $metadata: { httpStatusCode: 400 },
 * });
 * isRetryableDynamoDbError(throttled); // true
 */
export function isRetryableDynamoDbError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (FATAL.has(error.name)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status === undefined) return true;
  return status >= 500 || /Throughput|Throttl|LimitExceeded/.test(error.name);
}

/**
 * A conditional write whose condition did not hold: a newer item is stored, nothing to do.
 *
 * @example
 * const rejected = Object.assign(new Error("The conditional request failed"), { name: "ConditionalCheckFailedException" });
 * isConditionFailed(rejected); // true
 */
export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}
