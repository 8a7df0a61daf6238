import { type Observable, Subject } from "rxjs";
import { consoleLogger, type Logger } from "../logging/logger.ts";
import { type Cancel, type Clock, systemClock } from "../time/clock.ts";
import type { Millis } from "../time/duration.ts";
import { AssignmentRounds } from "./assignment-rounds.ts";
import { CounterWatch } from "./counter-watch.ts";
import { HeldLeases } from "./held-leases.ts";
import type { SavepointRequest } from "./job-savepoint.ts";
import { LeaderElection } from "./leader-election.ts";
import { holderOf, isFinished, type Lease } from "./lease.ts";
import { type LeaseTiming, type LeaseTimingOptions, leaseTiming, renewIntervalOf } from "./lease-defaults.ts";
import type { LeaseEvent } from "./lease-events.ts";
import type {
  LeaderLock,
  LeaseCounters,
  LeaseStore,
  LeaseTableSnapshot,
  PublishResult,
} from "./lease-store.ts";
import { SavepointLeader } from "./savepoint-leader.ts";

/**
 * Options of a {@link LeaseCoordinator}: where the leases are, who this worker is, its clock, and
 * the timing ({@link LEASE_DEFAULTS}).
 *
 * @example
 * const options: LeaseCoordinatorOptions = {
 *   store: new MemoryLeaseStore(),
 *   workerId: process.env.EDDY_WORKER_ID ?? "worker-a",
 *   failoverTimeMs: seconds(10),
 * };
 */
export interface LeaseCoordinatorOptions extends LeaseTimingOptions {
  /** The job's lease table. */
  readonly store: LeaseStore;
  /**
   * This worker's id, stable across restarts: a worker restarted with the same id takes back the
   * leases still recorded under it (and fences the process it replaces).
   */
  readonly workerId: string;
  /** Where time comes from (default the system clock); tests pass a `VirtualClock`. */
  readonly clock?: Clock;
  /** Where leadership changes and store failures are reported (default {@link consoleLogger}). */
  readonly logger?: Logger;
}

/**
 * A lease this worker holds: the lease as its last write left it, and the epoch of the holding
 * (the counter right after the take, which stays the same while the holding lasts — the name of
 * anything staged for the lease, such as S3 parts).
 *
 * @example
 * for (const { lease, epoch } of coordinator.held()) console.log(`${lease.leaseKey}@${epoch}`);
 * declare const coordinator: LeaseCoordinator;
 */
export interface HeldLease {
  /** The lease as this worker last wrote it. */
  readonly lease: Lease;
  /** The counter right after this worker took it. */
  readonly epoch: number;
}

/**
 * One worker's lease management for a job run on several workers, KCL's way: it takes the leases
 * the leader assigns it, renews them every third of the lease duration, hands them over gracefully
 * when asked, and competes for the leader lock; as leader it assigns unowned and expired leases and
 * balances the workers' loads. Everything runs on the injected {@link Clock}.
 *
 * - **Expiry** is judged only by watching counters: a lease (worker, leader lock) whose counter
 *   has not moved for `failoverTimeMs`, measured on this worker's clock from when it last saw it
 *   move, is treated as dead. Clocks of different machines are never compared.
 * - **Fencing**: a holder's writes are conditional on the counter its last write produced; the
 *   leader's on its token. A worker that lost a lease without noticing is refused everything,
 *   including {@link LeaseCoordinator.publish}.
 * - **Restarts**: `start()` claims the worker record (a new incarnation: a paused process of the
 *   same id fails its next heartbeat and stops, `superseded`) and takes back, with a counter move,
 *   every lease still recorded under its id, so the old process is fenced on those too.
 * - **No stealing storms**: only the leader moves leases, at most `maxMovesPerRound` per round and
 *   only while the spread of lease counts exceeds `balanceThreshold`, each by a graceful handoff
 *   (the holder checkpoints and releases, then the new owner takes). A child lease is not assigned
 *   before its parents are finished.
 *
 * @example
 * const coordinator = new LeaseCoordinator({ store: redisLeases(url, { job: "fx-pricing" }), workerId: "worker-a" });
 * coordinator.events.subscribe(async (event) => {
 *   if (event.type === "acquired") startSplit(event.lease);
 *   if (event.type === "lost") stopSplit(event.lease.leaseKey);
 *   if (event.type === "handoffRequested") {
 *     const position = await stopSplit(event.lease.leaseKey);
 *     await coordinator.release(event.lease.leaseKey, { checkpoint: position });
 *   }
 * });
 * await coordinator.start();
 * // at each checkpoint of the worker's pipeline:
 * const published = await coordinator.publish({ leases: [{ leaseKey: "shardId-000000000000", checkpoint: "4959...0098" }] });
 * if (!published.ok) process.exit(1); // a zombie: another worker holds the lease now
 * await coordinator.stop({ leave: true });
 * declare const url: string;
 * declare function startSplit(lease: Lease): void;
 * declare function stopSplit(leaseKey: string): Promise<string>;
 */
