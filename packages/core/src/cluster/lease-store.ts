import type { SavepointRequest, SavepointStore } from "./job-savepoint.ts";
import type { Lease, NewLease } from "./lease.ts";

/**
 * Why a {@link LeaseStore} refused a write:
 *
 * - `missing`: no lease (or worker record) of that name;
 * - `exists`: `createLease` of a lease that already exists;
 * - `counter`: the stored counter is not the expected one — somebody else wrote since;
 * - `holder`: the writer does not hold the lease (or a handoff is pending, or is not);
 * - `leader`: the leader fence failed — the writer is not the leader with that token;
 * - `worker`: the worker fence failed — a newer incarnation of the worker id exists, or it left;
 * - `key-group`: a published key group is carried by none of the published leases;
 * - `savepoint`: a savepoint of the whole job cannot complete yet (leases not staged).
 *
 * @example
 * const refusedBecause = (write: LeaseWrite): LeaseRefusal | undefined => (write.ok ? undefined : write.code);
 */
export type LeaseRefusal =
  | "missing"
  | "exists"
  | "counter"
  | "holder"
  | "leader"
  | "worker"
  | "key-group"
  | "savepoint";

/**
 * The answer to a conditional write: the lease as written, or why it was refused (with the lease as
 * stored, when there is one).
 *
 * @example
 * const write = await store.renewLease("shard-1", { worker: "worker-a", expectedCounter: 7 });
 * if (!write.ok) console.warn(`lost shard-1: ${write.message}`);
 * declare const store: LeaseStore;
 */
export type LeaseWrite =
  | {
      /** The write was made. */
      readonly ok: true;
      /** The lease as written. */
      readonly lease: Lease;
    }
  | {
      /** The write was refused. */
      readonly ok: false;
      /** Which condition failed. */
      readonly code: LeaseRefusal;
      /** Which condition failed, with the values seen, as a sentence. */
      readonly message: string;
      /** The lease as stored, when it exists. */
      readonly lease: Lease | undefined;
    };

/**
 * A worker's record: its heartbeat counter and its incarnation. Every start of a worker id claims
 * the record, which makes a new incarnation; a process of an older incarnation of the same id (a
 * paused process that wakes up) fails its next heartbeat and every take, so it learns it is a
 * zombie and stops.
 *
 * @example
 * const live = snapshot.workers.filter((w) => !w.left).map((w) => w.workerId);
 * declare const snapshot: LeaseTableSnapshot;
 */
export interface WorkerRecord {
  /** The worker's stable id (`--worker-id`). */
  readonly workerId: string;
  /** Moved by every heartbeat, claim and leave: others watch it to see the worker is alive. */
  readonly counter: number;
  /** The counter value of the claim that started the current incarnation. */
  readonly incarnation: number;
  /** Whether the worker left gracefully (its record stays, so its counter never goes back). */
  readonly left: boolean;
}

/**
 * The answer to a write of a worker record.
 *
 * @example
 * const beat = await store.heartbeat({ worker: "worker-a", incarnation: 3, expectedCounter: 9 });
 * if (!beat.ok && beat.code === "worker") console.error("a newer process with this worker id is running");
 * declare const store: LeaseStore;
 */
export type WorkerWrite =
  | {
      /** The write was made. */
      readonly ok: true;
      /** The record as written. */
      readonly worker: WorkerRecord;
    }
  | {
      /** The write was refused. */
      readonly ok: false;
      /** Which condition failed. */
      readonly code: LeaseRefusal;
      /** Which condition failed, as a sentence. */
      readonly message: string;
      /** The record as stored, when it exists. */
      readonly worker: WorkerRecord | undefined;
    };

/**
 * The job's leader lock. Its counter moves with every acquisition and renewal (candidates watch it,
 * like a lease's); its `token` is the fencing token of the current leadership, taken from a
 * counter that only ever increases, so a deposed leader's writes (with its older token) are refused.
 *
 * @example
 * const lock = await store.readLeader();
 * console.log(lock.leader ? `${lock.leader} leads (token ${lock.token})` : "no leader");
 * declare const store: LeaseStore;
 */
export interface LeaderLock {
  /** The leading worker, or `undefined` when the lock is free. */
  readonly leader: string | undefined;
  /** Moved by every acquisition, renewal and resignation. */
  readonly leaseCounter: number;
  /** The fencing token of the current (or last) leadership; 0 before the first. */
  readonly token: number;
}

/**
 * The answer to a write of the leader lock.
 *
 * @example
 * const won = await store.acquireLeadership({ worker: "worker-a", expectedCounter: lock.leaseCounter });
 * if (won.ok) console.log(`leading with token ${won.lock.token}`);
 * declare const store: LeaseStore;
 * declare const lock: LeaderLock;
 */
