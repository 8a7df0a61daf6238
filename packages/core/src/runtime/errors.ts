/** Something is wrong with how a pipeline was built or configured; thrown while building it. */
export class PipelineDefinitionError extends Error {
  override readonly name = "PipelineDefinitionError";
}

/**
 * A record or a user function failed inside an operator. The message names the operator and
 * what was wrong; `cause` carries the original error.
 */
export class OperatorError extends Error {
  override readonly name = "OperatorError";
  constructor(
    readonly operator: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${operator}: ${message}`, options);
  }
}

/** Renders an unknown thrown value as a one-line reason. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
