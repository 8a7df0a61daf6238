import { EventEmitter } from "node:events";
import { deserialize, serialize } from "node:v8";
import { type LeaseStore, MemoryLeaseStore } from "@eddy/core";
import { leaseStoreContract } from "@eddy/core/testing";
import { describe, expect, test } from "vitest";
import { ipcLeaseStore } from "./ipc-lease-store.ts";
import { serveLeases } from "./lease-server.ts";
import { supervisorLeaseTables } from "./lease-tables.ts";

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

/** A supervisor serving its tables to one worker; `store` is stage `stage`'s table, seen from the worker. */
function servedStore(stage = 0) {
  const { supervisorEnd, workerEnd, disconnect } = channelPair();
  const tables = supervisorLeaseTables(new MemoryLeaseStore());
  serveLeases(tables, supervisorEnd);
  return { store: ipcLeaseStore(workerEnd, { stage }), tables, workerEnd, disconnect };
}

describe("a supervisor's lease table served over IPC keeps the LeaseStore contract", () => {
  for (const c of leaseStoreContract({ open: () => servedStore().store })) test(c.name, c.run);
});

describe("a stage's lease table served over IPC keeps the LeaseStore contract", () => {
  // Over a channel a store of stage 0 uses too, each of its calls racing one of stage 0's: the
  // replies of one table never answer the other's calls.
  const open = () => {
    const { store, workerEnd } = servedStore(2);
    const job = ipcLeaseStore(workerEnd);
    const busy = new Proxy(store, {
      get(target, method: keyof LeaseStore) {
        const value = target[method];
        if (typeof value !== "function" || method === "close") return value;
        return (...args: unknown[]) => {
          void job.snapshot();
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    return busy;
  };
  for (const c of leaseStoreContract({ open })) test(c.name, c.run);
});

describe("ipcLeaseStore", () => {
  test("keeps the Maps of counters and key-group pointers", async () => {
    const { store } = servedStore();
    await store.createLease({ leaseKey: "partition-0", keyGroups: [0] });
    const counters = await store.counters();
    expect(counters.leases).toBeInstanceOf(Map);
    expect(counters.leases.get("partition-0")).toBe(0);
  });

  test("a stage's table is separate from stage 0's, over the same channel, and is the same for every worker", async () => {
    const {
      store: job,
      tables,
      workerEnd,
      supervisorEnd,
    } = (() => {
      const pair = channelPair();
      const served = supervisorLeaseTables(new MemoryLeaseStore());
      serveLeases(served, pair.supervisorEnd);
      return { store: ipcLeaseStore(pair.workerEnd), tables: served, ...pair };
    })();
    const stage1 = ipcLeaseStore(workerEnd, { stage: 1 });
    // Calls of both tables in flight at once, with ids of one sequence: each gets its own answer.
    await Promise.all([
      job.createLease({ leaseKey: "partition-0" }),
      stage1.createLease({ leaseKey: "shard-0" }),
      stage1.createLease({ leaseKey: "shard-1" }),
    ]);
    const [jobLeases, stageLeases] = await Promise.all([job.snapshot(), stage1.snapshot()]);
    expect(jobLeases.leases.map((l) => l.leaseKey)).toEqual(["partition-0"]);
    expect(stageLeases.leases.map((l) => l.leaseKey).sort()).toEqual(["shard-0", "shard-1"]);
    expect(await stage1.readLease("partition-0")).toBeUndefined();
    expect(await job.readLease("shard-0")).toBeUndefined();
    // The supervisor's own tables: stage 0's is the one it was given, stage 1's is kept.
    expect((await tables.table(1).snapshot()).leases).toHaveLength(2);
    expect(tables.table(1)).toBe(tables.table(1));
    expect(tables.table(1)).not.toBe(tables.table(0));
    // A second worker (its own channel) sees the same stage table.
    const other = channelPair();
    serveLeases(tables, other.supervisorEnd);
    expect((await ipcLeaseStore(other.workerEnd, { stage: 1 }).snapshot()).leases).toHaveLength(2);
    expect(stage1.description).toContain("stage 1");
    expect(supervisorEnd.connected).toBe(true);
  });

  test("refuses a stage that is not an integer of 0 or more", () => {
    const { workerEnd } = channelPair();
    expect(() => ipcLeaseStore(workerEnd, { stage: -1 })).toThrow(
      /stage must be an integer of 0 or more, not -1/,
    );
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
