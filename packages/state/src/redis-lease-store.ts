import {
  type AssignLeaseRequest,
  type CheckpointLeaseRequest,
  type JobSavepoint,
  type KeyGroupPointer,
  type LeaderLock,
  type LeaderWrite,
  type Lease,
  type LeaseCounters,
  type LeaseRefusal,
  type LeaseStore,
  type LeaseTableSnapshot,
  type LeaseWrite,
  type NewLease,
  newLease,
  type PublishedCommittables,
  type PublishRequest,
  type PublishResult,
  type ReleaseLeaseRequest,
  type RenewLeaseRequest,
  type SavepointDecision,
  type SavepointRequest,
  type SavepointRestore,
  type SavepointWrite,
  type StartHandoffRequest,
  type TakeLeaseRequest,
  type WorkerRecord,
  type WorkerWrite,
} from "@eddy/core";
import type { Redis, RedisOptions } from "ioredis";
import { LeaseKeyLayout } from "./lease-key-layout.ts";
import * as scripts from "./lease-scripts.ts";
import { connect, disconnect } from "./redis-connection.ts";
import { parseJobSavepoint, parseSavepointRequest, savepointWrite } from "./redis-savepoint-records.ts";
import * as savepointScripts from "./savepoint-scripts.ts";

/**
 * Options of {@link redisLeases}. Defaults are in {@link REDIS_LEASE_DEFAULTS}.
 *
 * @example
 * const options: RedisLeaseStoreOptions = { job: "fx-pricing", prefix: "team-a:" };
 * const leases = redisLeases("redis://127.0.0.1:6379", options);
 */
export interface RedisLeaseStoreOptions {
  /** The job whose leases these are: every key carries its name (see {@link LeaseKeyLayout}). */
  readonly job: string;
  /** Prepended to every key; must not contain `{` or `}`. */
  readonly prefix?: string;
}

/**
 * Defaults of the Redis lease store. Commands fail fast when Redis is slow or down: a lease
 * coordinator retries at its next renewal anyway, and a holder that cannot renew for the lease
 * duration gives its leases up — waiting inside the client would only hide that.
 *
 * @example
 * const leases = redisLeases(
 *   { host: "127.0.0.1", port: 6379, commandTimeout: REDIS_LEASE_DEFAULTS.commandTimeout * 2 },
 *   { job: "fx-pricing" },
 * );
 */
export const REDIS_LEASE_DEFAULTS = {
  /** Prepended to every key (the same default as the checkpoint store's). */
  prefix: "eddy:",
  /** Reconnect attempts a command waits through before it fails (ioredis `maxRetriesPerRequest`). */
  maxRetriesPerRequest: 1,
  /** Time to establish a connection before the attempt fails (ms). */
  connectTimeout: 2_000,
  /** A command without a reply after this long fails (ms): well under a renewal interval. */
  commandTimeout: 2_000,
  /** Delay before reconnect attempt n: 100·n ms, capped at this (ms). */
  maxReconnectDelay: 1_000,
} as const;

/** The scripts, as commands ioredis sends by EVALSHA (falling back to EVAL when Redis lacks them). */
const COMMANDS = {
  eddyLeaseCreate: { lua: scripts.CREATE_LEASE, numberOfKeys: 4 },
  eddyLeaseTake: { lua: scripts.TAKE_LEASE, numberOfKeys: 4 },
  eddyLeaseRenew: { lua: scripts.RENEW_LEASE, numberOfKeys: 2 },
  eddyLeaseCheckpoint: { lua: scripts.CHECKPOINT_LEASE, numberOfKeys: 1 },
  eddyLeaseRelease: { lua: scripts.RELEASE_LEASE, numberOfKeys: 3 },
  eddyLeaseAssign: { lua: scripts.ASSIGN_LEASE, numberOfKeys: 4 },
  eddyLeaseHandoff: { lua: scripts.START_HANDOFF, numberOfKeys: 3 },
  eddyLeasePublish: { lua: scripts.PUBLISH },
  eddyWorkerClaim: { lua: scripts.CLAIM_WORKER, numberOfKeys: 4 },
  eddyWorkerHeartbeat: { lua: scripts.HEARTBEAT, numberOfKeys: 2 },
  eddyWorkerLeave: { lua: scripts.LEAVE_WORKER, numberOfKeys: 3 },
  eddyLeaderAcquire: { lua: scripts.ACQUIRE_LEADERSHIP, numberOfKeys: 2 },
  eddyLeaderRenew: { lua: scripts.RENEW_LEADERSHIP, numberOfKeys: 1 },
  eddyLeaderResign: { lua: scripts.RESIGN_LEADERSHIP, numberOfKeys: 1 },
  eddySavepointRequest: { lua: savepointScripts.REQUEST_SAVEPOINT, numberOfKeys: 5 },
  eddySavepointComplete: { lua: savepointScripts.COMPLETE_SAVEPOINT },
  eddySavepointFail: { lua: savepointScripts.FAIL_SAVEPOINT, numberOfKeys: 4 },
  eddySavepointRestore: { lua: savepointScripts.RESTORE_SAVEPOINT },
} as const;

