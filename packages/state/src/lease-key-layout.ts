import { tagged } from "./key-layout.ts";

/**
 * Where the Redis lease store keeps one job's leases. Every key carries the job's hash tag (the
 * same as its checkpoints', see {@link CheckpointKeyLayout}), so a Redis Cluster keeps a job's
 * leases in one slot and each Lua script can check and write several of them atomically:
 *
 * ```text
 * <prefix>job:{<job>}:lease:<leaseKey>   hash    one lease, fields named as in KCL's lease table:
 *                                                leaseKey, leaseOwner, leaseCounter, checkpoint,
 *                                                checkpointSubSequenceNumber, parentShardIds (JSON),
 *                                                ownerSwitchesSinceCheckpoint, checkpointOwner,
 *                                                and Eddy's keyGroups (JSON) and throughput
 * <prefix>job:{<job>}:leases             set     every leaseKey of the job
 * <prefix>job:{<job>}:lease-counters     hash    leaseKey → leaseCounter (a copy, for watching counters cheaply)
 * <prefix>job:{<job>}:lease-revision     counter moved when who holds (or should hold) a lease changes,
 *                                                or a worker joins or leaves
 * <prefix>job:{<job>}:worker:<workerId>  hash    counter, incarnation, left
 * <prefix>job:{<job>}:workers            set     every worker id that ever joined the job
 * <prefix>job:{<job>}:worker-counters    hash    workerId → counter (a copy, for watching counters cheaply)
 * <prefix>job:{<job>}:leader             hash    leader, leaseCounter, token
 * <prefix>job:{<job>}:leader-token       counter INCRed by every acquisition: the fencing tokens
 * <prefix>job:{<job>}:key-groups         hash    key group → {"leaseKey","epoch","state"} JSON
 * <prefix>job:{<job>}:committables       hash    workerId → {"incarnation","state"} JSON: what its
 *                                                last publish left its sinks to commit
 * <prefix>job:{<job>}:savepoint-request  hash    the newest savepoint request: id, name, stop, state, message
 * <prefix>job:{<job>}:savepoint-staged:<part>    hash    what publishes for the pending request staged
 *                                                (leases, key-groups, committables)
 * <prefix>job:{<job>}:job-savepoints     set     names of the completed savepoints of the whole job
 *                                                (not `savepoints`: the checkpoint store's hash of the same job)
 * <prefix>job:{<job>}:job-savepoint:<name>:<part>    hash    one savepoint: meta (name, id), leases,
 *                                                key-groups, committables
 * <prefix>job:{<job>}:restored-from      string  "<id>:<name>" of the savepoint last restored
 * ```
 *
 * @example
 * const keys = new LeaseKeyLayout("eddy:", "fx-pricing");
 * keys.lease("shardId-000000000001"); // "eddy:job:{fx-pricing}:lease:shardId-000000000001"
 */
export class LeaseKeyLayout {
  readonly #base: string;

  /**
   * @param prefix prepended to every key; must not contain `{` or `}`
   * @param job the job's name
   */
  constructor(
    readonly prefix: string,
    readonly job: string,
  ) {
    if (/[{}]/.test(prefix)) {
      throw new Error(`redis lease key prefix "${prefix}" must not contain "{" or "}" (hash tags)`);
    }
    if (job === "") throw new Error("redisLeases needs a job name; got an empty string");
    this.#base = `${prefix}job:${tagged(job)}`;
  }

  /** One lease's hash. */
  lease(leaseKey: string): string {
    return `${this.#base}:lease:${leaseKey}`;
  }

  /** The set of the job's lease keys. */
  leases(): string {
    return `${this.#base}:leases`;
  }

  /** Each lease's counter, by lease key. */
  leaseCounters(): string {
    return `${this.#base}:lease-counters`;
  }

  /** The lease table's revision. */
  revision(): string {
    return `${this.#base}:lease-revision`;
  }

  /** One worker's record. */
  worker(workerId: string): string {
    return `${this.#base}:worker:${workerId}`;
  }

  /** The set of the job's worker ids. */
  workers(): string {
    return `${this.#base}:workers`;
  }

  /** Each worker record's counter, by worker id. */
  workerCounters(): string {
    return `${this.#base}:worker-counters`;
  }

  /** The leader lock's hash. */
  leader(): string {
    return `${this.#base}:leader`;
  }

  /** The counter the leader tokens are drawn from. */
  leaderToken(): string {
    return `${this.#base}:leader-token`;
  }

  /** The key groups' state pointers. */
  keyGroups(): string {
    return `${this.#base}:key-groups`;
  }

  /** What each worker's last publish left its sinks to commit, by worker id. */
  committables(): string {
    return `${this.#base}:committables`;
  }

  /** The newest savepoint request of the whole job (`id`, `name`, `stop`, `state`, `message`). */
  savepointRequest(): string {
    return `${this.#base}:savepoint-request`;
  }

  /** What publishes tagged with the pending request staged: `leases`, `key-groups` or `committables`. */
  savepointStaged(part: SavepointPart): string {
    return `${this.#base}:savepoint-staged:${part}`;
  }

  /** The names of the completed savepoints of the whole job. */
  savepoints(): string {
    return `${this.#base}:job-savepoints`;
  }

  /** One completed savepoint: its `meta` (`name`, `id`), `leases`, `key-groups` or `committables`. */
  savepoint(name: string, part: SavepointPart | "meta"): string {
    return `${this.#base}:job-savepoint:${name}:${part}`;
  }

  /** Which savepoint (`<id>:<name>`) the table was last restored from. */
  restoredFrom(): string {
    return `${this.#base}:restored-from`;
  }
}

/** The parts of a savepoint of the whole job, each a hash. */
export type SavepointPart = "leases" | "key-groups" | "committables";
