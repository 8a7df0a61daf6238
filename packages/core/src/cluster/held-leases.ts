import type { Logger } from "../logging/logger.ts";
import type { Clock } from "../time/clock.ts";
import type { Millis } from "../time/duration.ts";
import { holderOf, type Lease } from "./lease.ts";
import type { LeaseEvent } from "./lease-events.ts";
import type { LeaseStore, PublishResult } from "./lease-store.ts";

/** A lease this worker holds, with the counter its last write produced. */
interface Held {
  lease: Lease;
  /** The counter right after the take: the epoch of this holding (staging paths, state pointers). */
  readonly epoch: number;
  /** When the last successful renewal (or the take) was sent, on this worker's clock. */
  renewedAt: Millis;
  /** The target of the handoff the runtime was told about, if any. */
  handoffTo: string | undefined;
}

/** What {@link HeldLeases} needs from its coordinator. */
export interface HeldLeasesContext {
  readonly store: LeaseStore;
  readonly workerId: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly leaseDurationMs: Millis;
  readonly emit: (event: LeaseEvent) => void;
}

/**
 * The leases one worker holds, and every write it makes as their holder: renewals, releases and
 * fenced publishes. These run one at a time (a publish never overlaps a renewal), because a
 * renewal moves the counter a publish is fenced on — KCL users hit that race as checkpoints
 * refused right after a renewal (awslabs/amazon-kinesis-client#537).
 */
export class HeldLeases {
  readonly #held = new Map<string, Held>();
  readonly #throughput = new Map<string, number>();
  #tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly context: HeldLeasesContext) {}

