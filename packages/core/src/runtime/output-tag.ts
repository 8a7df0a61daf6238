/**
 * Names a side output of an operator (late records, errors). The type parameter is the type of
 * the records it carries; tags are compared by identity, the id is for messages and metrics.
 *
 * @example
 * const late = new OutputTag<Click>("late-clicks");
 * const counts = clicks.keyBy((c) => c.page).window(tumbling(minutes(1))).sideOutputLateData(late).aggregate(count());
 * counts.getSideOutput(late).sink(consoleSink());
 */
export class OutputTag<T> {
  /** Carries `T` for the type checker only; never set. */
  declare readonly __type?: T;
  /**
   * @param id names the side output in messages and metrics; tags are compared by identity, not by
   *   id
   */
  constructor(readonly id: string) {}
  /** `OutputTag(<id>)`. */
  toString(): string {
    return `OutputTag(${this.id})`;
  }
}

/**
 * A record that an operator could not process, routed to an error side output with the reason
 * (given `{ errors: tag }` in the operator's options); without such a tag the job fails.
 *
 * @example
 * const errors = new OutputTag<FailedRecord<Click>>("click-errors");
 * const paths = clicks.map((c) => new URL(c.page).pathname, { errors });
 * paths.getSideOutput(errors).map((f) => `${f.operator}: ${f.error} at ${f.timestamp}`).sink(consoleSink());
 */
export interface FailedRecord<T = unknown> {
  /** The input record. */
  readonly value: T;
  /** Its event time (`NaN` if it had none). */
  readonly timestamp: number;
  /** The operator that failed on it (e.g. `map#2`). */
  readonly operator: string;
  /** What was wrong: the thrown error's message. */
  readonly error: string;
}
