import type {
  JobSavepoint,
  SavepointDecision,
  SavepointRequest,
  SavepointRestore,
  SavepointWrite,
} from "./job-savepoint.ts";
import { holderOf, isFinished, type Lease, type NewLease, newLease } from "./lease.ts";
import type {
  AssignLeaseRequest,
  CheckpointLeaseRequest,
  KeyGroupPointer,
  LeaderFence,
  LeaderLock,
  LeaderWrite,
  LeaseCounters,
  LeaseRefusal,
  LeaseStore,
  LeaseTableSnapshot,
  LeaseWrite,
  PublishedCommittables,
  PublishRequest,
  PublishResult,
  ReleaseLeaseRequest,
  RenewLeaseRequest,
  StartHandoffRequest,
  TakeLeaseRequest,
  WorkerRecord,
  WorkerWrite,
} from "./lease-store.ts";

/**
 * A {@link LeaseStore} in this process's memory: for tests, the simulated fleet, and a supervisor
 * that holds the leases of the worker processes it started (`--workers N` without Redis). Every
 * method runs its checks and writes in one synchronous step, so each is atomic like a Lua script.
 * Stored values are frozen and shared with readers; state pointers are copied through JSON, as
 * Redis would store them.
 *
 * @example
 * const store = new MemoryLeaseStore();
 * const coordinator = new LeaseCoordinator({ store, workerId: "worker-a", clock: new VirtualClock(0) });
 */
export class MemoryLeaseStore implements LeaseStore {
  readonly description = "memory";
  readonly #leases = new Map<string, Lease>();
  readonly #workers = new Map<string, WorkerRecord>();
  readonly #keyGroups = new Map<number, KeyGroupPointer>();
  readonly #committables = new Map<string, PublishedCommittables>();
  #leader: LeaderLock = Object.freeze({ leader: undefined, leaseCounter: 0, token: 0 });
  #tokens = 0;
  #revision = 0;
  #request: Staging | undefined;
  readonly #savepoints = new Map<string, JobSavepoint>();
  #restoredFrom: string | undefined;

  async createLease(init: NewLease): Promise<LeaseWrite> {
    const lease = newLease(init);
    const stored = this.#leases.get(lease.leaseKey);
    if (stored) return refused("exists", `lease "${lease.leaseKey}" already exists`, stored);
    return this.#write(lease, true);
  }

  async readLease(leaseKey: string): Promise<Lease | undefined> {
    return this.#leases.get(leaseKey);
  }

