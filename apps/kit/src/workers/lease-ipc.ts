import type { LeaseStore } from "@eddy/core";

/**
 * The {@link LeaseStore} methods a worker process may call on its supervisor's table: every one
 * but `close` (the table outlives each worker). One message is one call, run by the supervisor's
 * store as one step, so a fenced publish stays as atomic as it is in the store itself.
 */
export const LEASE_STORE_METHODS = [
  "createLease",
  "readLease",
  "snapshot",
  "counters",
  "revision",
  "takeLease",
  "renewLease",
  "checkpointLease",
  "releaseLease",
  "assignLease",
  "startHandoff",
  "publish",
  "readKeyGroups",
  // What each worker's last publish left its two-phase sinks (JSON-lines files, S3) to commit.
  "readCommittables",
  "claimWorker",
  "heartbeat",
  "leaveWorker",
  "readLeader",
  "acquireLeadership",
  "renewLeadership",
  "resignLeadership",
  "requestSavepoint",
  "readSavepointRequest",
  "completeSavepoint",
  "failSavepoint",
  "readJobSavepoint",
  "jobSavepointNames",
  "restoreSavepoint",
] as const satisfies readonly (keyof LeaseStore)[];

/** One of {@link LEASE_STORE_METHODS}. */
export type LeaseStoreMethod = (typeof LEASE_STORE_METHODS)[number];

/**
 * A call from a worker: `id` pairs it with its reply; `table` is the stage whose lease table it
 * goes to — 0 for the job's own (its source's splits), `n` for the table of a repartitioned
 * job's stage `n` (its repartition stream's shards).
 */
export interface LeaseCall {
  readonly type: "eddy:lease-call";
  readonly id: number;
  readonly table: number;
  readonly method: LeaseStoreMethod;
  readonly args: readonly unknown[];
}

/** The supervisor's answer to a {@link LeaseCall}: the method's value, or its error's message. */
export type LeaseReply =
  | { readonly type: "eddy:lease-reply"; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: "eddy:lease-reply"; readonly id: number; readonly ok: false; readonly error: string };

/** Whether an IPC message is a {@link LeaseCall} (a worker also sends other messages). */
export function isLeaseCall(message: unknown): message is LeaseCall {
  const m = message as Partial<LeaseCall> | null;
  return (
    typeof m === "object" &&
    m !== null &&
    m.type === "eddy:lease-call" &&
    typeof m.id === "number" &&
    Number.isSafeInteger(m.table) &&
    (m.table as number) >= 0 &&
    Array.isArray(m.args) &&
    (LEASE_STORE_METHODS as readonly unknown[]).includes(m.method)
  );
}

/** Whether an IPC message is a {@link LeaseReply}. */
export function isLeaseReply(message: unknown): message is LeaseReply {
  const m = message as Partial<LeaseReply> | null;
  return typeof m === "object" && m !== null && m.type === "eddy:lease-reply" && typeof m.id === "number";
}
