/** Errors no retry can fix: a missing bucket, wrong credentials, a refused request. */
const FATAL = new Set([
  "NoSuchBucket",
  "AccessDenied",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "InvalidBucketName",
  "InvalidArgument",
  "InvalidRequest",
  "EntityTooSmall",
  "EntityTooLarge",
  "InvalidPart",
  "InvalidPartOrder",
  "MalformedXML",
  "NotImplemented",
  "MethodNotAllowed",
  "CredentialsProviderError",
]);

/**
 * Whether a failed S3 call may be made again: `SlowDown`, 503, other 5xx and network errors may;
 * a missing bucket or a refused request may not.
 *
 * @example
 * const slowDown = Object.assign(new Error("Please reduce your request rate"), { name: "SlowDown", $metadata: { httpStatusCode: 503 } });
 * isRetryableS3Error(slowDown); // true
 */
export function isRetryableS3Error(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (FATAL.has(error.name)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status === undefined) return true;
  return status >= 500 || status === 429 || /SlowDown|Throttl|RequestTimeout/.test(error.name);
}

/** The object or upload named does not exist (any more). */
export function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return (
    error.name === "NoSuchKey" || error.name === "NoSuchUpload" || error.name === "NotFound" || status === 404
  );
}
