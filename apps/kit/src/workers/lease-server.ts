import { isLeaseCall, type LeaseReply } from "./lease-ipc.ts";
import type { LeaseTables } from "./lease-tables.ts";

/** The end of an IPC channel the supervisor has for one worker process (a `ChildProcess`). */
export interface LeaseChannel {
  on(event: "message", listener: (message: unknown) => void): unknown;
  off(event: "message", listener: (message: unknown) => void): unknown;
  send(message: LeaseReply, callback: (error: Error | null) => void): boolean;
  readonly connected: boolean;
}

/**
 * Answers one worker's lease calls from `tables` (the supervisor's table of each stage; a call
 * names its stage) until the returned function is called. Calls run in the order they arrive,
 * each as one call of its table — a `MemoryLeaseStore` runs each to its end before the next, so
 * every conditional write and the fenced publish keep their atomicity across processes. A reply to a worker that has gone is
 * dropped: the worker's process is dead, and the write it asked for is fenced like any other.
 *
 * @example
 * const child = fork("src/main.ts", [], { serialization: "advanced" });
 * const stopServing = serveLeases(supervisorLeaseTables(new MemoryLeaseStore()), child);
 * child.once("exit", stopServing);
 */
export function serveLeases(tables: LeaseTables, channel: LeaseChannel): () => void {
  const onMessage = (message: unknown) => {
    if (!isLeaseCall(message)) return;
    const { id, table, method, args } = message;
    const store = tables.table(table);
    const call = store[method] as ((...a: unknown[]) => Promise<unknown>) | undefined;
    if (typeof call !== "function") {
      reply({ type: "eddy:lease-reply", id, ok: false, error: `${store.description} has no ${method}` });
      return;
    }
    call.apply(store, [...args]).then(
      (value) => reply({ type: "eddy:lease-reply", id, ok: true, value }),
      (error: unknown) =>
        reply({ type: "eddy:lease-reply", id, ok: false, error: (error as Error)?.message ?? String(error) }),
    );
  };
  const reply = (answer: LeaseReply) => {
    if (channel.connected) channel.send(answer, () => {});
  };
  channel.on("message", onMessage);
  return () => channel.off("message", onMessage);
}
