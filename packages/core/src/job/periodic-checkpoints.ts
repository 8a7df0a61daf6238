import type { Cancel, Clock } from "../time/clock.ts";

/**
 * Triggers a checkpoint every `every` ms of processing time (the job's clock) until cancelled.
 * Each tick asks the coordinator, which skips the checkpoint while another is in flight.
 */
export function schedulePeriodicCheckpoints(clock: Clock, every: number, trigger: () => void): Cancel {
  let cancel: Cancel;
  const tick = () => {
    trigger();
    cancel = clock.schedule(clock.now() + every, tick);
  };
  cancel = clock.schedule(clock.now() + every, tick);
  return () => cancel();
}
