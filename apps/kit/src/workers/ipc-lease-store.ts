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

/**
 * The lease table of a `--workers N` supervisor, seen from one of its worker processes: each
 * {@link LeaseStore} call is sent over the IPC channel (Node's `advanced` serialization, which
 * keeps the `Map`s of `counters` and `readKeyGroups`) and run there by the supervisor's store, so
 * every write stays conditional and the fenced publish atomic. Once the supervisor is gone, every
 * call fails: the worker can no longer renew, loses its leases and its publishes are refused.
 *
 * @example
 * // In a worker process forked with { serialization: "advanced" } by a supervisor that serves leases.
 * const leases = ipcLeaseStore();
 * const job = pipeline("counts", { checkpoints: { every: seconds(5), store }, cluster: { leases, workerId: "host-0" } });
 * declare const store: CheckpointStore;
 */
export function ipcLeaseStore(channel: ParentChannel = process): LeaseStore {
  if (!channel.send || channel.connected === false) {
    throw new Error(
      "the supervisor's lease table is reachable only from a worker process it started (--workers)",
    );
  }
  const send = channel.send.bind(channel);
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
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
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      send({ type: "eddy:lease-call", id, method, args }, (error) => {
        if (!error) return;
        pending.delete(id);
        reject(new Error(`the supervisor's lease table could not be reached: ${error.message}`));
      });
    });
  };
  const store: Record<string, unknown> = {
    description: "the supervisor's lease table (--workers)",
    close: async () => {
      channel.off("message", onMessage);
      channel.off("disconnect", onDisconnect);
    },
  };
  for (const method of LEASE_STORE_METHODS) store[method] = (...args: unknown[]) => call(method, args);
  return store as unknown as LeaseStore;
}
