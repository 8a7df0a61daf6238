import type { Logger } from "../logging/logger.ts";
import type { Clock } from "../time/clock.ts";
import type { Millis } from "../time/duration.ts";
import { CounterWatch } from "./counter-watch.ts";
import type { LeaseEvent } from "./lease-events.ts";
import type { LeaderFence, LeaderLock, LeaseStore } from "./lease-store.ts";

/** What {@link LeaderElection} needs from its coordinator. */
export interface LeaderElectionContext {
  readonly store: LeaseStore;
  readonly workerId: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly leaseDurationMs: Millis;
  readonly failoverTimeMs: Millis;
  readonly emit: (event: LeaseEvent) => void;
}

interface Leadership {
  readonly token: number;
  counter: number;
  renewedAt: Millis;
}

/**
 * One worker's part in electing the job's leader, on the fenced lock of the {@link LeaseStore}.
 * The lock is watched like a lease: a candidate takes it when it is free, when its holder is this
 * worker's own id (a restarted leader takes its place back at once), or when its counter has stood
 * still for the failover time on the candidate's clock. The leader renews it with its renewals; a
 * refused renewal, a lock read showing another token, or the lease duration without a successful
 * renewal ends its leadership at once. Every leader write carries the token, so a deposed leader
 * that has not noticed yet is refused by the store.
 */
export class LeaderElection {
  readonly #watch = new CounterWatch();
  #leadership: Leadership | undefined;

  constructor(private readonly context: LeaderElectionContext) {}

  /** This worker's proof of leadership, while it leads. */
  get fence(): LeaderFence | undefined {
    const leadership = this.#leadership;
    return leadership ? { worker: this.context.workerId, token: leadership.token } : undefined;
  }

  /** Takes note of the lock as read at `now`; steps down if it shows another leadership. */
  observe(lock: LeaderLock, now: Millis): void {
    this.#watch.observe("leader", lock.leaseCounter, now);
    const leadership = this.#leadership;
    if (leadership && (lock.leader !== this.context.workerId || lock.token !== leadership.token)) {
      this.#stepDown(`the lock now says ${lock.leader ?? "nobody"} with token ${lock.token}`);
    }
  }

  /** Tries to take the lock if it may (see the class notes); resolves whether this worker now leads. */
  async campaign(lock: LeaderLock, now: Millis): Promise<boolean> {
    if (this.#leadership) return true;
    const free = lock.leader === undefined || lock.leader === this.context.workerId;
    if (!free && this.#watch.stillFor("leader", now) < this.context.failoverTimeMs) return false;
    const write = await this.context.store.acquireLeadership({
      worker: this.context.workerId,
      expectedCounter: lock.leaseCounter,
    });
    if (!write.ok) return false;
    this.#leadership = { token: write.lock.token, counter: write.lock.leaseCounter, renewedAt: now };
    this.#watch.observe("leader", write.lock.leaseCounter, now);
    this.context.logger.info(`"${this.context.workerId}" leads with token ${write.lock.token}`);
    this.context.emit({ type: "leadership", leader: true, token: write.lock.token });
    return true;
  }

  /** Renews the lock while leading; a refusal ends the leadership. */
  async renew(): Promise<void> {
    const leadership = this.#leadership;
    if (!leadership) return;
    const sentAt = this.context.clock.now();
    try {
      const write = await this.context.store.renewLeadership({
        worker: this.context.workerId,
        token: leadership.token,
        expectedCounter: leadership.counter,
      });
      if (this.#leadership !== leadership) return;
      if (!write.ok) {
        this.#stepDown(write.message);
        return;
      }
      leadership.counter = write.lock.leaseCounter;
      leadership.renewedAt = sentAt;
    } catch (error) {
      this.context.logger.warn(`renewing the leader lock failed: ${(error as Error).message}`);
    }
  }

  /** Stops leading once the lock went unrenewed for the lease duration: others may take it soon. */
  expireUnrenewed(now: Millis): void {
    const leadership = this.#leadership;
    if (leadership && now - leadership.renewedAt >= this.context.leaseDurationMs) {
      this.#stepDown(`the leader lock was not renewed for ${now - leadership.renewedAt} ms`);
    }
  }

  /** Frees the lock for the others (when stopping); best effort. */
  async resign(): Promise<void> {
    const leadership = this.#leadership;
    if (!leadership) return;
    this.#stepDown("stopping");
    try {
      await this.context.store.resignLeadership({ worker: this.context.workerId, token: leadership.token });
    } catch (error) {
      this.context.logger.warn(`resigning the leader lock failed: ${(error as Error).message}`);
    }
  }

  #stepDown(reason: string): void {
    const leadership = this.#leadership;
    if (!leadership) return;
    this.#leadership = undefined;
    this.context.logger.info(`"${this.context.workerId}" no longer leads: ${reason}`);
    this.context.emit({ type: "leadership", leader: false, token: leadership.token });
  }
}
