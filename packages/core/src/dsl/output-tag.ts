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
  declare readonly __type?: T;
  constructor(readonly id: string) {}
  toString(): string {
    return `OutputTag(${this.id})`;
  }
}

/** A record that an operator could not process, routed to an error side output with the reason. */
export interface FailedRecord<T = unknown> {
  readonly value: T;
  readonly timestamp: number;
  readonly operator: string;
  readonly error: string;
}
