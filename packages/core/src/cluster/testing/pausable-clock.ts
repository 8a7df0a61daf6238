import type { Cancel, Clock } from "../../time/clock.ts";

/**
 * A view of another clock whose callbacks can be held back, as a process that is paused (SIGSTOP,
 * a long GC, a frozen VM) or dead does not run its timers while time goes on for everyone else.
 * `resume()` runs what came due meanwhile, in order; a clock never resumed is a crashed process.
 */
export class PausableClock implements Clock {
  #paused = false;
  #held: { callback: () => void; cancelled: boolean }[] = [];

  constructor(private readonly base: Clock) {}

  /** Whether callbacks are held back now. */
  get paused(): boolean {
    return this.#paused;
  }

  now(): number {
    return this.base.now();
  }

  schedule(at: number, callback: () => void): Cancel {
    const entry = { callback, cancelled: false };
    const cancelBase = this.base.schedule(at, () => {
      if (entry.cancelled) return;
      if (this.#paused) this.#held.push(entry);
      else callback();
    });
    return () => {
      entry.cancelled = true;
      cancelBase();
    };
  }

  /** Holds back every callback that comes due from now on. */
  pause(): void {
    this.#paused = true;
  }

  /** Runs the callbacks held back, in the order they came due, and stops holding them. */
  resume(): void {
    this.#paused = false;
    for (const entry of this.#held.splice(0)) if (!entry.cancelled) entry.callback();
  }
}