type ScriptArgument = string | number;
type ScriptCommands = {
  [K in keyof typeof COMMANDS]: (...args: ScriptArgument[]) => Promise<unknown>;
};

/** A script's answer: its code, its message, and the record's fields as HGETALL returned them. */
type Answer = [code: string, message: string, fields?: string[]];

/**
 * A {@link LeaseStore} in Redis, for a job run on several workers: one hash per lease with KCL's
 * attribute names, worker records, the leader lock and the key groups' state pointers, all under
 * the job's hash tag (see {@link LeaseKeyLayout}). Every conditional write — create-if-absent,
 * take, renew, checkpoint, release, assign, handoff, the fenced publish, the worker and leader
 * writes — is one Lua script, sent by EVALSHA (EVAL the first time on a connection and whenever
 * Redis answers NOSCRIPT). A snapshot is one MULTI/EXEC of the records, so it reads one moment;
 * the scripts also keep a copy of every counter in one hash per job, so watching the counters
 * (`counters()`, what workers do every few seconds) costs four reads, not one per record.
 *
 * The leader lock is a hash watched like a lease rather than a key that expires (`SET NX PX`):
 * the store keeps no clock, so Redis's clock never decides a leader dead either, and a test on a
 * virtual clock runs on Redis as on the `MemoryLeaseStore`. Its fencing token is INCRed from a
 * counter of its own.
 *
 * The connection opens on first use; `close()` it when done.
 *
 * @example
 * const store = redisLeases("redis://127.0.0.1:6379", { job: "fx-pricing" });
 * const coordinator = new LeaseCoordinator({ store, workerId: process.env.EDDY_WORKER_ID ?? "worker-a" });
 * await coordinator.start();
 */
export class RedisLeaseStore implements LeaseStore {
  readonly description: string;
  /** Where the job's keys are. */
  readonly keys: LeaseKeyLayout;
  readonly #redis: Redis;
  readonly #commands: ScriptCommands;

  constructor(connection: string | RedisOptions, options: RedisLeaseStoreOptions) {
    const { redis, description } = connect(connection, REDIS_LEASE_DEFAULTS, "redisLeases");
    this.#redis = redis;
    // Errors reach the caller of each command; without a listener ioredis would also print them.
    this.#redis.on("error", () => {});
    for (const [name, definition] of Object.entries(COMMANDS)) this.#redis.defineCommand(name, definition);
    this.#commands = this.#redis as unknown as ScriptCommands;
    this.keys = new LeaseKeyLayout(options.prefix ?? REDIS_LEASE_DEFAULTS.prefix, options.job);
    this.description = `${description} job ${options.job}`;
  }

