import { OperatorMetrics } from "../../runtime/metrics.ts";
import type { OperatorContext } from "../../runtime/operator.ts";
import { VirtualClock } from "../../time/clock.ts";

/**
 * The context a test gives an operator it drives directly (no pipeline, no RxJS): named
 * `window#1`, virtual time, no processing-time timers, the watermark `currentWatermark` says, and
 * a failing record thrown unless `fail` handles it.
 */
export function directContext(
  options: {
    readonly keyGroups?: number;
    readonly currentWatermark?: () => number;
    readonly metrics?: OperatorMetrics;
    readonly fail?: OperatorContext["fail"];
  } = {},
): OperatorContext {
  return {
    name: "window#1",
    clock: new VirtualClock(),
    keyGroups: options.keyGroups ?? 4,
    metrics: options.metrics ?? new OperatorMetrics("window#1"),
    currentWatermark: options.currentWatermark ?? (() => Number.NEGATIVE_INFINITY),
    scheduleProcessingTime: () => () => {},
    fail:
      options.fail ??
      ((error) => {
        throw error;
      }),
  };
}
