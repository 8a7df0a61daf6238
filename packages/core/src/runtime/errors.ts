/**
 * Something is wrong with how a pipeline was built or configured; thrown while building it (or
 * when `run` finds the job cannot start, e.g. it has no sink).
 *
 * @example
 * try {
 *   topN(0, (o: Order) => o.amount);
 * } catch (error) {
 *   if (error instanceof PipelineDefinitionError) console.error(error.message); // "topN: n must be a positive integer, got 0"
 * }
 */
export class PipelineDefinitionError extends Error {
  /** Always `"PipelineDefinitionError"`. */
  override readonly name = "PipelineDefinitionError";
}

/**
 * A record or a user function failed inside an operator. The message names the operator and
 * what was wrong; `cause` carries the original error. `job.run()` rejects with it unless the
 * operator has an error side output (`{ errors: tag }`).
 *
 * @example
 * try {
 *   await job.run();
 * } catch (error) {
 *   if (error instanceof OperatorError) console.error(`${error.operator} failed:`, error.cause);
 * }
 */
export class OperatorError extends Error {
  /** Always `"OperatorError"`. */
  override readonly name = "OperatorError";
  constructor(
    /** The operator that failed, e.g. `map#2`. */
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
