import { EventEmitter } from "node:events";
import { deserialize, serialize } from "node:v8";
import { MemoryLeaseStore } from "@eddy/core";
import { leaseStoreContract } from "@eddy/core/testing";
import { describe, expect, test } from "vitest";
import { ipcLeaseStore } from "./ipc-lease-store.ts";
import { serveLeases } from "./lease-server.ts";

/**
 * Two ends of an IPC channel in one process: each message goes through V8's serializer (what
 * Node's `advanced` IPC serialization uses) and arrives on a later turn of the event loop, as
 * between a supervisor and a forked worker.
 */
function channelPair() {
  const parentSide = new EventEmitter();
  const childSide = new EventEmitter();
  let connected = true;
  const deliver = (to: EventEmitter, message: unknown, callback: (error: Error | null) => void) => {
    const bytes = serialize(message);
    setImmediate(() => {
      if (!connected) return callback(new Error("channel closed"));
      to.emit("message", deserialize(bytes));
      callback(null);
    });
    return true;
  };
  const supervisorEnd = Object.assign(parentSide, {
    send: (message: unknown, callback: (error: Error | null) => void) =>
      deliver(childSide, message, callback),
    get connected() {
      return connected;
    },
  });
  const workerEnd = Object.assign(childSide, {
    send: (message: unknown, callback: (error: Error | null) => void) =>
      deliver(parentSide, message, callback),
    get connected() {
      return connected;
    },
  });
  const disconnect = () => {
    connected = false;
    childSide.emit("disconnect");
  };
  return { supervisorEnd, workerEnd, disconnect };
}

function servedStore() {
  const { supervisorEnd, workerEnd, disconnect } = channelPair();
  serveLeases(new MemoryLeaseStore(), supervisorEnd);
  return { store: ipcLeaseStore(workerEnd), disconnect };
}

describe("a supervisor's lease table served over IPC keeps the LeaseStore contract", () => {
  for (const c of leaseStoreContract({ open: () => servedStore().store })) test(c.name, c.run);
});

describe("ipcLeaseStore", () => {
  test("keeps the Maps of counters and key-group pointers", async () => {
    const { store } = servedStore();
    await store.createLease({ leaseKey: "partition-0", keyGroups: [0] });
    const counters = await store.counters();
    expect(counters.leases).toBeInstanceOf(Map);
    expect(counters.leases.get("partition-0")).toBe(0);
  });

  test("fails every call once the supervisor is gone", async () => {
    const { store, disconnect } = servedStore();
    await store.createLease({ leaseKey: "partition-0" });
    disconnect();
    await expect(store.readLease("partition-0")).rejects.toThrow(/the supervisor exited/);
  });

  test("refuses to start without a channel to a supervisor", () => {
    expect(() => ipcLeaseStore({ on: () => undefined, off: () => undefined })).toThrow(/--workers/);
  });
});