  async snapshot(): Promise<LeaseTableSnapshot> {
    return {
      revision: this.#revision,
      leases: sortedValues(this.#leases),
      workers: sortedValues(this.#workers),
      leader: this.#leader,
      ...(this.#request ? { savepoint: requestOf(this.#request) } : {}),
    };
  }

  async counters(): Promise<LeaseCounters> {
    return {
      revision: this.#revision,
      leases: new Map([...this.#leases.values()].map((lease) => [lease.leaseKey, lease.leaseCounter])),
      workers: new Map([...this.#workers.values()].map((record) => [record.workerId, record.counter])),
      leader: this.#leader,
    };
  }

  async revision(): Promise<number> {
    return this.#revision;
  }

  async takeLease(leaseKey: string, request: TakeLeaseRequest): Promise<LeaseWrite> {
    const lease = this.#leases.get(leaseKey);
    if (!lease) return missing(leaseKey);
    const record = this.#workers.get(request.worker);
    if (!record || record.left || record.incarnation !== request.incarnation) {
      const seen = record ? `incarnation ${record.incarnation}${record.left ? " (left)" : ""}` : "no record";
      return refused(
        "worker",
        `worker "${request.worker}" incarnation ${request.incarnation} may not take "${leaseKey}": its record has ${seen}`,
        lease,
      );
    }
    const stale = staleCounter(lease, request.expectedCounter);
    if (stale) return stale;
    if (lease.checkpointOwner !== undefined && lease.checkpointOwner !== request.worker) {
      return refused(
        "holder",
        `lease "${leaseKey}" is being handed from "${lease.checkpointOwner}" to "${lease.leaseOwner}"; it can be taken once released`,
        lease,
      );
    }
    const keepsHandoff = lease.checkpointOwner === request.worker;
    return this.#write(
      {
        ...lease,
        leaseOwner: keepsHandoff ? lease.leaseOwner : request.worker,
        leaseCounter: lease.leaseCounter + 1,
        ownerSwitchesSinceCheckpoint: switches(lease, request.worker),
      },
      true,
    );
  }

  async renewLease(leaseKey: string, request: RenewLeaseRequest): Promise<LeaseWrite> {
    return this.#asHolder(leaseKey, request, (lease) =>
      this.#write(
        {
          ...lease,
          leaseCounter: lease.leaseCounter + 1,
          throughput: request.throughput ?? lease.throughput,
        },
        false,
      ),
    );
  }

  async checkpointLease(leaseKey: string, request: CheckpointLeaseRequest): Promise<LeaseWrite> {
    return this.#asHolder(leaseKey, request, (lease) =>
      this.#write(withCheckpoint(lease, request.checkpoint, request.checkpointSubSequenceNumber), false),
    );
  }

  async releaseLease(leaseKey: string, request: ReleaseLeaseRequest): Promise<LeaseWrite> {
    return this.#asHolder(leaseKey, request, (lease) => {
      const checkpointed =
        request.checkpoint === undefined
          ? lease
          : withCheckpoint(lease, request.checkpoint, request.checkpointSubSequenceNumber);
      const handingOff = lease.checkpointOwner !== undefined;
      return this.#write(
        {
          ...checkpointed,
          // With a handoff pending the lease passes to its target, who takes it next.
          leaseOwner: handingOff ? lease.leaseOwner : undefined,
          checkpointOwner: undefined,
          leaseCounter: lease.leaseCounter + 1,
          ownerSwitchesSinceCheckpoint:
            checkpointed.ownerSwitchesSinceCheckpoint +
            (handingOff && lease.leaseOwner !== request.worker ? 1 : 0),
        },
        true,
      );
    });
  }