export type LeaderWrite =
  | {
      /** The write was made. */
      readonly ok: true;
      /** The lock as written. */
      readonly lock: LeaderLock;
    }
  | {
      /** The write was refused. */
      readonly ok: false;
      /** Which condition failed. */
      readonly code: LeaseRefusal;
      /** Which condition failed, as a sentence. */
      readonly message: string;
      /** The lock as stored. */
      readonly lock: LeaderLock;
    };

/**
 * Proof that a write comes from the leader: its id and the token its acquisition got.
 *
 * @example
 * const fence: LeaderFence = { worker: "worker-a", token: 12 };
 * await store.assignLease("shard-4", { leader: fence, expectedCounter: 30, to: "worker-c" });
 * declare const store: LeaseStore;
 */
export interface LeaderFence {
  /** The leader's worker id. */
  readonly worker: string;
  /** The token its acquisition of the lock returned. */
  readonly token: number;
}

/**
 * Everything a worker reads in one step: the leases, the worker records and the leader lock, as of
 * one moment, and the table's revision.
 *
 * @example
 * const { leases, workers, leader, revision } = await store.snapshot();
 * declare const store: LeaseStore;
 */
export interface LeaseTableSnapshot {
  /** See {@link LeaseStore.revision}. */
  readonly revision: number;
  /** Every lease, sorted by `leaseKey`. */
  readonly leases: readonly Lease[];
  /** Every worker record, sorted by id. */
  readonly workers: readonly WorkerRecord[];
  /** The leader lock. */
  readonly leader: LeaderLock;
  /** The newest savepoint request of the whole job, from stores that keep them. */
  readonly savepoint?: SavepointRequest;
}

/**
 * Every counter of the table, without the rest of it: what a worker reads to watch leases, workers
 * and the leader lock move (a few commands in Redis where a {@link LeaseTableSnapshot} reads every
 * record).
 *
 * @example
 * const { leases, workers } = await store.counters();
 * console.log(`shard-1 at ${leases.get("shard-1")}, worker-a at ${workers.get("worker-a")}`);
 * declare const store: LeaseStore;
 */
export interface LeaseCounters {
  /** See {@link LeaseStore.revision}. */
  readonly revision: number;
  /** Each lease's `leaseCounter`, by `leaseKey`. */
  readonly leases: ReadonlyMap<string, number>;
  /** Each worker record's `counter`, by worker id. */
  readonly workers: ReadonlyMap<string, number>;
  /** The leader lock. */
  readonly leader: LeaderLock;
}

/**
 * One lease covered by a {@link PublishRequest}: the counter the publisher holds it with, and the
 * position to record.
 *
 * @example
 * const covered: PublishedLease = { leaseKey: "shard-1", leaseCounter: 18, checkpoint: "4959...0098" };
 */
export interface PublishedLease {
  /** The lease. */
  readonly leaseKey: string;
  /** The counter the publisher holds the lease with: the publish is refused unless it is the stored one. */
  readonly leaseCounter: number;
  /** The position to record (default: leave the stored checkpoint as it is). */
  readonly checkpoint?: string;
  /** The sub-sequence number of `checkpoint`. */
  readonly checkpointSubSequenceNumber?: number;
}

/**
 * The state pointer of one key group in a publish: opaque JSON the runtime chooses (the refs of the
 * key group's blob chain in the checkpoint store).
 *
 * @example
 * const pointer: PublishedKeyGroup = { keyGroup: 7, state: { chain: ["fx/worker-a/12/window/kg7"] } };
 */
export interface PublishedKeyGroup {
  /** The key group; one of the published leases must carry it. */
  readonly keyGroup: number;
  /** Any JSON value; stored as JSON and read back equal. */
  readonly state: unknown;
}

/**
 * A fenced publish ({@link LeaseStore.publish}): the leases a worker's checkpoint covers and the
 * state pointers of the key groups they carry.
 *
 * @example
 * const request: PublishRequest = {
 *   worker: "worker-a",
 *   leases: [{ leaseKey: "shard-1", leaseCounter: 18, checkpoint: "4959...0098" }],
 *   keyGroups: [{ keyGroup: 7, state: { chain: ["fx/worker-a/12/window/kg7"] } }],
 * };
 */