  async createLease(init: NewLease): Promise<LeaseWrite> {
    const lease = newLease(init);
    const answer = await this.#commands.eddyLeaseCreate(
      this.keys.lease(lease.leaseKey),
      this.keys.leases(),
      this.keys.revision(),
      this.keys.leaseCounters(),
      lease.leaseKey,
      JSON.stringify(lease.parentShardIds),
      JSON.stringify(lease.keyGroups),
      lease.checkpoint === undefined ? "0" : "1",
      lease.checkpoint ?? "",
      lease.checkpointSubSequenceNumber ?? "",
    );
    return leaseWrite(answer);
  }

  async readLease(leaseKey: string): Promise<Lease | undefined> {
    return parseLease(await this.#redis.hgetall(this.keys.lease(leaseKey)));
  }

  async snapshot(): Promise<LeaseTableSnapshot> {
    const [leaseKeys, workerIds] = await Promise.all([
      this.#redis.smembers(this.keys.leases()),
      this.#redis.smembers(this.keys.workers()),
    ]);
    leaseKeys.sort();
    workerIds.sort();
    const read = this.#redis.multi();
    read.get(this.keys.revision());
    read.hgetall(this.keys.leader());
    read.hgetall(this.keys.savepointRequest());
    read.hkeys(this.keys.savepointStaged("leases"));
    for (const key of leaseKeys) read.hgetall(this.keys.lease(key));
    for (const id of workerIds) read.hgetall(this.keys.worker(id));
    const results = await read.exec();
    if (results === null) throw new Error(`a snapshot of ${this.description} was aborted`);
    const values = results.map(([error, value]) => {
      if (error) throw error;
      return value;
    });
    const [revision, leader, request, staged, ...records] = values as [
      string | null,
      Record<string, string>,
      Record<string, string>,
      string[],
      ...Record<string, string>[],
    ];
    const savepoint = parseSavepointRequest(request, staged);
    const leases = records.slice(0, leaseKeys.length).map(parseLease);
    const workers = records.slice(leaseKeys.length).map(parseWorker);
    return {
      revision: Number(revision ?? 0),
      leases: leases.filter((lease): lease is Lease => lease !== undefined),
      workers: workers.filter((worker): worker is WorkerRecord => worker !== undefined),
      leader: parseLock(leader),
      ...(savepoint ? { savepoint } : {}),
    };
  }

  async counters(): Promise<LeaseCounters> {
    // Four reads in one round trip; each is exact, and watching needs no more than that.
    const results = await this.#redis
      .pipeline()
      .get(this.keys.revision())
      .hgetall(this.keys.leader())
      .hgetall(this.keys.leaseCounters())
      .hgetall(this.keys.workerCounters())
      .exec();
    if (results === null) throw new Error(`reading the counters of ${this.description} was aborted`);
    const [revision, leader, leases, workers] = results.map(([error, value]) => {
      if (error) throw error;
      return value;
    }) as [string | null, Record<string, string>, Record<string, string>, Record<string, string>];
    return {
      revision: Number(revision ?? 0),
      leader: parseLock(leader),
      leases: new Map(Object.entries(leases).map(([key, counter]) => [key, Number(counter)])),
      workers: new Map(Object.entries(workers).map(([id, counter]) => [id, Number(counter)])),
    };
  }

  async revision(): Promise<number> {
    return Number((await this.#redis.get(this.keys.revision())) ?? 0);
  }

  async takeLease(leaseKey: string, request: TakeLeaseRequest): Promise<LeaseWrite> {
    const answer = await this.#commands.eddyLeaseTake(
      this.keys.lease(leaseKey),
      this.keys.worker(request.worker),
      this.keys.revision(),
      this.keys.leaseCounters(),
      leaseKey,
      request.worker,
      request.incarnation,
      request.expectedCounter,
    );
    return leaseWrite(answer);
  }

  async renewLease(leaseKey: string, request: RenewLeaseRequest): Promise<LeaseWrite> {
    const answer = await this.#commands.eddyLeaseRenew(
      this.keys.lease(leaseKey),
      this.keys.leaseCounters(),
      leaseKey,
      request.worker,
      request.expectedCounter,
      request.throughput ?? "",
    );
    return leaseWrite(answer);
  }

  async checkpointLease(leaseKey: string, request: CheckpointLeaseRequest): Promise<LeaseWrite> {
    const answer = await this.#commands.eddyLeaseCheckpoint(
      this.keys.lease(leaseKey),
      leaseKey,
      request.worker,
      request.expectedCounter,
      request.checkpoint,
      request.checkpointSubSequenceNumber ?? "",
    );
    return leaseWrite(answer);
  }

  async releaseLease(leaseKey: string, request: ReleaseLeaseRequest): Promise<LeaseWrite> {
    const answer = await this.#commands.eddyLeaseRelease(
      this.keys.lease(leaseKey),
      this.keys.revision(),
      this.keys.leaseCounters(),
      leaseKey,
      request.worker,
      request.expectedCounter,
      request.checkpoint === undefined ? "0" : "1",
      request.checkpoint ?? "",
      request.checkpointSubSequenceNumber ?? "",
    );
    return leaseWrite(answer);
  }

  async assignLease(leaseKey: string, request: AssignLeaseRequest): Promise<LeaseWrite> {
    const answer = await this.#commands.eddyLeaseAssign(
      this.keys.lease(leaseKey),
      this.keys.leader(),
      this.keys.revision(),
      this.keys.leaseCounters(),
      leaseKey,
      request.leader.worker,
      request.leader.token,
      request.expectedCounter,
      request.to === undefined ? "0" : "1",
      request.to ?? "",
    );
    return leaseWrite(answer);
  }

  async startHandoff(leaseKey: string, request: StartHandoffRequest): Promise<LeaseWrite> {
    const answer = await this.#commands.eddyLeaseHandoff(
      this.keys.lease(leaseKey),
      this.keys.leader(),
      this.keys.revision(),
      leaseKey,
      request.leader.worker,
      request.leader.token,
      request.expectedCounter,
      request.to,
    );
    return leaseWrite(answer);
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    const groups = request.keyGroups ?? [];
    for (const { keyGroup } of groups) {
      if (!Number.isInteger(keyGroup) || keyGroup < 0) {
        throw new Error(
          `publish by "${request.worker}": key group ${JSON.stringify(keyGroup)} is not a non-negative integer`,
        );
      }
    }
    if (request.committables !== undefined && request.incarnation === undefined) {
      throw new Error(
        `publish by "${request.worker}": committables are recorded only with the incarnation to fence on`,
      );
    }
    const keys = [
      this.keys.keyGroups(),
      ...request.leases.map((l) => this.keys.lease(l.leaseKey)),
      this.keys.worker(request.worker),
      this.keys.committables(),
      this.keys.savepointRequest(),
      this.keys.savepointStaged("leases"),
      this.keys.savepointStaged("key-groups"),
      this.keys.savepointStaged("committables"),
    ];
    const args: ScriptArgument[] = [request.worker, request.leases.length];
    for (const lease of request.leases) {
      args.push(
        lease.leaseKey,
        lease.leaseCounter,
        lease.checkpoint === undefined ? "0" : "1",
        lease.checkpoint ?? "",
        lease.checkpointSubSequenceNumber ?? "",
      );
    }
    args.push(groups.length);
    for (const { keyGroup, state } of groups) args.push(keyGroup, JSON.stringify(state ?? null));
    args.push(
      request.incarnation ?? "",
      request.committables === undefined ? "" : JSON.stringify(request.committables),
      request.savepoint ?? "",
    );
    const [code, message] = (await this.#commands.eddyLeasePublish(keys.length, ...keys, ...args)) as Answer;
    return code === "ok" ? { ok: true } : { ok: false, code: code as LeaseRefusal, message };
  }

  async readKeyGroups(keyGroups: readonly number[]): Promise<Map<number, KeyGroupPointer>> {
    const found = new Map<number, KeyGroupPointer>();
    if (keyGroups.length === 0) return found;
    const values = await this.#redis.hmget(this.keys.keyGroups(), ...keyGroups.map(String));
    keyGroups.forEach((keyGroup, i) => {
      const json = values[i];
      if (json === null || json === undefined) return;
      const { leaseKey, epoch, state } = JSON.parse(json) as {
        leaseKey: string;
        epoch: number;
        state: unknown;
      };
      found.set(keyGroup, { keyGroup, state, leaseKey, epoch });
    });
    return found;
  }

  async readCommittables(): Promise<Map<string, PublishedCommittables>> {
    const found = new Map<string, PublishedCommittables>();
    const flat = await this.#redis.hgetall(this.keys.committables());
    for (const [worker, json] of Object.entries(flat)) {
      const { incarnation, state } = JSON.parse(json) as { incarnation: number; state: unknown };
      found.set(worker, { worker, incarnation, state });
    }
    return found;
  }

  async claimWorker(request: { worker: string; expectedCounter: number }): Promise<WorkerWrite> {
    const answer = await this.#commands.eddyWorkerClaim(
      this.keys.worker(request.worker),
      this.keys.workers(),
      this.keys.workerCounters(),
      this.keys.revision(),
      request.worker,
      request.expectedCounter,
    );
    return workerWrite(answer);
  }

  async heartbeat(request: {
    worker: string;
    incarnation: number;
    expectedCounter: number;
  }): Promise<WorkerWrite> {
    const answer = await this.#commands.eddyWorkerHeartbeat(
      this.keys.worker(request.worker),
      this.keys.workerCounters(),
      request.worker,
      request.incarnation,
      request.expectedCounter,
    );
    return workerWrite(answer);
  }

  async leaveWorker(request: { worker: string; incarnation: number }): Promise<WorkerWrite> {
    const answer = await this.#commands.eddyWorkerLeave(
      this.keys.worker(request.worker),
      this.keys.workerCounters(),
      this.keys.revision(),
      request.worker,
      request.incarnation,
    );
    return workerWrite(answer);
  }

  async readLeader(): Promise<LeaderLock> {
    return parseLock(await this.#redis.hgetall(this.keys.leader()));
  }

  async acquireLeadership(request: { worker: string; expectedCounter: number }): Promise<LeaderWrite> {
    const answer = await this.#commands.eddyLeaderAcquire(
      this.keys.leader(),
      this.keys.leaderToken(),
      request.worker,
      request.expectedCounter,
    );
    return leaderWrite(answer);
  }

  async renewLeadership(request: {
    worker: string;
    token: number;
    expectedCounter: number;
  }): Promise<LeaderWrite> {
    const answer = await this.#commands.eddyLeaderRenew(
      this.keys.leader(),
      request.worker,
      request.token,
      request.expectedCounter,
    );
    return leaderWrite(answer);
  }

  async resignLeadership(request: { worker: string; token: number }): Promise<LeaderWrite> {
    const answer = await this.#commands.eddyLeaderResign(this.keys.leader(), request.worker, request.token);
    return leaderWrite(answer);
  }

  async requestSavepoint(request: { name: string; stop: boolean }): Promise<SavepointWrite> {
    if (typeof request.name !== "string" || request.name === "") {
      throw new Error(`a savepoint needs a non-empty name; got ${JSON.stringify(request.name)}`);
    }
    const answer = await this.#commands.eddySavepointRequest(
      this.keys.savepointRequest(),
      this.keys.savepointStaged("leases"),
      this.keys.savepointStaged("key-groups"),
      this.keys.savepointStaged("committables"),
      this.keys.revision(),
      request.name,
      request.stop ? "1" : "0",
    );
    return savepointWrite(answer);
  }

  async readSavepointRequest(): Promise<SavepointRequest | undefined> {
    const [request, staged] = await Promise.all([
      this.#redis.hgetall(this.keys.savepointRequest()),
      this.#redis.hkeys(this.keys.savepointStaged("leases")),
    ]);
    return parseSavepointRequest(request, staged);
  }

  async completeSavepoint(decision: SavepointDecision): Promise<SavepointWrite> {
    // The script checks the lease keys passed are exactly the job's; a lease created between the
    // read and the script makes it refuse, and the read is made again.
    for (let attempt = 1; ; attempt++) {
      const [request, leaseKeys] = await Promise.all([
        this.#redis.hget(this.keys.savepointRequest(), "name"),
        this.#redis.smembers(this.keys.leases()),
      ]);
      const name = request ?? "";
      const keys = [
        this.keys.leader(),
        this.keys.savepointRequest(),
        this.keys.savepointStaged("leases"),
        this.keys.savepointStaged("key-groups"),
        this.keys.savepointStaged("committables"),
        this.keys.leases(),
        this.keys.keyGroups(),
        this.keys.committables(),
        this.keys.savepoints(),
        this.keys.revision(),
        this.keys.savepoint(name, "meta"),
        this.keys.savepoint(name, "leases"),
        this.keys.savepoint(name, "key-groups"),
        this.keys.savepoint(name, "committables"),
        ...leaseKeys.map((key) => this.keys.lease(key)),
      ];
      const answer = await this.#commands.eddySavepointComplete(
        keys.length,
        ...keys,
        decision.leader.worker,
        decision.leader.token,
        decision.id,
        name,
        leaseKeys.length,
        ...leaseKeys,
      );
      const write = savepointWrite(answer);
      if (write.ok || write.code !== "counter" || attempt >= 3 || write.request?.id !== decision.id)
        return write;
    }
  }

  async failSavepoint(decision: SavepointDecision): Promise<SavepointWrite> {
    const answer = await this.#commands.eddySavepointFail(
      this.keys.leader(),
      this.keys.savepointRequest(),
      this.keys.savepointStaged("leases"),
      this.keys.revision(),
      decision.leader.worker,
      decision.leader.token,
      decision.id,
      decision.message ?? "failed",
    );
    return savepointWrite(answer);
  }

  async readJobSavepoint(name: string): Promise<JobSavepoint | undefined> {
    const results = await this.#redis
      .multi()
      .hgetall(this.keys.savepoint(name, "meta"))
      .hgetall(this.keys.savepoint(name, "leases"))
      .hgetall(this.keys.savepoint(name, "key-groups"))
      .hgetall(this.keys.savepoint(name, "committables"))
      .exec();
    if (results === null) throw new Error(`reading savepoint "${name}" of ${this.description} was aborted`);
    const [meta, leases, keyGroups, committables] = results.map(([error, value]) => {
      if (error) throw error;
      return value as Record<string, string>;
    }) as [Record<string, string>, Record<string, string>, Record<string, string>, Record<string, string>];
    return parseJobSavepoint(meta, leases, keyGroups, committables);
  }

  async jobSavepointNames(): Promise<string[]> {
    return (await this.#redis.smembers(this.keys.savepoints())).sort();
  }

  async restoreSavepoint(request: { name: string; expectedRevision: number }): Promise<SavepointRestore> {
    const [current, saved] = await Promise.all([
      this.#redis.smembers(this.keys.leases()),
      this.#redis.hkeys(this.keys.savepoint(request.name, "leases")),
    ]);
    const leaseKeys = [...new Set([...current, ...saved])].sort();
    const keys = [
      this.keys.revision(),
      this.keys.restoredFrom(),
      this.keys.leases(),
      this.keys.leaseCounters(),
      this.keys.keyGroups(),
      this.keys.committables(),
      this.keys.savepointRequest(),
      this.keys.savepoint(request.name, "meta"),
      this.keys.savepoint(request.name, "leases"),
      this.keys.savepoint(request.name, "key-groups"),
      this.keys.savepoint(request.name, "committables"),
      ...leaseKeys.map((key) => this.keys.lease(key)),
    ];
    const [code, message, outcome] = (await this.#commands.eddySavepointRestore(
      keys.length,
      ...keys,
      request.name,
      request.expectedRevision,
      leaseKeys.length,
      ...leaseKeys,
    )) as [string, string, string];
    if (code !== "ok") return { ok: false, code: code as LeaseRefusal, message };
    const savepoint = await this.readJobSavepoint(request.name);
    if (!savepoint)
      throw new Error(`savepoint "${request.name}" of ${this.description} vanished while restored`);
    return { ok: true, outcome: outcome as "restored" | "already", savepoint };
  }

  /**
   * Deletes every key of the job's leases (leases, workers, leader lock, key-group pointers): for
   * tests, and for resetting a job that will start from scratch. Never while workers run.
   */
  async clear(): Promise<void> {
    const [leaseKeys, workerIds, savepointNames] = await Promise.all([
      this.#redis.smembers(this.keys.leases()),
      this.#redis.smembers(this.keys.workers()),
      this.#redis.smembers(this.keys.savepoints()),
    ]);
    await this.#redis.del(
      this.keys.leases(),
      this.keys.workers(),
      this.keys.revision(),
      this.keys.leaseCounters(),
      this.keys.workerCounters(),
      this.keys.leader(),
      this.keys.leaderToken(),
      this.keys.keyGroups(),
      this.keys.committables(),
      this.keys.savepointRequest(),
      this.keys.savepointStaged("leases"),
      this.keys.savepointStaged("key-groups"),
      this.keys.savepointStaged("committables"),
      this.keys.savepoints(),
      this.keys.restoredFrom(),
      ...savepointNames.flatMap((name) =>
        (["meta", "leases", "key-groups", "committables"] as const).map((part) =>
          this.keys.savepoint(name, part),
        ),
      ),
      ...leaseKeys.map((key) => this.keys.lease(key)),
      ...workerIds.map((id) => this.keys.worker(id)),
    );
  }

  /** Closes the connection (an open one keeps the process alive); commands in flight fail. */
  async close(): Promise<void> {
    await disconnect(this.#redis);
  }
}