  async assignLease(leaseKey: string, request: AssignLeaseRequest): Promise<LeaseWrite> {
    return this.#asLeader(leaseKey, request, (lease) =>
      this.#write(
        {
          ...lease,
          leaseOwner: request.to,
          checkpointOwner: undefined,
          leaseCounter: lease.leaseCounter + 1,
          ownerSwitchesSinceCheckpoint:
            request.to === undefined ? lease.ownerSwitchesSinceCheckpoint : switches(lease, request.to),
        },
        true,
      ),
    );
  }

  async startHandoff(leaseKey: string, request: StartHandoffRequest): Promise<LeaseWrite> {
    return this.#asLeader(leaseKey, request, (lease) => {
      if (lease.checkpointOwner !== undefined) {
        return refused(
          "holder",
          `lease "${leaseKey}" is already being handed from "${lease.checkpointOwner}" to "${lease.leaseOwner}"`,
          lease,
        );
      }
      if (lease.leaseOwner === undefined || lease.leaseOwner === request.to) {
        const why = lease.leaseOwner === undefined ? "nobody holds it" : `"${request.to}" holds it already`;
        return refused("holder", `lease "${leaseKey}" cannot be handed to "${request.to}": ${why}`, lease);
      }
      return this.#write({ ...lease, checkpointOwner: lease.leaseOwner, leaseOwner: request.to }, true);
    });
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    const failures: { code: LeaseRefusal; message: string }[] = [];
    const covered = new Map<string, Lease>();
    for (const published of request.leases) {
      const lease = this.#leases.get(published.leaseKey);
      const refusal = heldRefusal(published.leaseKey, lease, request.worker, published.leaseCounter);
      if (refusal && !refusal.ok) failures.push(refusal);
      else if (lease) covered.set(lease.leaseKey, lease);
    }
    const carriers = new Map<number, Lease>();
    for (const { keyGroup } of request.keyGroups ?? []) {
      const carrier = request.leases
        .map((published) => this.#leases.get(published.leaseKey))
        .find((lease) => lease?.keyGroups.includes(keyGroup));
      if (carrier) carriers.set(keyGroup, carrier);
      else failures.push(uncarried(keyGroup, request));
    }
    if (request.committables !== undefined && request.incarnation === undefined) {
      throw new Error(
        `publish by "${request.worker}": committables are recorded only with the incarnation to fence on`,
      );
    }
    if (request.incarnation !== undefined) {
      const record = this.#workers.get(request.worker);
      if (!record || record.left || record.incarnation !== request.incarnation) {
        const seen = record ? `incarnation ${record.incarnation}${record.left ? ", left" : ""}` : "no record";
        failures.push({
          code: "worker",
          message: `worker "${request.worker}" incarnation ${request.incarnation} is superseded (its record has ${seen})`,
        });
      }
    }
    if (failures.length > 0) {
      return { ok: false, code: failures[0]!.code, message: failures.map((f) => f.message).join("; ") };
    }
    if (request.committables !== undefined) {
      this.#committables.set(
        request.worker,
        Object.freeze({
          worker: request.worker,
          incarnation: request.incarnation!,
          state: JSON.parse(JSON.stringify(request.committables)) as unknown,
        }),
      );
    }
    for (const published of request.leases) {
      const lease = covered.get(published.leaseKey)!;
      if (published.checkpoint === undefined) continue;
      const written = withCheckpoint(lease, published.checkpoint, published.checkpointSubSequenceNumber);
      covered.set(lease.leaseKey, written);
      this.#write(written, false);
    }
    for (const { keyGroup, state } of request.keyGroups ?? []) {
      const carrier = carriers.get(keyGroup)!;
      this.#keyGroups.set(
        keyGroup,
        Object.freeze({
          keyGroup,
          state: JSON.parse(JSON.stringify(state ?? null)) as unknown,
          leaseKey: carrier.leaseKey,
          epoch: carrier.leaseCounter,
        }),
      );
    }
    this.#stage(request, covered);
    return { ok: true };
  }

  /** A publish tagged with the pending request stages what it wrote for it. */
  #stage(request: PublishRequest, written: ReadonlyMap<string, Lease>): void {
    const staging = this.#request;
    if (request.savepoint === undefined || staging?.state !== "pending" || staging.id !== request.savepoint)
      return;
    for (const { leaseKey } of request.leases) {
      const lease = written.get(leaseKey)!;
      staging.leases.set(leaseKey, {
        checkpoint: lease.checkpoint,
        checkpointSubSequenceNumber: lease.checkpointSubSequenceNumber,
      });
    }
    for (const { keyGroup } of request.keyGroups ?? []) {
      const { leaseKey, state } = this.#keyGroups.get(keyGroup)!;
      staging.keyGroups.set(keyGroup, { leaseKey, state });
    }
    const committed = this.#committables.get(request.worker);
    if (request.committables !== undefined && committed) {
      staging.committables.set(request.worker, {
        incarnation: committed.incarnation,
        state: committed.state,
      });
    }
  }

  async requestSavepoint(request: { name: string; stop: boolean }): Promise<SavepointWrite> {
    if (typeof request.name !== "string" || request.name === "") {
      throw new Error(`a savepoint needs a non-empty name; got ${JSON.stringify(request.name)}`);
    }
    const current = this.#request;
    if (current?.state === "pending") {
      return {
        ok: false,
        code: "exists",
        message: `savepoint "${current.name}" (request ${current.id}) is being taken; one savepoint of the job at a time`,
        request: requestOf(current),
      };
    }
    this.#request = {
      id: (current?.id ?? 0) + 1,
      name: request.name,
      stop: request.stop,
      state: "pending",
      leases: new Map(),
      keyGroups: new Map(),
      committables: new Map(),
    };
    this.#revision += 1;
    return { ok: true, request: requestOf(this.#request) };
  }

  async readSavepointRequest(): Promise<SavepointRequest | undefined> {
    return this.#request ? requestOf(this.#request) : undefined;
  }

  async completeSavepoint(decision: SavepointDecision): Promise<SavepointWrite> {
    const refusal = this.#decisionRefusal(decision);
    if (refusal) return refusal;
    const staging = this.#request!;
    const unstaged = [...this.#leases.values()]
      .filter((lease) => !isFinished(lease) && !staging.leases.has(lease.leaseKey))
      .map((lease) => `"${lease.leaseKey}"`);
    if (unstaged.length > 0) {
      return {
        ok: false,
        code: "savepoint",
        message: `savepoint "${staging.name}" (request ${staging.id}) is not complete: no position of ${unstaged.join(", ")} was staged yet`,
        request: requestOf(staging),
      };
    }
    const keyGroups = new Map<number, { leaseKey: string; state: unknown }>();
    for (const [group, { leaseKey, state }] of this.#keyGroups) keyGroups.set(group, { leaseKey, state });
    for (const [group, pointer] of staging.keyGroups) keyGroups.set(group, pointer);
    const committables = new Map<string, { incarnation: number; state: unknown }>();
    for (const [worker, { incarnation, state }] of this.#committables)
      committables.set(worker, { incarnation, state });
    for (const [worker, staged] of staging.committables) committables.set(worker, staged);
    this.#savepoints.set(
      staging.name,
      copied({
        name: staging.name,
        id: staging.id,
        leases: sortedValues(this.#leases).map((lease) => {
          const staged = isFinished(lease) ? undefined : staging.leases.get(lease.leaseKey);
          return {
            leaseKey: lease.leaseKey,
            checkpoint: staged ? staged.checkpoint : lease.checkpoint,
            checkpointSubSequenceNumber: staged
              ? staged.checkpointSubSequenceNumber
              : lease.checkpointSubSequenceNumber,
            parentShardIds: [...lease.parentShardIds],
            keyGroups: [...lease.keyGroups],
          };
        }),
        keyGroups: new Map([...keyGroups].sort(([a], [b]) => a - b)),
        committables: new Map([...committables].sort(([a], [b]) => (a < b ? -1 : 1))),
      }),
    );
    staging.state = "completed";
    this.#revision += 1;
    return { ok: true, request: requestOf(staging) };
  }

  async failSavepoint(decision: SavepointDecision): Promise<SavepointWrite> {
    const refusal = this.#decisionRefusal(decision);
    if (refusal) return refusal;
    const staging = this.#request!;
    staging.state = "failed";
    staging.message = decision.message ?? "failed";
    this.#revision += 1;
    return { ok: true, request: requestOf(staging) };
  }

  async readJobSavepoint(name: string): Promise<JobSavepoint | undefined> {
    const savepoint = this.#savepoints.get(name);
    return savepoint ? copied(savepoint) : undefined;
  }

  async jobSavepointNames(): Promise<string[]> {
    return [...this.#savepoints.keys()].sort();
  }

  async restoreSavepoint(request: { name: string; expectedRevision: number }): Promise<SavepointRestore> {
    const savepoint = this.#savepoints.get(request.name);
    if (!savepoint) {
      return { ok: false, code: "missing", message: `there is no savepoint "${request.name}" of the job` };
    }
    if (this.#restoredFrom === restoreMark(savepoint)) {
      return { ok: true, outcome: "already", savepoint: copied(savepoint) };
    }
    if (this.#revision !== request.expectedRevision) {
      return {
        ok: false,
        code: "counter",
        message: `the lease table has revision ${this.#revision}, not ${request.expectedRevision}: it changed since it was read (is a worker of the job running?)`,
      };
    }
    const kept = new Set(savepoint.leases.map((lease) => lease.leaseKey));
    for (const leaseKey of [...this.#leases.keys()]) if (!kept.has(leaseKey)) this.#leases.delete(leaseKey);
    for (const saved of savepoint.leases) {
      const counter = this.#leases.get(saved.leaseKey)?.leaseCounter ?? 0;
      this.#write(
        {
          ...newLease({
            leaseKey: saved.leaseKey,
            parentShardIds: saved.parentShardIds,
            keyGroups: saved.keyGroups,
          }),
          checkpoint: saved.checkpoint,
          checkpointSubSequenceNumber: saved.checkpointSubSequenceNumber,
          leaseCounter: counter + 1,
        },
        false,
      );
    }
    this.#keyGroups.clear();
    for (const [keyGroup, { leaseKey, state }] of savepoint.keyGroups) {
      const epoch = this.#leases.get(leaseKey)?.leaseCounter ?? 0;
      this.#keyGroups.set(keyGroup, Object.freeze({ keyGroup, leaseKey, epoch, state: copyJson(state) }));
    }
    this.#committables.clear();
    for (const [worker, { incarnation, state }] of savepoint.committables) {
      this.#committables.set(worker, Object.freeze({ worker, incarnation, state: copyJson(state) }));
    }
    if (this.#request?.state === "pending") {
      this.#request.state = "failed";
      this.#request.message = `the job was restored from savepoint "${savepoint.name}"`;
    }
    this.#restoredFrom = restoreMark(savepoint);
    this.#revision += 1;
    return { ok: true, outcome: "restored", savepoint: copied(savepoint) };
  }

  #decisionRefusal(decision: SavepointDecision): SavepointWrite | undefined {
    const lock = this.#leader;
    const staging = this.#request;
    if (lock.leader !== decision.leader.worker || lock.token !== decision.leader.token) {
      return {
        ok: false,
        code: "leader",
        message: `"${decision.leader.worker}" with token ${decision.leader.token} is not the leader (the lock says ${describeLock(lock)}); it cannot decide savepoint request ${decision.id}`,
        request: staging ? requestOf(staging) : undefined,
      };
    }
    if (staging?.state !== "pending" || staging.id !== decision.id) {
      return {
        ok: false,
        code: staging ? "counter" : "missing",
        message: `savepoint request ${decision.id} is not pending (${staging ? `request ${staging.id} is ${staging.state}` : "there is none"})`,
        request: staging ? requestOf(staging) : undefined,
      };
    }
    return undefined;
  }

  async readKeyGroups(keyGroups: readonly number[]): Promise<Map<number, KeyGroupPointer>> {
    const found = new Map<number, KeyGroupPointer>();
    for (const group of keyGroups) {
      const pointer = this.#keyGroups.get(group);
      if (pointer) found.set(group, { ...pointer, state: JSON.parse(JSON.stringify(pointer.state)) });
    }
    return found;
  }

  async readCommittables(): Promise<Map<string, PublishedCommittables>> {
    const found = new Map<string, PublishedCommittables>();
    for (const [worker, recorded] of this.#committables) {
      found.set(worker, { ...recorded, state: JSON.parse(JSON.stringify(recorded.state)) });
    }
    return found;
  }

  async claimWorker(request: { worker: string; expectedCounter: number }): Promise<WorkerWrite> {
    const record = this.#workers.get(request.worker);
    const counter = record?.counter ?? 0;
    if (counter !== request.expectedCounter) {
      return {
        ok: false,
        code: "counter",
        message: `worker "${request.worker}" has counter ${counter}, not ${request.expectedCounter}: another process claimed it`,
        worker: record,
      };
    }
    this.#revision += 1;
    return this.#writeWorker({
      workerId: request.worker,
      counter: counter + 1,
      incarnation: counter + 1,
      left: false,
    });
  }

  async heartbeat(request: {
    worker: string;
    incarnation: number;
    expectedCounter: number;
  }): Promise<WorkerWrite> {
    const record = this.#workers.get(request.worker);
    const refusal = workerRefusal(record, request.worker, request.incarnation);
    if (refusal || !record) return refusal ?? missingWorker(request.worker);
    if (record.counter !== request.expectedCounter) {
      return {
        ok: false,
        code: "counter",
        message: `worker "${request.worker}" has counter ${record.counter}, not ${request.expectedCounter}`,
        worker: record,
      };
    }
    return this.#writeWorker({ ...record, counter: record.counter + 1 });
  }

  async leaveWorker(request: { worker: string; incarnation: number }): Promise<WorkerWrite> {
    const record = this.#workers.get(request.worker);
    const refusal = workerRefusal(record, request.worker, request.incarnation);
    if (refusal || !record) return refusal ?? missingWorker(request.worker);
    this.#revision += 1;
    return this.#writeWorker({ ...record, counter: record.counter + 1, left: true });
  }

  async readLeader(): Promise<LeaderLock> {
    return this.#leader;
  }

  async acquireLeadership(request: { worker: string; expectedCounter: number }): Promise<LeaderWrite> {
    const lock = this.#leader;
    const stale = staleLock(lock, request.expectedCounter);
    if (stale) return stale;
    this.#tokens += 1;
    return this.#writeLeader({
      leader: request.worker,
      leaseCounter: lock.leaseCounter + 1,
      token: this.#tokens,
    });
  }

  async renewLeadership(request: {
    worker: string;
    token: number;
    expectedCounter: number;
  }): Promise<LeaderWrite> {
    const lock = this.#leader;
    const refusal = lockRefusal(lock, request) ?? staleLock(lock, request.expectedCounter);
    if (refusal) return refusal;
    return this.#writeLeader({ ...lock, leaseCounter: lock.leaseCounter + 1 });
  }

  async resignLeadership(request: { worker: string; token: number }): Promise<LeaderWrite> {
    const lock = this.#leader;
    const refusal = lockRefusal(lock, request);
    if (refusal) return refusal;
    return this.#writeLeader({ leader: undefined, leaseCounter: lock.leaseCounter + 1, token: lock.token });
  }

  async close(): Promise<void> {}

  #write(lease: Lease, movesRevision: boolean): LeaseWrite {
    const frozen = freezeLease(lease);
    this.#leases.set(frozen.leaseKey, frozen);
    if (movesRevision) this.#revision += 1;
    return { ok: true, lease: frozen };
  }

  #writeWorker(record: WorkerRecord): WorkerWrite {
    const frozen = Object.freeze({ ...record });
    this.#workers.set(record.workerId, frozen);
    return { ok: true, worker: frozen };
  }

  #writeLeader(lock: LeaderLock): LeaderWrite {
    this.#leader = Object.freeze({ ...lock });
    return { ok: true, lock: this.#leader };
  }

  /** `write(lease)` if `request.worker` holds the lease with the expected counter, else why not. */
  #asHolder(
    leaseKey: string,
    request: { worker: string; expectedCounter: number },
    write: (lease: Lease) => LeaseWrite,
  ): LeaseWrite {
    const lease = this.#leases.get(leaseKey);
    const refusal = heldRefusal(leaseKey, lease, request.worker, request.expectedCounter);
    return refusal ?? write(lease!);
  }

  /** `write(lease)` if the leader fence and the expected counter hold, else why not. */
  #asLeader(
    leaseKey: string,
    request: { leader: LeaderFence; expectedCounter: number },
    write: (lease: Lease) => LeaseWrite,
  ): LeaseWrite {
    const lease = this.#leases.get(leaseKey);
    if (!lease) return missing(leaseKey);
    return (
      this.#leaderRefusal(request.leader, lease) ??
      staleCounter(lease, request.expectedCounter) ??
      write(lease)
    );
  }

  #leaderRefusal(fence: LeaderFence, lease: Lease): LeaseWrite | undefined {
    const lock = this.#leader;
    if (lock.leader === fence.worker && lock.token === fence.token) return undefined;
    return refused(
      "leader",
      `"${fence.worker}" with token ${fence.token} is not the leader (the lock says ${describeLock(lock)}); its write to "${lease.leaseKey}" is refused`,
      lease,
    );
  }
}

