import type { Logger } from "../logging/logger.ts";
import type { Millis } from "../time/duration.ts";
import type { CounterWatch } from "./counter-watch.ts";
import { holderOf, type Lease } from "./lease.ts";
import { planAssignment } from "./lease-assignment.ts";
import { type LeaseTiming, renewIntervalOf } from "./lease-defaults.ts";
import type { LeaseEvent } from "./lease-events.ts";
import type { LeaderFence, LeaseStore, LeaseTableSnapshot } from "./lease-store.ts";

/** What {@link AssignmentRounds} needs from its coordinator. */
export interface AssignmentRoundsContext {
  readonly store: LeaseStore;
  readonly workerId: string;
  readonly logger: Logger;
  readonly timing: LeaseTiming;
  readonly emit: (event: LeaseEvent) => void;
  /** When each lease's counter last moved, as this worker watched it. */
  readonly leases: CounterWatch;
  /** When each worker record's counter last moved, as this worker watched it. */
  readonly workers: CounterWatch;
}

/**
 * How many polls the leader waits, after the last new worker record appeared, for more to appear
 * before it assigns leases nobody holds: workers started together (`--workers N`, N replicas)
 * claim their records within a second or two of each other, and each proves itself alive within
 * a poll or two of its claim.
 */
const JOIN_SETTLE_POLLS = 2;

/**
 * The leader's side of assignment: at every poll it assigns the leases nobody (alive) holds; every
 * `assignmentIntervalMs` it also balances, with at most `maxMovesPerRound` graceful handoffs. It
 * judges liveness and expiry from the counters its worker has been watching all along (every
 * worker watches them), so a new leader need not wait a failover time before it can act.
 *
 * While workers keep joining — a worker record appeared within the last two polls, or one has
 * not yet proved its worker alive (a record moves at every poll of a starting worker, so that
 * takes a poll or two) — it waits with leases nobody holds, at most a failover time, and with
 * balancing: at a cold start of many workers, or a rolling restart, that gives the leases to the
 * workers that are there instead of to the first few and moving them later by handoffs, a
 * handful per round. A worker starting alone waits two polls.
 */
export class AssignmentRounds {
  #nextBalanceAt: Millis | undefined;
  #round = 0;
  /** Pending handoffs by lease, with when this leader first saw each (its own clock). */
  #handoffs = new Map<string, { from: string; to: string; since: Millis }>();
  /** The live workers of the last pass, when that set last grew, and since when unowned leases wait. */
  #members: Set<string> | undefined = new Set<string>();
  #grewAt: Millis = Number.NEGATIVE_INFINITY;
  #waitingSince: Millis | undefined;

  constructor(private readonly context: AssignmentRoundsContext) {}

  /**
   * Starts a leadership at `now`: handoff ages restart from now. A worker that has watched the
   * others for a heartbeat interval (`warm`) knows who is alive and acts at once; one that has
   * just started treats everyone it sees as joining.
   */
  reset(now: Millis, warm: boolean): void {
    this.#handoffs.clear();
    this.#members = warm ? undefined : new Set();
    this.#waitingSince = undefined;
    this.#nextBalanceAt = now + this.context.timing.assignmentIntervalMs;
  }

