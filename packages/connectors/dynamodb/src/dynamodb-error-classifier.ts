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
 * Whether a request was refused for what an item holds (`ValidationException`: too large, a key of
 * the wrong type, an empty key value…): the sink then writes the batch's items one by one, and an
 * item refused alone goes to the job's dead letters.
 *
 * @example
 * const tooLarge = Object.assign(new Error("Item size has exceeded the maximum allowed size"), { name: "ValidationException" });
 * isInvalidDynamoDbRequest(tooLarge); // true
 */
export function isInvalidDynamoDbRequest(error: unknown): boolean {
  return error instanceof Error && error.name === "ValidationException";
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