/** The pending (or last) request with what it has staged so far. */
interface Staging {
  readonly id: number;
  readonly name: string;
  readonly stop: boolean;
  state: SavepointRequest["state"];
  message?: string;
  readonly leases: Map<string, { checkpoint?: string; checkpointSubSequenceNumber?: number }>;
  readonly keyGroups: Map<number, { leaseKey: string; state: unknown }>;
  readonly committables: Map<string, { incarnation: number; state: unknown }>;
}

function requestOf(staging: Staging): SavepointRequest {
  return Object.freeze({
    id: staging.id,
    name: staging.name,
    stop: staging.stop,
    state: staging.state,
    ...(staging.message === undefined ? {} : { message: staging.message }),
    staged: Object.freeze([...staging.leases.keys()].sort()),
  });
}

/** Which savepoint (name and request) a table was restored from. */
function restoreMark(savepoint: JobSavepoint): string {
  return `${savepoint.id}:${savepoint.name}`;
}

function copyJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null)) as unknown;
}

/** A deep copy of `savepoint` (its JSON values as Redis would give them back). */
function copied(savepoint: JobSavepoint): JobSavepoint {
  return {
    name: savepoint.name,
    id: savepoint.id,
    leases: savepoint.leases.map((lease) => ({
      ...lease,
      parentShardIds: [...lease.parentShardIds],
      keyGroups: [...lease.keyGroups],
    })),
    keyGroups: new Map(
      [...savepoint.keyGroups].map(([group, { leaseKey, state }]) => [
        group,
        { leaseKey, state: copyJson(state) },
      ]),
    ),
    committables: new Map(
      [...savepoint.committables].map(([worker, { incarnation, state }]) => [
        worker,
        { incarnation, state: copyJson(state) },
      ]),
    ),
  };
}