  /** The held leases by key, each with its epoch. */
  list(): { lease: Lease; epoch: number }[] {
    return [...this.#held.values()].map(({ lease, epoch }) => ({ lease, epoch }));
  }

  has(leaseKey: string): boolean {
    return this.#held.has(leaseKey);
  }

  /** Records a lease this worker just took (the take was sent at `sentAt`) and tells the runtime. */
  acquired(lease: Lease, sentAt: Millis): void {
    const held: Held = { lease, epoch: lease.leaseCounter, renewedAt: sentAt, handoffTo: undefined };
    this.#held.set(lease.leaseKey, held);
    this.context.emit({ type: "acquired", lease });
    this.#noticeHandoff(held, lease);
  }

  /** Runs `task` after every holder write before it, and before every one after it. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(task, task);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Renews every held lease once; a refused renewal loses the lease at once. */
  renewAll(): Promise<void> {
    return this.exclusive(async () => {
      await Promise.all([...this.#held.values()].map((held) => this.#renew(held)));
    });
  }

  /** Gives up leases not renewed for the lease duration: by now others may be about to take them. */
  expireUnrenewed(now: Millis): void {
    for (const held of [...this.#held.values()]) {
      const silent = now - held.renewedAt;
      if (silent >= this.context.leaseDurationMs) {
        this.#lose(held, `not renewed for ${silent} ms (lease duration ${this.context.leaseDurationMs} ms)`);
      }
    }
  }

  /**
   * Compares a held lease with how a snapshot shows it: written by someone else since (a greater
   * counter, another holder) means lost; a handoff away from this worker is passed on.
   */
  notice(lease: Lease): void {
    const held = this.#held.get(lease.leaseKey);
    if (!held) return;
    const holder = holderOf(lease);
    if (holder !== this.context.workerId) {
      // An older snapshot cannot show another holder with a greater counter than our last write.
      if (lease.leaseCounter > held.lease.leaseCounter) this.#lose(held, describeTaken(lease));
      return;
    }
    if (lease.leaseCounter === held.lease.leaseCounter) held.lease = lease;
    this.#noticeHandoff(held, lease);
  }

  /** Drops every held lease (the worker is a zombie or stops), telling the runtime each is lost. */
  loseAll(reason: string): void {
    for (const held of [...this.#held.values()]) this.#lose(held, reason);
  }

  /** Keeps `recordsPerSecond` for the next renewal of `leaseKey`, where the leader can see it. */
  reportThroughput(leaseKey: string, recordsPerSecond: number): void {
    if (!Number.isFinite(recordsPerSecond) || recordsPerSecond < 0) {
      throw new Error(
        `throughput of "${leaseKey}" must be a non-negative number of records per second; got ${recordsPerSecond}`,
      );
    }
    this.#throughput.set(leaseKey, recordsPerSecond);
  }

  /** Releases a held lease (see {@link LeaseCoordinator.release}). */
  release(
    leaseKey: string,
    checkpoint: { checkpoint?: string; checkpointSubSequenceNumber?: number },
  ): Promise<boolean> {
    return this.exclusive(async () => {
      const held = this.#held.get(leaseKey);
      if (!held) return false;
      const write = await this.context.store.releaseLease(leaseKey, {
        worker: this.context.workerId,
        expectedCounter: held.lease.leaseCounter,
        ...checkpoint,
      });
      if (this.#held.get(leaseKey) !== held) return false;
      if (!write.ok) {
        this.#lose(held, write.message);
        return false;
      }
      this.#held.delete(leaseKey);
      this.#throughput.delete(leaseKey);
      return true;
    });
  }

  /** Publishes fenced on the counters held now (see {@link LeaseCoordinator.publish}). */
  publish(request: {
    leases: readonly { leaseKey: string; checkpoint?: string; checkpointSubSequenceNumber?: number }[];
    keyGroups?: readonly { keyGroup: number; state: unknown }[];
    incarnation: number;
    committables?: unknown;
    savepoint?: number;
  }): Promise<PublishResult> {
    return this.exclusive(async () => {
      const notHeld = request.leases.filter((l) => !this.#held.has(l.leaseKey)).map((l) => `"${l.leaseKey}"`);
      if (notHeld.length > 0) {
        return {
          ok: false,
          code: "holder",
          message: `"${this.context.workerId}" does not hold ${notHeld.join(", ")}`,
        } as const;
      }
      const result = await this.context.store.publish({
        worker: this.context.workerId,
        leases: request.leases.map((l) => ({
          ...l,
          leaseCounter: this.#held.get(l.leaseKey)!.lease.leaseCounter,
        })),
        keyGroups: request.keyGroups,
        incarnation: request.incarnation,
        committables: request.committables,
        ...(request.savepoint === undefined ? {} : { savepoint: request.savepoint }),
      });
      if (!result.ok) {
        await this.#loseTakenAmong(request.leases.map((l) => l.leaseKey));
        return result;
      }
      for (const published of request.leases) {
        const held = this.#held.get(published.leaseKey);
        if (!held || published.checkpoint === undefined) continue;
        held.lease = {
          ...held.lease,
          checkpoint: published.checkpoint,
          checkpointSubSequenceNumber: published.checkpointSubSequenceNumber,
          ownerSwitchesSinceCheckpoint: 0,
        };
      }
      return result;
    });
  }

  /**
   * After a refused publish: the leases among `leaseKeys` that someone else wrote since this
   * worker's last write are lost — a refusal is how a paused worker learns it is a zombie, before
   * its next renewal would tell it.
   */
  async #loseTakenAmong(leaseKeys: readonly string[]): Promise<void> {
    for (const key of leaseKeys) {
      const held = this.#held.get(key);
      if (!held) continue;
      let stored: Lease | undefined;
      try {
        stored = await this.context.store.readLease(key);
      } catch {
        return; // Unknown: the next renewal decides.
      }
      if (this.#held.get(key) !== held) continue;
      if (stored === undefined) this.#lose(held, `lease "${key}" no longer exists`);
      else if (
        holderOf(stored) !== this.context.workerId ||
        stored.leaseCounter !== held.lease.leaseCounter
      ) {
        this.#lose(held, describeTaken(stored));
      }
    }
  }

  async #renew(held: Held): Promise<void> {
    const { store, workerId, clock, logger } = this.context;
    const key = held.lease.leaseKey;
    const sentAt = clock.now();
    const throughput = this.#throughput.get(key);
    let write: Awaited<ReturnType<LeaseStore["renewLease"]>>;
    try {
      write = await store.renewLease(key, {
        worker: workerId,
        expectedCounter: held.lease.leaseCounter,
        ...(throughput === undefined ? {} : { throughput }),
      });
    } catch (error) {
      // Unknown outcome: keep the lease; it is given up if this goes on for the lease duration.
      logger.warn(`renewing lease "${key}" failed: ${(error as Error).message}`);
      return;
    }
    if (this.#held.get(key) !== held) return;
    if (!write.ok) {
      this.#lose(held, write.message);
      return;
    }
    held.lease = write.lease;
    held.renewedAt = sentAt;
    this.#noticeHandoff(held, write.lease);
  }

  #noticeHandoff(held: Held, lease: Lease): void {
    const { workerId, emit } = this.context;
    if (lease.checkpointOwner !== workerId || lease.leaseOwner === undefined) return;
    if (held.handoffTo === lease.leaseOwner) return;
    held.handoffTo = lease.leaseOwner;
    emit({ type: "handoffRequested", lease, to: lease.leaseOwner });
  }

  #lose(held: Held, reason: string): void {
    const key = held.lease.leaseKey;
    if (this.#held.get(key) !== held) return;
    this.#held.delete(key);
    this.#throughput.delete(key);
    this.context.emit({ type: "lost", lease: held.lease, reason });
  }
}

function describeTaken(lease: Lease): string {
  const holder = holderOf(lease);
  return `lease "${lease.leaseKey}" is now held by ${holder === undefined ? "nobody" : `"${holder}"`} (counter ${lease.leaseCounter})`;
}
