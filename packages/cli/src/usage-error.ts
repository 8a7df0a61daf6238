/**
 * A command used wrongly or configured wrongly (a missing token, a store URL that cannot be read):
 * `eddy` prints its message on one line and exits with code 2, without a stack trace.
 *
 * @example
 * throw new UsageError("--store gs://bucket: gs:// is not a checkpoint store");
 */
export class UsageError extends Error {
  /** Always `"UsageError"`. */
  override readonly name = "UsageError";
}
