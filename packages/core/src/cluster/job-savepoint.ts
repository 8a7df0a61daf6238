import type { LeaderFence, LeaseRefusal } from "./lease-store.ts";

/**
 * A request for a savepoint of the whole job, as the lease table records it (one at a time).
 * Any worker (or a tool) writes it with `requestSavepoint`; every worker that sees it pending
 * savepoints its pipeline and publishes that savepoint tagged with the request's `id`, which
 * stages each covered lease's position (and its key groups' pointers) for the request; the
 * leader completes it once every unfinished lease is staged, or fails it after a timeout.
 *
 * @example
 * const request = await store.readSavepointRequest?.();
 * if (request?.state === "pending") console.log(`savepoint "${request.name}": ${request.staged.length} leases staged`);
 * declare const store: LeaseStore;
 */
export interface SavepointRequest {
  /** Increases with every request of the job: publishes carry it to be staged. */
  readonly id: number;
  /** The savepoint's name: a completed request replaces the savepoint of that name. */
  readonly name: string;
  /** Whether the workers stop once the savepoint is complete (Flink's stop-with-savepoint). */
  readonly stop: boolean;
  /** `pending` until the leader completes or fails it. */
  readonly state: "pending" | "completed" | "failed";
  /** Why it failed (`failed` only). */
  readonly message?: string;
  /** The leases whose position a publish tagged with this request has staged, sorted. */
  readonly staged: readonly string[];
}

/**
 * One lease as a savepoint of the whole job recorded it: the split, its position at the
 * savepoint (`SHARD_END` for a finished one), its parents and key groups.
 *
 * @example
 * const lease: SavepointLease = { leaseKey: "partition-0", checkpoint: '{"offset":120}', parentShardIds: [], keyGroups: [0, 4] };
 */
export interface SavepointLease {
  /** The split. */
  readonly leaseKey: string;
  /** Its position in the savepoint (`SHARD_END` once read to its end); none if never published. */
  readonly checkpoint?: string | undefined;
  /** The sub-sequence number within a KPL aggregate at that position. */
  readonly checkpointSubSequenceNumber?: number | undefined;
  /** Splits that must be finished before it is read. */
  readonly parentShardIds: readonly string[];
  /** The key groups whose state travels with it. */
  readonly keyGroups: readonly number[];
}

/**
 * A completed savepoint of the whole job: per lease its position, per key group its state
 * pointer (the JSON a publish wrote), per worker what its sinks had to commit — one consistent
 * set to restore the job from on any number of workers (`restoreSavepoint`).
 *
 * @example
 * const savepoint = await store.readJobSavepoint?.("before-upgrade");
 * console.log(savepoint ? `${savepoint.leases.length} splits, request ${savepoint.id}` : "no such savepoint");
 * declare const store: LeaseStore;
 */
export interface JobSavepoint {
  /** The name it was requested under. */
  readonly name: string;
  /** The request that took it. */
  readonly id: number;
  /** Every lease of the job, sorted by key. */
  readonly leases: readonly SavepointLease[];
  /** Every key group's pointer, by key group: the staged one, else the one published last. */
  readonly keyGroups: ReadonlyMap<
    number,
    {
      /** The lease that carried the key group when its pointer was staged. */
      readonly leaseKey: string;
      /** The pointer to the key group's state (as the fenced publish wrote it). */
      readonly state: unknown;
    }
  >;
  /** What each worker's sinks had to commit, by worker id (as `readCommittables` answers). */
  readonly committables: ReadonlyMap<
    string,
    {
      /** The worker process that published them. */
      readonly incarnation: number;
      /** The sinks' pre-commit state. */
      readonly state: unknown;
    }
  >;
}

/**
 * The answer to a savepoint write: the request as written, or why it was refused (with the
 * request as stored, when there is one).
 *
 * @example
 * const asked = await store.requestSavepoint?.({ name: "nightly", stop: false });
 * if (asked && !asked.ok) console.warn(asked.message);
 * declare const store: LeaseStore;
 */
