import type { Trigger } from "./trigger.ts";
import type { TimeWindow } from "./window.ts";

/**
 * Assigns each record (by its event time, or the processing time for processing-time assigners)
 * to zero or more windows, like Flink's `WindowAssigner`.
 */
export interface WindowAssigner<TWindow extends TimeWindow = TimeWindow> {
  /** Shown in operator names, e.g. `tumbling(60000)`. */
  readonly description: string;
  /** Whether windows of one key may merge (session windows). */
  readonly merging: boolean;
  /** Whether windows are assigned by event time (else by processing time). */
  readonly eventTime: boolean;
  assignWindows(timestamp: number): readonly TWindow[];
  /** The trigger used unless the pipeline sets one. */
  defaultTrigger(): Trigger<TWindow>;
}
