import { OperatorMetrics } from "../../runtime/metrics.ts";
import type { OperatorContext } from "../../runtime/operator.ts";
import type { VirtualClock } from "../../time/clock.ts";

/**
 * The context of an operator instantiated by hand in a unit test: timers on `clock`, a failing
 * record throws.
 */
export function testOperatorContext(name: string, clock: VirtualClock, keyGroups: number): OperatorContext {
  return {
    name,
    clock,
    keyGroups,
    metrics: new OperatorMetrics(),
    currentWatermark: () => Number.NEGATIVE_INFINITY,
    scheduleProcessingTime: (at: number, callback: () => void) => clock.schedule(at, callback),
    fail: (error: unknown) => {
      throw error;
    },
  };
}
