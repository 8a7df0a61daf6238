import type { Millis } from "../time/duration.ts";

interface Sighting {
  counter: number;
  /** When the observer first saw `counter` (its own clock). */
  since: Millis;
  /** Whether the observer has ever seen this counter change. */
  moved: boolean;
}

/**
 * When each counter (of a lease, a worker record, the leader lock) was last seen to move, on the
 * observer's own clock. A counter that has stood still for the failover time is treated as dead:
 * this compares only readings of one clock, never two machines' clocks, so clock skew between
 * workers cannot expire a live lease early. A counter seen for the first time counts as having
 * just moved, so nothing is judged dead before it was watched for the whole failover time.
 */
export class CounterWatch {
  readonly #seen = new Map<string, Sighting>();

  /** Records that `key`'s counter reads `counter` at `now`. */
  observe(key: string, counter: number, now: Millis): void {
    const sighting = this.#seen.get(key);
    if (!sighting) this.#seen.set(key, { counter, since: now, moved: false });
    else if (sighting.counter !== counter) this.#seen.set(key, { counter, since: now, moved: true });
  }

  /** How long `key`'s counter has stood still as far as this observer knows (0 if never seen). */
  stillFor(key: string, now: Millis): Millis {
    const sighting = this.#seen.get(key);
    return sighting ? now - sighting.since : 0;
  }

  /** Whether this observer has seen `key`'s counter move at least once (proof that its writer lived). */
  hasMoved(key: string): boolean {
    return this.#seen.get(key)?.moved ?? false;
  }

  /** Forgets every key not in `keys` (deleted leases, records). */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.#seen.keys()) if (!keys.has(key)) this.#seen.delete(key);
  }
}