export interface PublishRequest {
  /** The publishing worker. */
  readonly worker: string;
  /** Every lease the checkpoint covers. */
  readonly leases: readonly PublishedLease[];
  /** State pointers of key groups those leases carry (default none). */
  readonly keyGroups?: readonly PublishedKeyGroup[];
  /**
   * The publisher's incarnation (from `claimWorker`). When given, the publish is fenced on it too:
   * refused (`worker`) unless it is the worker record's current incarnation and the worker has
   * not left, so once a restarted process has claimed the id, nothing an older process of it
   * publishes counts.
   */
  readonly incarnation?: number;
  /**
   * What the publisher's sinks must still commit once this checkpoint counts (any JSON; the
   * runtime records its sinks' pre-commit state there). Written in the same atomic step under the
   * worker's id, replacing what its last publish recorded, and read back by
   * {@link LeaseStore.readCommittables}. Needs `incarnation`.
   */
  readonly committables?: unknown;
  /**
   * The id of the pending savepoint request this checkpoint is the worker's savepoint for: when it
   * is still the pending request, the publish also stages, for it, each lease's position, the key
   * groups' pointers and the committables. A request no longer pending stages nothing (the publish
   * still counts as a checkpoint).
   */
  readonly savepoint?: number;
}

/**
 * What a worker's last publish recorded for its sinks to commit ({@link PublishRequest.committables}).
 *
 * @example
 * for (const { worker, incarnation, state } of (await store.readCommittables?.())?.values() ?? []) {
 *   console.log(`${worker} (incarnation ${incarnation}) left`, state);
 * }
 * declare const store: LeaseStore;
 */
export interface PublishedCommittables {
  /** The publishing worker's id. */
  readonly worker: string;
  /** The incarnation that published them. */
  readonly incarnation: number;
  /** The JSON value the publish wrote. */
  readonly state: unknown;
}

/**
 * The answer to a publish: all of it written, or none of it with the reason.
 *
 * @example
 * const result = await store.publish(request);
 * if (!result.ok) throw new Error(`zombie: ${result.message}`);
 * declare const store: LeaseStore;
 * declare const request: PublishRequest;
 */
export type PublishResult =
  | {
      /** Every checkpoint and pointer was written. */
      readonly ok: true;
    }
  | {
      /** Nothing was written. */
      readonly ok: false;
      /** The first condition that failed. */
      readonly code: LeaseRefusal;
      /** Every condition that failed, as sentences. */
      readonly message: string;
    };

/**
 * A key group's state pointer as published: the JSON value, the lease that carried the key group
 * and that lease's counter at the publish (the epoch).
 *
 * @example
 * const [pointer] = (await store.readKeyGroups([7])).values();
 * declare const store: LeaseStore;
 */
export interface KeyGroupPointer {
  /** The key group. */
  readonly keyGroup: number;
  /** The JSON value the publish wrote. */
  readonly state: unknown;
  /** The lease that carried the key group when it was published. */
  readonly leaseKey: string;
  /** That lease's counter at the publish. */
  readonly epoch: number;
}

/**
 * A take ({@link LeaseStore.takeLease}): who takes, in which incarnation, and the counter it saw.
 *
 * @example
 * const request: TakeLeaseRequest = { worker: "worker-a", incarnation: 3, expectedCounter: 17 };
 */
export interface TakeLeaseRequest {
  /** The taking worker. */
  readonly worker: string;
  /** Its incarnation (from `claimWorker`): an older process of the same id is refused. */
  readonly incarnation: number;
  /** The counter the worker saw: the take is refused if the lease was written since. */
  readonly expectedCounter: number;
}

/**
 * A renewal ({@link LeaseStore.renewLease}).
 *
 * @example
 * const request: RenewLeaseRequest = { worker: "worker-a", expectedCounter: 18, throughput: 950 };
 */
export interface RenewLeaseRequest {
  /** The holder. */
  readonly worker: string;
  /** The counter its last write produced. */
  readonly expectedCounter: number;
  /** Records per second of the split, for the leader's balancing (default: leave it as stored). */
  readonly throughput?: number;
}

/**
 * A checkpoint of one lease ({@link LeaseStore.checkpointLease}).
 *
 * @example
 * const request: CheckpointLeaseRequest = { worker: "worker-a", expectedCounter: 19, checkpoint: "4959...0098" };
 */
export interface CheckpointLeaseRequest {
  /** The holder. */
  readonly worker: string;
  /** The counter its last write produced. */
  readonly expectedCounter: number;
  /** The position to record. */
  readonly checkpoint: string;
  /** The sub-sequence number of `checkpoint` (default none). */
  readonly checkpointSubSequenceNumber?: number;
}

/**
 * A release ({@link LeaseStore.releaseLease}), with the final position when given.
 *
 * @example
 * const request: ReleaseLeaseRequest = { worker: "worker-a", expectedCounter: 20, checkpoint: SHARD_END };
 */