  /**
   * One assignment pass over `snapshot`, read at `now`, under `fence`; resolves the leases it
   * assigned to this worker itself, which it may take at once. With `holdMoves` (a savepoint of
   * the whole job is pending) it assigns only leases that need an owner and does not balance.
   */
  async run(
    snapshot: LeaseTableSnapshot,
    now: Millis,
    fence: LeaderFence,
    holdMoves = false,
  ): Promise<Lease[]> {
    const { timing, leases, workers, store, emit, workerId } = this.context;
    const dead = new Set<string>();
    const live = new Set<string>([workerId]);
    const proving = new Set<string>();
    for (const record of snapshot.workers) {
      const still = workers.stillFor(record.workerId, now);
      if (record.left || still >= timing.failoverTimeMs) dead.add(record.workerId);
      // A record proves its worker alive only by moving while watched: a record that was only
      // ever seen standing still may belong to a worker that died before this one started.
      else if (workers.hasMoved(record.workerId)) live.add(record.workerId);
      // A live worker moves its record at least every renewal interval (a starting one at every
      // poll): one seen standing still for less than that may be a worker that just claimed it.
      else if (still < renewIntervalOf(timing) + timing.pollIntervalMs) proving.add(record.workerId);
    }
    dead.delete(workerId);
    proving.delete(workerId);
    const known = new Set([...live, ...proving]);
    if (this.#members && [...known].some((worker) => !this.#members?.has(worker))) this.#grewAt = now;
    this.#members = known;
    const joining = proving.size > 0 || now - this.#grewAt < JOIN_SETTLE_POLLS * timing.pollIntervalMs;
    const waitedEnough =
      this.#waitingSince !== undefined && now - this.#waitingSince >= timing.failoverTimeMs;
    const assignUnowned = !joining || waitedEnough;
    this.#waitingSince = assignUnowned ? undefined : (this.#waitingSince ?? now);
    const balance =
      !holdMoves && assignUnowned && (this.#nextBalanceAt === undefined || now >= this.#nextBalanceAt);
    if (balance) {
      this.#round += 1;
      this.#nextBalanceAt = now + timing.assignmentIntervalMs;
    }
    const expired = new Set(
      snapshot.leases
        .filter(
          (lease) =>
            holderOf(lease) !== undefined && leases.stillFor(lease.leaseKey, now) >= timing.failoverTimeMs,
        )
        .map((lease) => lease.leaseKey),
    );
    const plan = planAssignment({
      leases: snapshot.leases,
      liveWorkers: [...live].sort(),
      deadWorkers: dead,
      expired,
      handoffsTimedOut: this.#handoffsTimedOut(snapshot, now),
      assignUnowned,
      balance,
      maxMoves: timing.maxMovesPerRound,
      threshold: timing.balanceThreshold,
    });

    const mine: Lease[] = [];
    for (const { lease, to, reason } of plan.assignments) {
      const write = await store.assignLease(lease.leaseKey, {
        leader: fence,
        expectedCounter: lease.leaseCounter,
        to,
      });
      if (write.ok) {
        this.#handoffs.delete(lease.leaseKey);
        emit({ type: "assigned", leaseKey: lease.leaseKey, from: holderOf(lease), to, reason });
        if (to === workerId) mine.push(write.lease);
      } else if (write.code === "leader") return mine;
    }
    for (const { lease, from, to } of plan.moves) {
      const write = await store.startHandoff(lease.leaseKey, {
        leader: fence,
        expectedCounter: lease.leaseCounter,
        to,
      });
      if (write.ok) {
        this.#handoffs.set(lease.leaseKey, { from, to, since: now });
        emit({ type: "handoffStarted", leaseKey: lease.leaseKey, from, to, round: this.#round });
      } else if (write.code === "leader") return mine;
    }
    return mine;
  }

  /** Pending handoffs older than the handoff timeout, aged from when this leader first saw them. */
  #handoffsTimedOut(snapshot: LeaseTableSnapshot, now: Millis): Set<string> {
    const pending = new Map<string, { from: string; to: string; since: Millis }>();
    const timedOut = new Set<string>();
    for (const lease of snapshot.leases) {
      if (lease.checkpointOwner === undefined || lease.leaseOwner === undefined) continue;
      const seen = this.#handoffs.get(lease.leaseKey);
      const same = seen && seen.from === lease.checkpointOwner && seen.to === lease.leaseOwner;
      const entry = same ? seen : { from: lease.checkpointOwner, to: lease.leaseOwner, since: now };
      pending.set(lease.leaseKey, entry);
      if (now - entry.since >= this.context.timing.handoffTimeoutMs) timedOut.add(lease.leaseKey);
    }
    this.#handoffs = pending;
    return timedOut;
  }
}
