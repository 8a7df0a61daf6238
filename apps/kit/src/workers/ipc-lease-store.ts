import type { LeaseStore } from "@eddy/core";
import { isLeaseReply, LEASE_STORE_METHODS, type LeaseCall, type LeaseStoreMethod } from "./lease-ipc.ts";

/** This process's end of the IPC channel to its parent (`process` in a forked worker). */
export interface ParentChannel {
  send?(message: LeaseCall, callback: (error: Error | null) => void): boolean;
  on(event: "message", listener: (message: unknown) => void): unknown;
  on(event: "disconnect", listener: () => void): unknown;
  off(event: "message", listener: (message: unknown) => void): unknown;
  off(event: "disconnect", listener: () => void): unknown;
  readonly connected?: boolean;
}

/** Options of {@link ipcLeaseStore}. */
export interface IpcLeaseStoreOptions {
  /**
   * Which of the supervisor's tables: 0 (the default), the job's own; `n`, the table of stage `n`
   * of a repartitioned job (`cluster.repartition.stageLeases(n)`).
   */
  readonly stage?: number;
}

/**
 * Ids of calls, one sequence for the process: several stores (a table per stage) share one
 * channel, and each reply reaches every store's listener, which takes only its own ids.
 */
let nextCallId = 1;

/**
 * A lease table of a `--workers N` supervisor, seen from one of its worker processes: each
 * {@link LeaseStore} call is sent over the IPC channel (Node's `advanced` serialization, which
 * keeps the `Map`s of `counters` and `readKeyGroups`) and run there by the supervisor's store, so
 * every write stays conditional and the fenced publish atomic. Once the supervisor is gone, every
 * call fails: the worker can no longer renew, loses its leases and its publishes are refused.
 *
 * @example
 * // In a worker process forked with { serialization: "advanced" } by a supervisor that serves leases.
 * const leases = ipcLeaseStore();
 * const job = pipeline("counts", { checkpoints: { every: seconds(5), store }, cluster: { leases, workerId: "host-0" } });
 * // Stage 1's table, for a job that repartitions:
 * const stage1 = ipcLeaseStore(process, { stage: 1 });
 * declare const store: CheckpointStore;
 */
export function ipcLeaseStore(
  channel: ParentChannel = process,
  options: IpcLeaseStoreOptions = {},
): LeaseStore {
  const stage = options.stage ?? 0;
  if (!Number.isSafeInteger(stage) || stage < 0) {
    throw new RangeError(`a lease table's stage must be an integer of 0 or more, not ${stage}`);
  }
  if (!channel.send || channel.connected === false) {
    throw new Error(
      "the supervisor's lease table is reachable only from a worker process it started (--workers)",
    );
  }
  const send = channel.send.bind(channel);
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let gone: Error | undefined;
  const onMessage = (message: unknown) => {
    if (!isLeaseReply(message)) return;
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    if (message.ok) waiting.resolve(message.value);
    else waiting.reject(new Error(`the supervisor's lease table: ${message.error}`));
  };
  const onDisconnect = () => {
    gone = new Error("the supervisor's lease table is gone (the supervisor exited)");
    for (const waiting of pending.values()) waiting.reject(gone);
    pending.clear();
  };
  channel.on("message", onMessage);
  channel.on("disconnect", onDisconnect);
  const call = (method: LeaseStoreMethod, args: readonly unknown[]): Promise<unknown> => {
    if (gone) return Promise.reject(gone);
    const id = nextCallId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      send({ type: "eddy:lease-call", id, table: stage, method, args }, (error) => {
        if (!error) return;
        pending.delete(id);
        reject(new Error(`the supervisor's lease table could not be reached: ${error.message}`));
      });
    });
  };
  const store: Record<string, unknown> = {
    description:
      stage === 0
        ? "the supervisor's lease table (--workers)"
        : `the supervisor's lease table of stage ${stage} (--workers)`,
    close: async () => {
      channel.off("message", onMessage);
      channel.off("disconnect", onDisconnect);
    },
  };
  for (const method of LEASE_STORE_METHODS) store[method] = (...args: unknown[]) => call(method, args);
  return store as unknown as LeaseStore;
}
