/**
 * The checkpoint of a split that has been read to its end (a closed Kinesis shard after a split or
 * merge): KCL's `SHARD_END`. A lease with this checkpoint is finished — never assigned again — and
 * its children may start.
 *
 * @example
 * await coordinator.release("shardId-000000000001", { checkpoint: SHARD_END });
 * declare const coordinator: LeaseCoordinator;
 */
export const SHARD_END = "SHARD_END";

/**
 * One lease per split of a job's input (a Kinesis shard, a generator partition, an S3 prefix), as
 * stored in a {@link LeaseStore}. The attribute names are KCL's, so a person who knows a KCL lease
 * table reads an Eddy one the same way.
 *
 * Who holds a lease: its `checkpointOwner` while a graceful handoff is pending (the old owner, which
 * must checkpoint and release first), otherwise its `leaseOwner` — see {@link holderOf}. A worker
 * that holds a lease is its **valid holder** only while the stored `leaseCounter` still equals the
 * counter its own last write produced: every take, renewal, assignment and release moves the
 * counter, so a worker that lost a lease without noticing (a "zombie") fails every write
 * conditional on it, the fenced publish among them.
 *
 * @example
 * const lease: Lease = {
 *   leaseKey: "shardId-000000000002",
 *   leaseOwner: "worker-a",
 *   leaseCounter: 41,
 *   checkpoint: "49590338271490256608559692538361571095921575989136588898",
 *   checkpointSubSequenceNumber: 0,
 *   parentShardIds: ["shardId-000000000000"],
 *   ownerSwitchesSinceCheckpoint: 0,
 *   checkpointOwner: undefined,
 *   keyGroups: [4, 5, 6, 7],
 *   throughput: 850,
 * };
 */
export interface Lease {
  /** The split's id: a Kinesis shard id, `partition-3`, an S3 prefix. Unique within a job. */
  readonly leaseKey: string;
  /**
   * The worker the lease belongs to, or `undefined` when nobody owns it. During a graceful handoff
   * this is already the new owner, which takes the lease once `checkpointOwner` released it.
   */
  readonly leaseOwner: string | undefined;
  /** Moved by every take, renewal, assignment and release: the fencing token of the lease. */
  readonly leaseCounter: number;
  /** The split's position after the last record a published checkpoint covers; {@link SHARD_END} once it is read to its end. */
  readonly checkpoint: string | undefined;
  /** KCL's sub-sequence number (records inside an aggregated Kinesis record) of the checkpoint. */
  readonly checkpointSubSequenceNumber: number | undefined;
  /** Leases that must be finished ({@link SHARD_END}) before this one starts: a child shard's parents. */
  readonly parentShardIds: readonly string[];
  /** Times the lease changed holder since its last checkpoint (a lease that keeps moving is a problem). */
  readonly ownerSwitchesSinceCheckpoint: number;
  /** While a graceful handoff is pending: the old owner, which still holds the lease until it releases it. */
  readonly checkpointOwner: string | undefined;
  /** Eddy: the key groups whose state travels with this split (whoever holds the lease owns them). */
  readonly keyGroups: readonly number[];
  /** Eddy: records per second the holder last reported, used to balance load; `undefined` until known. */
  readonly throughput: number | undefined;
}

/**
 * What a new lease starts with ({@link LeaseStore.createLease}): no owner, counter 0, no owner
 * switches; the rest as given.
 *
 * @example
 * const child: NewLease = {
 *   leaseKey: "shardId-000000000003",
 *   parentShardIds: ["shardId-000000000001"],
 *   keyGroups: [0, 1],
 * };
 * await store.createLease(child);
 * declare const store: LeaseStore;
 */
export interface NewLease {
  /** The split's id; must not be empty. */
  readonly leaseKey: string;
  /** The position to start from (default: none, the source's initial position). */
  readonly checkpoint?: string;
  /** The sub-sequence number of `checkpoint`. */
  readonly checkpointSubSequenceNumber?: number;
  /** Parent splits that must finish first (default none). */
  readonly parentShardIds?: readonly string[];
  /** The key groups the split carries (default none): non-negative integers. */
  readonly keyGroups?: readonly number[];
}

/**
 * The worker that holds `lease` now: the `checkpointOwner` while a handoff is pending (it must
 * checkpoint and release first), else the `leaseOwner`; `undefined` when nobody does.
 *
 * @example
 * holderOf({ ...lease, leaseOwner: "worker-b", checkpointOwner: "worker-a" }); // "worker-a"
 * declare const lease: Lease;
 */
export function holderOf(lease: Pick<Lease, "leaseOwner" | "checkpointOwner">): string | undefined {
  return lease.checkpointOwner ?? lease.leaseOwner;
}

/**
 * Whether `lease`'s split has been read to its end ({@link SHARD_END}): it is never assigned again.
 *
 * @example
 * const open = leases.filter((lease) => !isFinished(lease));
 * declare const leases: Lease[];
 */
export function isFinished(lease: { readonly checkpoint?: string | undefined }): boolean {
  return lease.checkpoint === SHARD_END;
}

/**
 * A lease as it starts: the fields of `init`, no owner, counter 0. Validates `init` and throws an
 * error naming the lease and the field that is wrong.
 *
 * @example
 * const lease = newLease({ leaseKey: "partition-0", keyGroups: [0, 4, 8] });
 * lease.leaseCounter; // 0
 */
export function newLease(init: NewLease): Lease {
  if (typeof init.leaseKey !== "string" || init.leaseKey === "") {
    throw new Error(`a lease needs a non-empty leaseKey; got ${JSON.stringify(init.leaseKey)}`);
  }
  const keyGroups = init.keyGroups ?? [];
  for (const group of keyGroups) {
    if (!Number.isInteger(group) || group < 0) {
      throw new Error(
        `lease "${init.leaseKey}": keyGroups must be non-negative integers; got ${JSON.stringify(group)}`,
      );
    }
  }
  const parents = init.parentShardIds ?? [];
  if (parents.includes(init.leaseKey)) {
    throw new Error(`lease "${init.leaseKey}" names itself among its parentShardIds`);
  }
  return {
    leaseKey: init.leaseKey,
    leaseOwner: undefined,
    leaseCounter: 0,
    checkpoint: init.checkpoint,
    checkpointSubSequenceNumber: init.checkpointSubSequenceNumber,
    parentShardIds: [...parents],
    ownerSwitchesSinceCheckpoint: 0,
    checkpointOwner: undefined,
    keyGroups: [...new Set(keyGroups)].sort((a, b) => a - b),
    throughput: undefined,
  };
}
