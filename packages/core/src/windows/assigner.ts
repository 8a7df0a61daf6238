import type { Trigger } from "./trigger.ts";
import type { TimeWindow } from "./window.ts";

/**
 * Assigns each record (by its event time, or the processing time for processing-time assigners)
 * to zero or more windows, like Flink's `WindowAssigner`.
 *
 * @example
 * // Calendar days in UTC+2 are tumbling windows with an offset; a custom assigner for weeks
 * // starting on Monday:
 * const WEEK = hours(24 * 7);
 * const MONDAY = hours(24 * 4); // 1970-01-01 was a Thursday
 * const weeks: WindowAssigner = {
 *   description: "weeks(monday)",
 *   merging: false,
 *   eventTime: true,
 *   assignWindows: (timestamp) => {
 *     const start = windowStart(timestamp, MONDAY - WEEK, WEEK);
 *     return [{ start, end: start + WEEK }];
 *   },
 *   defaultTrigger: eventTimeTrigger,
 * };
 * orders.keyBy((o) => o.customer).window(weeks).aggregate(sum((o) => o.amount));
 */
export interface WindowAssigner<TWindow extends TimeWindow = TimeWindow> {
  /** Shown in operator names, e.g. `tumbling(60000)`. */
  readonly description: string;
  /** Whether windows of one key may merge (session windows). */
  readonly merging: boolean;
  /** Whether windows are assigned by event time (else by processing time). */
  readonly eventTime: boolean;
  /** The windows a record with this time belongs to (event time, or processing time at arrival). */
  assignWindows(timestamp: number): readonly TWindow[];
  /** The trigger used unless the pipeline sets one. */
  defaultTrigger(): Trigger<TWindow>;
}
