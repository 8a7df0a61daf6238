import type { Logger } from "../logging/logger.ts";
import type { Clock } from "../time/clock.ts";
import type { DeadLetterOutput } from "./dead-letters.ts";
import type { OperatorMetrics } from "./metrics.ts";

/**
 * What the job lends every source and sink it opens, so connectors need no options of their own
 * for these: the job's clock, logger and metrics, and where bad records go.
 *
 * @example
 * const lines: Sink<string> = {
 *   name: "lines",
 *   open(context) {
 *     context.logger.info(`lines sink opened at ${context.clock.now()}`);
 *   },
 *   write(values) {
 *     for (const line of values) console.log(line);
 *   },
 * };
 */
export interface ConnectorContext {
  /** Processing time: timeouts, pacing, backoff. Tests run the job on a `VirtualClock`. */
  readonly clock: Clock;
  /** The job's logger, bound to the connector (`{ job, connector }` where the logger has `child`). */
  readonly logger: Logger;
  /**
   * The connector's counters in the job's metrics (records in or out are counted by the runtime;
   * `deadLetters` by the dead-letter output).
   */
  readonly metrics: OperatorMetrics;
  /** Where records that cannot be read or written go, with their reason. */
  readonly deadLetters: DeadLetterOutput;
  /** Aborted when the job stops or fails: pending calls should give up. */
  readonly signal: AbortSignal;
}
