import type { Millis } from "./duration.ts";

/**
 * Cancels a scheduled callback; calling it after the callback ran does nothing.
 *
 * @example
 * const cancel: Cancel = systemClock.schedule(systemClock.now() + seconds(5), () => console.log("5 s later"));
 * cancel(); // it will not run
 */
export type Cancel = () => void;

/**
 * The one source of processing time for a job. Operators never read `Date.now()` or call
 * `setTimeout` themselves, so a test can swap in {@link VirtualClock} and run deterministically.
 *
 * @example
 * // A clock that runs `offset` ms ahead of the wall clock.
 * const ahead = (offset: number): Clock => ({
 *   now: () => systemClock.now() + offset,
 *   schedule: (at, callback) => systemClock.schedule(at - offset, callback),
 * });
 * const job = pipeline("replay", { clock: ahead(hours(1)) });
 */
export interface Clock {
  /** Current processing time in epoch milliseconds. */
  now(): Millis;
  /** Runs `callback` once processing time has reached `at` (at once, asynchronously, if it already has). */
  schedule(at: Millis, callback: () => void): Cancel;
}

/**
 * The wall clock, backed by `Date.now()` and `setTimeout`: the default `PipelineOptions.clock`.
 * Its timers do not keep the process alive.
 *
 * @example
 * const startedAt = systemClock.now();
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(at, callback) {
    const handle = setTimeout(callback, Math.max(0, at - Date.now()));
    // Timers must not keep a finished job's process alive.
    handle.unref?.();
    return () => clearTimeout(handle);
  },
};

interface ScheduledCallback {
  readonly at: Millis;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/**
 * A clock that moves only when told to: {@link VirtualClock.advanceTo} runs every callback due by
 * then, in time order (ties in scheduling order), with `now()` reading each callback's due time.
 *
 * @example
 * const clock = new VirtualClock(0);
 * const fired: number[] = [];
 * clock.schedule(seconds(2), () => fired.push(clock.now()));
 * clock.schedule(seconds(1), () => fired.push(clock.now()));
 * clock.advanceTo(seconds(5));
 * expect(fired).toEqual([1_000, 2_000]);
 * const job = pipeline("under-test", { clock }); // processing time moves only when the test says so
 */
export class VirtualClock implements Clock {
  #now: Millis;
  #seq = 0;
  #pending: ScheduledCallback[] = [];

  /** @param start the processing time it starts at (default 0) */
  constructor(start: Millis = 0) {
    this.#now = start;
  }

  now(): Millis {
    return this.#now;
  }

  schedule(at: Millis, callback: () => void): Cancel {
    const entry: ScheduledCallback = { at, seq: this.#seq++, callback, cancelled: false };
    this.#pending.push(entry);
    return () => {
      entry.cancelled = true;
    };
  }

  /** Moves time forward to `time`, running due callbacks in order. Time never moves backwards. */
  advanceTo(time: Millis): void {
    for (;;) {
      const next = this.#nextDue(time);
      if (next === undefined) break;
      this.#now = Math.max(this.#now, next.at);
      next.callback();
    }
    this.#now = Math.max(this.#now, time);
  }

  #nextDue(limit: Millis): ScheduledCallback | undefined {
    let best: ScheduledCallback | undefined;
    let bestIndex = -1;
    for (let i = 0; i < this.#pending.length; i++) {
      const entry = this.#pending[i]!;
      if (entry.cancelled || entry.at > limit) continue;
      if (best === undefined || entry.at < best.at || (entry.at === best.at && entry.seq < best.seq)) {
        best = entry;
        bestIndex = i;
      }
    }
    this.#pending = this.#pending.filter((e, i) => i !== bestIndex && !e.cancelled);
    return best;
  }
}