function refused(code: LeaseRefusal, message: string, lease: Lease | undefined): LeaseWrite {
  return { ok: false, code, message, lease };
}

function missing(leaseKey: string): LeaseWrite {
  return refused("missing", `there is no lease "${leaseKey}"`, undefined);
}

function staleCounter(lease: Lease, expected: number): LeaseWrite | undefined {
  if (lease.leaseCounter === expected) return undefined;
  return refused(
    "counter",
    `lease "${lease.leaseKey}" has counter ${lease.leaseCounter}, not ${expected}: it was written since`,
    lease,
  );
}

/** Why `worker` may not write `lease` as its holder with `expected`, if it may not. */
function heldRefusal(
  leaseKey: string,
  lease: Lease | undefined,
  worker: string,
  expected: number,
): LeaseWrite | undefined {
  if (!lease) return missing(leaseKey);
  const holder = holderOf(lease);
  if (holder !== worker) {
    return refused(
      "holder",
      `lease "${leaseKey}" is held by ${holder === undefined ? "nobody" : `"${holder}"`}, not "${worker}"`,
      lease,
    );
  }
  return staleCounter(lease, expected);
}

function uncarried(keyGroup: number, request: PublishRequest): { code: LeaseRefusal; message: string } {
  const keys = request.leases.map((l) => `"${l.leaseKey}"`).join(", ");
  return {
    code: "key-group",
    message: `key group ${keyGroup} is carried by none of the published leases (${keys || "none"})`,
  };
}

