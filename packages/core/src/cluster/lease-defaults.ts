import type { Millis } from "../time/duration.ts";

/**
 * The timing and balancing of a {@link LeaseCoordinator}; every field has a default in
 * {@link LEASE_DEFAULTS}.
 *
 * @example
 * // Fail over within about 6 s, at the price of more Redis traffic.
 * const faster: LeaseTimingOptions = { leaseDurationMs: seconds(4), failoverTimeMs: seconds(4), pollIntervalMs: 500 };
 */
export interface LeaseTimingOptions {
  /**
   * How long a holder keeps treating a lease as its own without a successful renewal (it renews
   * every third of it). Must not exceed `failoverTimeMs`, so a holder that cannot renew gives the
   * lease up before anyone else may take it.
   */
  readonly leaseDurationMs?: Millis;
  /**
   * How long an observer must see a lease's counter (or the leader lock's, or a worker's) stand
   * still, measured on its own clock from when it last saw the counter move, before it treats the
   * holder as dead.
   */
  readonly failoverTimeMs?: Millis;
  /**
   * How often a worker reads the leader lock and the table's revision (and the leader the whole
   * table): the delay between an assignment and its take, and the grain of failure detection.
   */
  readonly pollIntervalMs?: Millis;
  /** How often the leader balances the workers' loads (unowned and expired leases are assigned at every poll). */
  readonly assignmentIntervalMs?: Millis;
  /** At most this many leases move (by graceful handoff) per balancing round. */
  readonly maxMovesPerRound?: number;
  /** Leases move only while the busiest live worker holds more than this many leases over the idlest. */
  readonly balanceThreshold?: number;
  /** A holder that has not released a lease this long after its handoff began is treated as dead. */
  readonly handoffTimeoutMs?: Millis;
  /**
   * A savepoint of the whole job not complete this long after the leader first saw its request
   * fails (and workers paused for it resume).
   */
  readonly savepointTimeoutMs?: Millis;
}

/**
 * Defaults of {@link LeaseTimingOptions}. With them a crashed worker's leases are held by others
 * again 7–13 s after the crash: the failover time counted from its last renewal (up to a renewal
 * interval before the crash), plus up to one poll to see that renewal, one to see the counter
 * stand still past it, and one for the new owner to notice the assignment — median 9.5 s in the
 * simulated fleet. 64 workers on 64 shards cost Redis 6.7 commands per worker per second
 * (`packages/state/bench/lease-traffic.bench.ts`; docs/scale-out.md).
 *
 * @example
 * const coordinator = new LeaseCoordinator({
 *   store,
 *   workerId: "worker-a",
 *   failoverTimeMs: LEASE_DEFAULTS.failoverTimeMs * 2, // a job on a slow network
 *   leaseDurationMs: LEASE_DEFAULTS.leaseDurationMs * 2,
 * });
 * declare const store: LeaseStore;
 */
export const LEASE_DEFAULTS = {
  /** A holder renews every 3.3 s and gives a lease up after 10 s without a successful renewal. */
  leaseDurationMs: 10_000,
  /** Others take over after seeing a counter stand still for 10 s. */
  failoverTimeMs: 10_000,
  /** Workers look for assignments (and the leader for failures) every second. */
  pollIntervalMs: 1_000,
  /** The leader balances every 5 s. */
  assignmentIntervalMs: 5_000,
  /** At most 2 leases move per balancing round: a new worker is filled gradually, without a stealing storm. */
  maxMovesPerRound: 2,
  /** Balanced means no live worker holds more than one lease more than another. */
  balanceThreshold: 1,
  /**
   * A handoff gives the old owner 30 s to finish its batch, checkpoint and release: long for a
   * checkpoint (a large one takes about a second), short enough that a stuck owner is bounded.
   */
  handoffTimeoutMs: 30_000,
  /**
   * A savepoint of the whole job has 60 s: long enough for a worker that dies during it to be
   * failed over (the failover time) and for its successor to restore and savepoint its splits.
   */
  savepointTimeoutMs: 60_000,
} as const;

/** Every timing option, with defaults filled in and checked. */
export type LeaseTiming = { readonly [K in keyof LeaseTimingOptions]-?: number };

/** `options` with defaults filled in; throws an error naming the option that is out of range. */
export function leaseTiming(options: LeaseTimingOptions): LeaseTiming {
  const timing: LeaseTiming = {
    leaseDurationMs: options.leaseDurationMs ?? LEASE_DEFAULTS.leaseDurationMs,
    failoverTimeMs: options.failoverTimeMs ?? LEASE_DEFAULTS.failoverTimeMs,
    pollIntervalMs: options.pollIntervalMs ?? LEASE_DEFAULTS.pollIntervalMs,
    assignmentIntervalMs: options.assignmentIntervalMs ?? LEASE_DEFAULTS.assignmentIntervalMs,
    maxMovesPerRound: options.maxMovesPerRound ?? LEASE_DEFAULTS.maxMovesPerRound,
    balanceThreshold: options.balanceThreshold ?? LEASE_DEFAULTS.balanceThreshold,
    handoffTimeoutMs: options.handoffTimeoutMs ?? LEASE_DEFAULTS.handoffTimeoutMs,
    savepointTimeoutMs: options.savepointTimeoutMs ?? LEASE_DEFAULTS.savepointTimeoutMs,
  };
  for (const [name, value] of Object.entries(timing)) {
    const integerOption = name === "maxMovesPerRound" || name === "balanceThreshold";
    const valid = integerOption ? Number.isInteger(value) && value >= 0 : Number.isFinite(value) && value > 0;
    if (!valid) {
      throw new Error(
        `lease option ${name} must be ${integerOption ? "a non-negative integer" : "a positive number of ms"}; got ${value}`,
      );
    }
  }
  if (timing.leaseDurationMs > timing.failoverTimeMs) {
    throw new Error(
      `lease option leaseDurationMs (${timing.leaseDurationMs}) must not exceed failoverTimeMs (${timing.failoverTimeMs}): a holder that cannot renew must give a lease up before others may take it`,
    );
  }
  return timing;
}

/** How often a holder renews: a third of the lease duration. */
export function renewIntervalOf(timing: LeaseTiming): Millis {
  return timing.leaseDurationMs / 3;
}