export class LeaseCoordinator {
  /** What happens to this worker's leases and leadership; see {@link LeaseEvent}. Subscribe before `start()`. */
  readonly events: Observable<LeaseEvent>;
  /** This worker's id. */
  readonly workerId: string;
  readonly #store: LeaseStore;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #timing: LeaseTiming;
  readonly #events = new Subject<LeaseEvent>();
  readonly #leaseWatch = new CounterWatch();
  readonly #workerWatch = new CounterWatch();
  readonly #held: HeldLeases;
  readonly #election: LeaderElection;
  readonly #rounds: AssignmentRounds;
  readonly #savepointLeader: SavepointLeader;
  #savepoint: SavepointRequest | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #timers: Cancel[] = [];
  #state: "new" | "running" | "stopped" = "new";
  #incarnation = 0;
  #startedAt: Millis = 0;
  #workerCounter = 0;
  #snapshot: LeaseTableSnapshot | undefined;
  #snapshotAt: Millis = Number.NEGATIVE_INFINITY;
  #watchedAt: Millis = Number.NEGATIVE_INFINITY;
  #beating: Promise<boolean> | undefined;

  constructor(options: LeaseCoordinatorOptions) {
    if (typeof options.workerId !== "string" || options.workerId === "") {
      throw new Error(`LeaseCoordinator needs a non-empty workerId; got ${JSON.stringify(options.workerId)}`);
    }
    this.workerId = options.workerId;
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? consoleLogger;
    this.#timing = leaseTiming(options);
    this.events = this.#events.asObservable();
    const emit = (event: LeaseEvent) => this.#events.next(event);
    const shared = {
      store: this.#store,
      workerId: this.workerId,
      clock: this.#clock,
      logger: this.#logger,
      leaseDurationMs: this.#timing.leaseDurationMs,
      emit,
    };
    this.#held = new HeldLeases(shared);
    this.#election = new LeaderElection({ ...shared, failoverTimeMs: this.#timing.failoverTimeMs });
    this.#rounds = new AssignmentRounds({
      ...shared,
      timing: this.#timing,
      leases: this.#leaseWatch,
      workers: this.#workerWatch,
    });
    this.#savepointLeader = new SavepointLeader({
      store: this.#store,
      logger: this.#logger,
      savepointTimeoutMs: this.#timing.savepointTimeoutMs,
    });
  }

  /** The job's newest savepoint request as this worker last read it (see `savepoint` events). */
  get savepointRequest(): SavepointRequest | undefined {
    return this.#savepoint;
  }

  /**
   * This process's incarnation of its worker id (from claiming the worker record at `start()`;
   * 0 before): unique per start, so a restarted process and the one it replaces — if that one is
   * only paused — never name what they write alike.
   */
  get incarnation(): number {
    return this.#incarnation;
  }

  /** Whether this worker leads the job now. */
  get isLeader(): boolean {
    return this.#election.fence !== undefined;
  }

  /** The leases this worker holds now. */
  held(): HeldLease[] {
    return this.#held.list();
  }

  /**
   * Joins the job: claims this worker's record (a new incarnation), takes back the leases still
   * recorded under its id (`acquired`, and `handoffRequested` for one it was handing off), runs a
   * first poll (it may become the leader), then keeps renewing and polling until `stop()`. Throws
   * if another process claims the same worker id at the same moment.
   */
  async start(): Promise<void> {
    if (this.#state !== "new")
      throw new Error(`the lease coordinator of "${this.workerId}" was already started`);
    this.#state = "running";
    this.#startedAt = this.#clock.now();
    const snapshot = await this.#claim();
    this.#observeSnapshot(snapshot, this.#clock.now());
    this.#noticeSavepoint(snapshot);
    await this.#adopt(snapshot);
    await this.#poll();
    this.#every(renewIntervalOf(this.#timing), () => this.#renewTick());
    this.#every(this.#timing.pollIntervalMs, () => this.#poll());
  }

  /**
   * Leaves the job. Renewals and polls end and the leader lock (if held) is freed at once. With
   * `leave: true` (a scale-in, a shutdown for good) every lease still held is released without a
   * checkpoint — release them with their checkpoints first — and the worker record is marked as
   * left, so the leader reassigns at once. Without it (a restart), the leases stay recorded under
   * this id for a restarted process to take back; if none comes they expire after the failover time.
   */
  async stop(options: { leave?: boolean } = {}): Promise<void> {
    if (this.#state === "stopped") return;
    this.#state = "stopped";
    for (const cancel of this.#timers.splice(0)) cancel();
    await this.whenIdle();
    await this.#election.resign();
    if (options.leave) {
      for (const { lease } of this.#held.list()) await this.#held.release(lease.leaseKey, {});
      try {
        await this.#store.leaveWorker({ worker: this.workerId, incarnation: this.#incarnation });
      } catch (error) {
        this.#logger.warn(
          `"${this.workerId}" could not mark its record as left: ${(error as Error).message}`,
        );
      }
    }
    this.#events.complete();
  }

  /**
   * Gives a held lease up, recording `checkpoint` with the release when given: after
   * `handoffRequested` (the lease passes to the handoff's target), when a split is finished
   * (`checkpoint: SHARD_END`), or when leaving. Resolves `false` if the lease was not held or had
   * been lost (a `lost` event says so).
   */
  release(
    leaseKey: string,
    checkpoint: { readonly checkpoint?: string; readonly checkpointSubSequenceNumber?: number } = {},
  ): Promise<boolean> {
    return this.#held.release(leaseKey, checkpoint);
  }

  /**
   * Publishes a checkpoint of this worker fenced on the leases it holds: one atomic step in the
   * store that records each lease's position and each key group's state pointer if this worker
   * still holds every lease with the counter of its last write, and refuses all of it otherwise.
   * It never overlaps a renewal (which moves those counters). A refusal means this worker is a
   * zombie for those leases: stop the pipeline, and start afresh if wanted. It is fenced on this
   * process's incarnation too, and records `committables` (what the checkpoint's sinks must still
   * commit) under the worker's id in the same step (see `LeaseStore.readCommittables`). With
   * `savepoint`, the id of the pending savepoint request of the whole job this checkpoint is the
   * worker's savepoint for, the publish also stages it for that request.
   */
  publish(request: {
    readonly leases: readonly {
      leaseKey: string;
      checkpoint?: string;
      checkpointSubSequenceNumber?: number;
    }[];
    readonly keyGroups?: readonly { keyGroup: number; state: unknown }[];
    readonly committables?: unknown;
    readonly savepoint?: number;
  }): Promise<PublishResult> {
    return this.#held.publish({ ...request, incarnation: this.#incarnation });
  }

  /** Reports a split's rate (records per second); the next renewal records it for the leader's balancing. */
  reportThroughput(leaseKey: string, recordsPerSecond: number): void {
    this.#held.reportThroughput(leaseKey, recordsPerSecond);
  }

  /**
   * Resolves once no renewal, poll or assignment of this coordinator is running: for tests on a
   * `VirtualClock`, which advance the clock, then wait for the work it started.
   */
  async whenIdle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }

  async #claim(): Promise<LeaseTableSnapshot> {
    for (let attempt = 1; ; attempt++) {
      const snapshot = await this.#store.snapshot();
      const record = snapshot.workers.find((w) => w.workerId === this.workerId);
      const claim = await this.#store.claimWorker({
        worker: this.workerId,
        expectedCounter: record?.counter ?? 0,
      });
      if (claim.ok) {
        this.#incarnation = claim.worker.incarnation;
        this.#workerCounter = claim.worker.counter;
        return snapshot;
      }
      if (attempt >= 3) {
        throw new Error(
          `worker id "${this.workerId}" could not be claimed in ${this.#store.description}: ${claim.message}. Is another process starting with the same id?`,
        );
      }
    }
  }

  /** Takes back the leases a previous process of this id held; the counter move fences that process. */
  async #adopt(snapshot: LeaseTableSnapshot): Promise<void> {
    for (const lease of snapshot.leases) {
      if (holderOf(lease) === this.workerId && !isFinished(lease)) await this.#take(lease);
    }
  }

  async #take(lease: Lease): Promise<void> {
    await this.#held.exclusive(async () => {
      if (this.#state !== "running" || this.#held.has(lease.leaseKey)) return;
      const sentAt = this.#clock.now();
      const write = await this.#store.takeLease(lease.leaseKey, {
        worker: this.workerId,
        incarnation: this.#incarnation,
        expectedCounter: lease.leaseCounter,
      });
      if (write.ok) this.#held.acquired(write.lease, sentAt);
      else if (write.code === "worker") this.#supersede(write.message);
    });
  }

  async #renewTick(): Promise<void> {
    this.#expireUnrenewed();
    if (!(await this.#heartbeat())) return;
    await Promise.all([this.#held.renewAll(), this.#election.renew()]);
  }

  /**
   * Moves this worker's record's counter (one at a time: a renewal's and a poll's never race);
   * resolves `false` once another process claimed the worker id.
   */
  #heartbeat(): Promise<boolean> {
    this.#beating ??= this.#beat().finally(() => {
      this.#beating = undefined;
    });
    return this.#beating;
  }

  async #beat(): Promise<boolean> {
    try {
      const beat = await this.#store.heartbeat({
        worker: this.workerId,
        incarnation: this.#incarnation,
        expectedCounter: this.#workerCounter,
      });
      if (beat.ok) this.#workerCounter = beat.worker.counter;
      else if (
        beat.code === "counter" &&
        beat.worker?.incarnation === this.#incarnation &&
        !beat.worker.left
      ) {
        // Only this incarnation moves its record's counter: an earlier heartbeat landed but its
        // answer was lost. Catch up with it.
        this.#workerCounter = beat.worker.counter;
      } else {
        this.#supersede(beat.message);
        return false;
      }
    } catch (error) {
      this.#logger.warn(`heartbeat of "${this.workerId}" failed: ${(error as Error).message}`);
    }
    return true;
  }

  /**
   * Every poll interval: read the revision and the leader lock — or, every renewal interval and
   * always as leader, every counter (a few reads), so this worker's view of which counters move is
   * current when it becomes leader; campaign for the lock; read the whole table only when the
   * revision moved (or, as leader, for each balancing round); take what is assigned to it; lead.
   */
  async #poll(): Promise<void> {
    if (this.#state !== "running") return;
    this.#expireUnrenewed();
    const start = this.#clock.now();
    // A starting worker moves its record at every poll of its first renewal interval, so the
    // leader sees it alive within a poll or two rather than a renewal interval (3.3 s by default)
    // and can include it in the first assignment.
    if (start - this.#startedAt < renewIntervalOf(this.#timing) && !(await this.#heartbeat())) return;
    let counters: LeaseCounters | undefined;
    let revision: number;
    let lock: LeaderLock;
    if (this.isLeader || start - this.#watchedAt >= renewIntervalOf(this.#timing)) {
      counters = await this.#store.counters();
      ({ revision, leader: lock } = counters);
    } else {
      [revision, lock] = await Promise.all([this.#store.revision(), this.#store.readLeader()]);
    }
    let now = this.#clock.now();
    if (counters) this.#observeCounters(counters, now);
    this.#election.observe(lock, now);
    if (this.#state !== "running") return;
    if (!this.isLeader && (await this.#election.campaign(lock, now))) {
      const warm = now - this.#startedAt >= renewIntervalOf(this.#timing) + this.#timing.pollIntervalMs;
      this.#rounds.reset(now, warm);
      this.#savepointLeader.reset();
      counters ??= await this.#store.counters();
      now = this.#clock.now();
      this.#observeCounters(counters, now);
    }
    const leading = this.isLeader;
    const balancing = leading && now - this.#snapshotAt >= this.#timing.assignmentIntervalMs;
    let snapshot = this.#snapshot;
    if (!snapshot || revision !== snapshot.revision || balancing) {
      snapshot = await this.#store.snapshot();
      now = this.#clock.now();
      this.#observeSnapshot(snapshot, now);
      this.#election.observe(snapshot.leader, now);
      this.#noticeSavepoint(snapshot);
      for (const lease of snapshot.leases) this.#held.notice(lease);
      for (const lease of snapshot.leases) {
        const assignedToMe = lease.leaseOwner === this.workerId && lease.checkpointOwner === undefined;
        if (assignedToMe && !this.#held.has(lease.leaseKey) && !isFinished(lease)) await this.#take(lease);
      }
    }
    const fence = this.#election.fence;
    if (!fence || this.#state !== "running") return;
    // Holders have not changed since the snapshot (same revision); the counters read now are newer.
    const view =
      counters && counters.revision === snapshot.revision ? withCounters(snapshot, counters) : snapshot;
    // While a savepoint of the whole job is pending, leases move only by failover.
    const holdMoves = await this.#savepointLeader.run(view, now, fence);
    for (const lease of await this.#rounds.run(view, now, fence, holdMoves)) await this.#take(lease);
  }

  /** Tells the runtime when the job's savepoint request is new or changed state. */
  #noticeSavepoint(snapshot: LeaseTableSnapshot): void {
    const request = snapshot.savepoint;
    const seen = this.#savepoint;
    if (!request || (seen?.id === request.id && seen.state === request.state)) return;
    this.#savepoint = request;
    this.#events.next({ type: "savepoint", request });
  }

  #observeSnapshot(snapshot: LeaseTableSnapshot, now: Millis): void {
    this.#snapshot = snapshot;
    this.#snapshotAt = now;
    this.#observeCounters(
      {
        revision: snapshot.revision,
        leader: snapshot.leader,
        leases: new Map(snapshot.leases.map((l) => [l.leaseKey, l.leaseCounter])),
        workers: new Map(snapshot.workers.map((w) => [w.workerId, w.counter])),
      },
      now,
    );
  }

  #observeCounters(counters: LeaseCounters, now: Millis): void {
    this.#watchedAt = now;
    for (const [key, counter] of counters.leases) this.#leaseWatch.observe(key, counter, now);
    for (const [id, counter] of counters.workers) this.#workerWatch.observe(id, counter, now);
    this.#leaseWatch.retain(new Set(counters.leases.keys()));
    this.#workerWatch.retain(new Set(counters.workers.keys()));
  }

  #expireUnrenewed(): void {
    const now = this.#clock.now();
    this.#held.expireUnrenewed(now);
    this.#election.expireUnrenewed(now);
  }

  /** Another process claimed this worker id: this one is a zombie and stops. */
  #supersede(reason: string): void {
    if (this.#state !== "running") return;
    this.#state = "stopped";
    for (const cancel of this.#timers.splice(0)) cancel();
    this.#logger.error(`"${this.workerId}" is superseded by a newer process of the same id: ${reason}`);
    this.#held.loseAll(`superseded: ${reason}`);
    this.#events.next({ type: "superseded", reason });
    this.#events.complete();
  }

  /** Runs `task` every `interval` on the clock; a run still going when the next is due skips it. */
  #every(interval: Millis, task: () => Promise<void>): void {
    let next = this.#clock.now() + interval;
    let running = false;
    let cancel: Cancel;
    const fire = () => {
      if (this.#state !== "running") return;
      const now = this.#clock.now();
      while (next <= now) next += interval;
      cancel = this.#clock.schedule(next, fire);
      if (running) return;
      running = true;
      const run = task()
        .catch((error: unknown) =>
          this.#logger.warn(`lease coordinator of "${this.workerId}": ${(error as Error).message}`),
        )
        .finally(() => {
          running = false;
          this.#inFlight.delete(run);
        });
      this.#inFlight.add(run);
    };
    cancel = this.#clock.schedule(next, fire);
    this.#timers.push(() => cancel());
  }
}

/** `snapshot` with the counters of `counters` (read later, at the same revision). */
function withCounters(snapshot: LeaseTableSnapshot, counters: LeaseCounters): LeaseTableSnapshot {
  return {
    ...snapshot,
    leader: counters.leader,
    leases: snapshot.leases.map((lease) => {
      const counter = counters.leases.get(lease.leaseKey);
      return counter === undefined || counter === lease.leaseCounter
        ? lease
        : { ...lease, leaseCounter: counter };
    }),
    workers: snapshot.workers.map((worker) => {
      const counter = counters.workers.get(worker.workerId);
      return counter === undefined || counter === worker.counter ? worker : { ...worker, counter };
    }),
  };
}