/**
 * Creates a {@link RedisLeaseStore} for one job from a `redis://` URL or ioredis options.
 *
 * @example
 * const store = redisLeases(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { job: "fx-pricing" });
 */
export function redisLeases(
  urlOrOptions: string | RedisOptions,
  options: RedisLeaseStoreOptions,
): RedisLeaseStore {
  return new RedisLeaseStore(urlOrOptions, options);
}

function fieldsOf(flat: string[] | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; flat && i + 1 < flat.length; i += 2) record[flat[i]!] = flat[i + 1]!;
  return record;
}

function optionalNumber(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}

function parseLease(fields: Record<string, string>): Lease | undefined {
  if (fields.leaseKey === undefined) return undefined;
  return {
    leaseKey: fields.leaseKey,
    leaseOwner: fields.leaseOwner,
    leaseCounter: Number(fields.leaseCounter ?? 0),
    checkpoint: fields.checkpoint,
    checkpointSubSequenceNumber: optionalNumber(fields.checkpointSubSequenceNumber),
    parentShardIds: JSON.parse(fields.parentShardIds ?? "[]") as string[],
    ownerSwitchesSinceCheckpoint: Number(fields.ownerSwitchesSinceCheckpoint ?? 0),
    checkpointOwner: fields.checkpointOwner,
    keyGroups: JSON.parse(fields.keyGroups ?? "[]") as number[],
    throughput: optionalNumber(fields.throughput),
  };
}