function switches(lease: Lease, newHolder: string): number {
  const holder = holderOf(lease);
  return lease.ownerSwitchesSinceCheckpoint + (holder !== undefined && holder !== newHolder ? 1 : 0);
}

function withCheckpoint(lease: Lease, checkpoint: string, subSequence: number | undefined): Lease {
  return {
    ...lease,
    checkpoint,
    checkpointSubSequenceNumber: subSequence,
    ownerSwitchesSinceCheckpoint: 0,
  };
}

function freezeLease(lease: Lease): Lease {
  return Object.freeze({
    ...lease,
    parentShardIds: Object.freeze([...lease.parentShardIds]),
    keyGroups: Object.freeze([...lease.keyGroups]),
  });
}

function sortedValues<T>(map: ReadonlyMap<string, T>): T[] {
  return [...map.keys()].sort().map((key) => map.get(key)!);
}

function missingWorker(worker: string): WorkerWrite {
  return { ok: false, code: "missing", message: `there is no worker record "${worker}"`, worker: undefined };
}

function workerRefusal(
  record: WorkerRecord | undefined,
  worker: string,
  incarnation: number,
): WorkerWrite | undefined {
  if (!record) return missingWorker(worker);
  if (record.incarnation === incarnation && !record.left) return undefined;
  return {
    ok: false,
    code: "worker",
    message: `worker "${worker}" incarnation ${incarnation} is superseded: its record has incarnation ${record.incarnation}${record.left ? " and has left" : ""}`,
    worker: record,
  };
}

function lockRefusal(lock: LeaderLock, request: { worker: string; token: number }): LeaderWrite | undefined {
  if (lock.leader === request.worker && lock.token === request.token) return undefined;
  return {
    ok: false,
    code: "leader",
    message: `"${request.worker}" with token ${request.token} does not hold the leader lock (${describeLock(lock)})`,
    lock,
  };
}

function staleLock(lock: LeaderLock, expected: number): LeaderWrite | undefined {
  if (lock.leaseCounter === expected) return undefined;
  return {
    ok: false,
    code: "counter",
    message: `the leader lock has counter ${lock.leaseCounter}, not ${expected}`,
    lock,
  };
}

function describeLock(lock: LeaderLock): string {
  return lock.leader === undefined ? "free" : `"${lock.leader}" with token ${lock.token}`;
}