export interface ReleaseLeaseRequest {
  /** The holder. */
  readonly worker: string;
  /** The counter its last write produced. */
  readonly expectedCounter: number;
  /** The position to record with the release (default: leave the stored one). */
  readonly checkpoint?: string;
  /** The sub-sequence number of `checkpoint`. */
  readonly checkpointSubSequenceNumber?: number;
}

/**
 * The leader's assignment of a lease ({@link LeaseStore.assignLease}).
 *
 * @example
 * const request: AssignLeaseRequest = { leader: { worker: "worker-a", token: 4 }, expectedCounter: 31, to: "worker-c" };
 */
export interface AssignLeaseRequest {
  /** The leader's fence. */
  readonly leader: LeaderFence;
  /** The counter the leader saw. */
  readonly expectedCounter: number;
  /** The worker the lease goes to; `undefined` evicts it (nobody owns it after). */
  readonly to: string | undefined;
}

/**
 * The leader's request to move a lease gracefully ({@link LeaseStore.startHandoff}).
 *
 * @example
 * const request: StartHandoffRequest = { leader: { worker: "worker-a", token: 4 }, expectedCounter: 31, to: "worker-c" };
 */
export interface StartHandoffRequest {
  /** The leader's fence. */
  readonly leader: LeaderFence;
  /** The counter the leader saw. */
  readonly expectedCounter: number;
  /** The worker the lease goes to once its holder released it. */
  readonly to: string;
}

/**
 * Where a job's leases live: a table of {@link Lease}s, worker records, a leader lock and key-group
 * state pointers, in which **every write is conditional**: on the lease's `leaseCounter` (and who
 * holds it), on the worker's incarnation, or on the leader's fencing token. Writes that do not hold
 * are refused as a whole with the reason — never half done.
 *
 * The store keeps no clock: whether a lease (or the leader lock, or a worker) is still alive is for
 * each reader to judge by watching its counter move on its own clock ({@link LeaseCoordinator}
 * does). Implementations: {@link MemoryLeaseStore} in one process, `redisLeases` in `@eddy/state`.
 * `leaseStoreContract` in `@eddy/core/testing` checks an implementation.
 *
 * The lease life cycle: `createLease` (no owner) → the leader `assignLease`s it to a worker → that
 * worker `takeLease`s it and `renewLease`s it every few seconds, `checkpointLease`s or `publish`es
 * its position → to move it, the leader `startHandoff`s (the holder becomes `checkpointOwner`, the
 * target `leaseOwner`) → the holder checkpoints and `releaseLease`s → the target takes it. A lease
 * whose holder died stops moving; the leader assigns it again, which moves its counter and fences
 * the old holder.
 *
 * @example
 * const store: LeaseStore = new MemoryLeaseStore();
 * await store.createLease({ leaseKey: "shard-0", keyGroups: [0, 1] });
 * const claim = await store.claimWorker({ worker: "worker-a", expectedCounter: 0 });
 * if (!claim.ok) throw new Error(claim.message);
 * const taken = await store.takeLease("shard-0", {
 *   worker: "worker-a",
 *   incarnation: claim.worker.incarnation,
 *   expectedCounter: 0,
 * });
 * if (taken.ok) await store.renewLease("shard-0", { worker: "worker-a", expectedCounter: taken.lease.leaseCounter });
 */
export interface LeaseStore extends SavepointStore {
  /** Where the leases are, for messages: `memory`, `redis://host:6379 job fx-pricing`. */
  readonly description: string;

  /** Creates `init` as a new lease (no owner, counter 0) unless one of that key exists (`exists`). */
  createLease(init: NewLease): Promise<LeaseWrite>;
  /** One lease as stored. */
  readLease(leaseKey: string): Promise<Lease | undefined>;
  /** Leases, workers and the leader lock as of one moment. */
  snapshot(): Promise<LeaseTableSnapshot>;
  /** Every counter and the leader lock, as of one moment or a few moments close together. */
  counters(): Promise<LeaseCounters>;
  /**
   * A number that moves whenever who holds (or should hold) a lease changes — a lease created,
   * taken, assigned, handed off or released — or a worker joins (claims its record) or leaves.
   * Renewals, heartbeats, checkpoints and publishes leave it alone, so a worker can read this one
   * number often and the whole table only when it moved.
   */
  revision(): Promise<number>;