function parseWorker(fields: Record<string, string>): WorkerRecord | undefined {
  if (fields.workerId === undefined) return undefined;
  return {
    workerId: fields.workerId,
    counter: Number(fields.counter ?? 0),
    incarnation: Number(fields.incarnation ?? 0),
    left: fields.left === "1",
  };
}

function parseLock(fields: Record<string, string>): LeaderLock {
  return {
    leader: fields.leader,
    leaseCounter: Number(fields.leaseCounter ?? 0),
    token: Number(fields.token ?? 0),
  };
}

function leaseWrite(reply: unknown): LeaseWrite {
  const [code, message, flat] = reply as Answer;
  const lease = parseLease(fieldsOf(flat));
  if (code === "ok") return { ok: true, lease: lease! };
  return { ok: false, code: code as LeaseRefusal, message, lease };
}

function workerWrite(reply: unknown): WorkerWrite {
  const [code, message, flat] = reply as Answer;
  const worker = parseWorker(fieldsOf(flat));
  if (code === "ok") return { ok: true, worker: worker! };
  return { ok: false, code: code as LeaseRefusal, message, worker };
}

function leaderWrite(reply: unknown): LeaderWrite {
  const [code, message, flat] = reply as Answer;
  const lock = parseLock(fieldsOf(flat));
  if (code === "ok") return { ok: true, lock };
  return { ok: false, code: code as LeaseRefusal, message, lock };
}