export type SavepointWrite =
  | {
      /** The write was made. */
      readonly ok: true;
      /** The request as written. */
      readonly request: SavepointRequest;
    }
  | {
      /** The write was refused. */
      readonly ok: false;
      /** `exists`: another request is pending; `missing`/`counter`: not the pending request; `leader`; `savepoint`: leases not staged yet. */
      readonly code: LeaseRefusal;
      /** Why, as a sentence. */
      readonly message: string;
      /** The request as stored, when there is one. */
      readonly request: SavepointRequest | undefined;
    };

/**
 * The leader's completion or failure of a request ({@link SavepointStore.completeSavepoint}).
 *
 * @example
 * const request: SavepointDecision = { leader: { worker: "worker-a", token: 4 }, id: 7 };
 */
export interface SavepointDecision {
  /** The leader deciding, fenced by its token. */
  readonly leader: LeaderFence;
  /** The request decided on: refused unless it is the pending one. */
  readonly id: number;
  /** Why it failed (`failSavepoint` only). */
  readonly message?: string;
}

/**
 * The answer to {@link SavepointStore.restoreSavepoint}: `restored` when the table was reset from
 * the savepoint now, `already` when an earlier start restored it (a restarted worker goes on from
 * the published state, it does not reset the table again).
 *
 * @example
 * const done = await store.restoreSavepoint?.({ name: "nightly", expectedRevision: 12 });
 * declare const store: LeaseStore;
 */
export type SavepointRestore =
  | {
      /** The table holds the savepoint's state. */
      readonly ok: true;
      /** Reset now, or by an earlier start. */
      readonly outcome: "restored" | "already";
      /** The savepoint restored. */
      readonly savepoint: JobSavepoint;
    }
  | {
      /** Nothing was changed. */
      readonly ok: false;
      /** Why: `counter` when the revision moved, `missing` when no savepoint has that name. */
      readonly code: LeaseRefusal;
      /** The reason, in one line. */
      readonly message: string;
    };

/**
 * The lease store's savepoint operations, each optional (a {@link LeaseStore} is one; a job on a
 * store without them cannot take or restore savepoints of the whole job). Each is one atomic step.
 *
 * @example
 * const supports = (store: LeaseStore): boolean => store.requestSavepoint !== undefined;
 */
export interface SavepointStore {
  /**
   * Writes a new pending request (its id greater than every earlier one), clearing what the last
   * one staged; refused (`exists`) while another is pending. Moves the revision.
   */
  requestSavepoint?(request: { readonly name: string; readonly stop: boolean }): Promise<SavepointWrite>;
  /** The newest request, in whatever state, with what it has staged. */
  readSavepointRequest?(): Promise<SavepointRequest | undefined>;
  /**
   * The leader completes the pending request `id`: refused unless the leader fence holds and every
   * lease not finished is staged (`savepoint`). Writes the {@link JobSavepoint} under the request's
   * name (replacing one of that name) and marks the request `completed`. Moves the revision.
   */
  completeSavepoint?(decision: SavepointDecision): Promise<SavepointWrite>;
  /** The leader fails the pending request `id` with `message` (a timeout). Moves the revision. */
  failSavepoint?(decision: SavepointDecision): Promise<SavepointWrite>;
  /** The savepoint of that name, if one was completed. */
  readJobSavepoint?(name: string): Promise<JobSavepoint | undefined>;
  /** Every completed savepoint's name, sorted. */
  jobSavepointNames?(): Promise<string[]>;
  /**
   * Resets the lease table from the savepoint `name`, if its revision is still `expectedRevision`
   * (`counter` otherwise): every lease becomes the savepoint's (no owner, its position, counter
   * moved on — never back), leases not in it are deleted, the key-group pointers and committables
   * become the savepoint's, a pending request fails. Once per savepoint: a table restored from it
   * answers `already` and is left alone. Moves the revision. Worker records and the leader lock
   * stay (their counters never go back).
   */
  restoreSavepoint?(request: {
    readonly name: string;
    readonly expectedRevision: number;
  }): Promise<SavepointRestore>;
}