  /**
   * `worker` takes the lease if its counter is `expectedCounter` and `worker`'s record has
   * `incarnation`. Refused while a handoff is pending to anyone but its `checkpointOwner` (who
   * takes it back keeping the handoff pending, as after a restart). Moves the counter; counts an
   * owner switch when the holder changes.
   */
  takeLease(leaseKey: string, request: TakeLeaseRequest): Promise<LeaseWrite>;
  /**
   * The holder renews the lease: refused unless `worker` holds it (see `holderOf`) with
   * `expectedCounter`. Moves the counter; records `throughput` when given.
   */
  renewLease(leaseKey: string, request: RenewLeaseRequest): Promise<LeaseWrite>;
  /**
   * The holder records a position: refused unless `worker` holds the lease with `expectedCounter`.
   * Resets `ownerSwitchesSinceCheckpoint`; leaves the counter as it is.
   */
  checkpointLease(leaseKey: string, request: CheckpointLeaseRequest): Promise<LeaseWrite>;
  /**
   * The holder gives the lease up, recording `checkpoint` first when given. With a handoff pending
   * the lease passes to its `leaseOwner` (the handoff's target, who takes it next); otherwise it is
   * left without owner. Refused unless `worker` holds it with `expectedCounter`. Moves the counter.
   */
  releaseLease(leaseKey: string, request: ReleaseLeaseRequest): Promise<LeaseWrite>;
  /**
   * The leader gives the lease to `to` (or to nobody: an eviction), whoever holds it, cancelling a
   * pending handoff: for unowned and expired leases, and handoffs that timed out. Refused unless the
   * counter is `expectedCounter` and `leader` holds the leader lock with its token. Moves the
   * counter, which fences the old holder.
   */
  assignLease(leaseKey: string, request: AssignLeaseRequest): Promise<LeaseWrite>;
  /**
   * The leader asks the holder to hand the lease to `to`: `checkpointOwner` becomes the holder,
   * `leaseOwner` becomes `to`. Refused unless the counter is `expectedCounter`, the lease has a
   * holder and no handoff pending, and the leader fence holds. Leaves the counter as it is, so the
   * holder's renewals go on until it releases.
   */
  startHandoff(leaseKey: string, request: StartHandoffRequest): Promise<LeaseWrite>;
  /**
   * The fenced publish, in one atomic step: for every lease of the request, `worker` holds it and
   * its counter is the given one; every key group is carried by one of those leases. If all hold,
   * records each lease's checkpoint (resetting its owner switches) and each key group's pointer
   * (with the lease and its counter as epoch); otherwise writes nothing. With `incarnation`, it is
   * also fenced on the worker's incarnation, and records `committables` under the worker's id.
   */
  publish(request: PublishRequest): Promise<PublishResult>;
  /** The published pointers of `keyGroups` (those never published are absent). */
  readKeyGroups(keyGroups: readonly number[]): Promise<Map<number, KeyGroupPointer>>;
  /**
   * What each worker's last publish with `committables` recorded, by worker id. Optional for
   * stores written before it: without it, sinks that commit on checkpoint completion cannot run
   * on several workers (the job refuses them at start).
   */
  readCommittables?(): Promise<Map<string, PublishedCommittables>>;

  /**
   * Starts a new incarnation of `worker`: refused unless its record's counter is `expectedCounter`
   * (0 when it has none). Moves the counter (and the revision); the incarnation is the new counter.
   */
  claimWorker(request: { readonly worker: string; readonly expectedCounter: number }): Promise<WorkerWrite>;
  /** Moves the worker's counter: refused unless it is `expectedCounter` in incarnation `incarnation`, not left. */
  heartbeat(request: {
    readonly worker: string;
    readonly incarnation: number;
    readonly expectedCounter: number;
  }): Promise<WorkerWrite>;
  /** Marks the worker as left (refused unless `incarnation` is current); moves its counter and the revision. */
  leaveWorker(request: { readonly worker: string; readonly incarnation: number }): Promise<WorkerWrite>;

  /** The leader lock as stored. */
  readLeader(): Promise<LeaderLock>;
  /** Takes the leader lock if its counter is `expectedCounter`; the new token is greater than every earlier one. */
  acquireLeadership(request: {
    readonly worker: string;
    readonly expectedCounter: number;
  }): Promise<LeaderWrite>;
  /** Moves the lock's counter: refused unless `worker` holds it with `token` and the counter is `expectedCounter`. */
  renewLeadership(request: {
    readonly worker: string;
    readonly token: number;
    readonly expectedCounter: number;
  }): Promise<LeaderWrite>;
  /** Frees the lock at once (refused unless `worker` holds it with `token`), so another worker need not wait. */
  resignLeadership(request: { readonly worker: string; readonly token: number }): Promise<LeaderWrite>;

  /** Releases connections; the store is not used after. */
  close(): Promise<void>;
}
