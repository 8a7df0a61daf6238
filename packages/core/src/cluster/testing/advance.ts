import type { VirtualClock } from "../../time/clock.ts";
import type { Millis } from "../../time/duration.ts";
import type { LeaseCoordinator } from "../lease-coordinator.ts";

/**
 * Moves `clock` to `to` in steps of `step` ms, after each step waiting until every coordinator has
 * finished the work the step started (renewals, polls, assignments) and `afterStep` has run.
 */
export async function advance(options: {
  readonly clock: VirtualClock;
  readonly coordinators: () => Iterable<LeaseCoordinator>;
  readonly to: Millis;
  readonly step: Millis;
  readonly afterStep?: (now: Millis) => Promise<void> | void;
}): Promise<void> {
  const { clock, step, to } = options;
  while (clock.now() < to) {
    clock.advanceTo(Math.min(to, clock.now() + step));
    await settle(options.coordinators());
    await options.afterStep?.(clock.now());
  }
}

/** Waits until none of `coordinators` has work in flight (and promise callbacks have run). */
export async function settle(coordinators: Iterable<LeaseCoordinator>): Promise<void> {
  // A macrotask turn lets every promise chain started by the clock's callbacks run; work that
  // waits on real I/O (Redis) is awaited through whenIdle.
  await new Promise((resolve) => setImmediate(resolve));
  await Promise.all([...coordinators].map((c) => c.whenIdle()));
  await new Promise((resolve) => setImmediate(resolve));
}
