import { describe, expect, test } from "vitest";
import type { LeaseStore } from "../cluster/lease-store.ts";
import { MemoryLeaseStore } from "../cluster/memory-lease-store.ts";
import { leaseStoreContract } from "./lease-store-contract.ts";
import { violationOf } from "./test-support/violation-of.ts";

/** A MemoryLeaseStore with some methods replaced (each replacement gets the real store). */
function flawed(override: (real: MemoryLeaseStore) => Partial<LeaseStore>): () => LeaseStore {
  return () => {
    const real = new MemoryLeaseStore();
    const replaced = override(real);
    return new Proxy(real, {
      get: (target, name) => {
        const method = replaced[name as keyof LeaseStore];
        if (method !== undefined) return method;
        const value: unknown = Reflect.get(target, name, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  };
}

describe("leaseStoreContract", () => {
  test("has 21 cases, each named as a sentence", () => {
    const cases = leaseStoreContract({ open: () => new MemoryLeaseStore() });
    expect(cases).toHaveLength(21);
    expect(new Set(cases.map((c) => c.name)).size).toBe(21);
  });

  test("fails a store that stages publishes tagged with any request, or completes a savepoint with leases not staged", async () => {
    const anyTag = flawed((real) => ({
      publish: async (request) => {
        const pending = await real.readSavepointRequest();
        const tagged = request.savepoint !== undefined && pending?.state === "pending";
        return real.publish(tagged ? { ...request, savepoint: pending.id } : request);
      },
    }));
    expect(await violationOf(leaseStoreContract({ open: anyTag }), /one request at a time/)).toMatch(
      /a publish not tagged with the pending request staged its lease/,
    );
    const eager = flawed((real) => ({
      completeSavepoint: async (decision) => {
        const request = await real.readSavepointRequest();
        for (const lease of (await real.snapshot()).leases) {
          if (request?.staged.includes(lease.leaseKey) || lease.leaseOwner === undefined) continue;
          const published = await real.publish({
            worker: lease.leaseOwner,
            leases: [{ leaseKey: lease.leaseKey, leaseCounter: lease.leaseCounter }],
            savepoint: decision.id,
          });
          if (!published.ok) throw new Error(published.message);
        }
        return real.completeSavepoint(decision);
      },
    }));
    expect(await violationOf(leaseStoreContract({ open: eager }), /one request at a time/)).toMatch(
      /completing while s2 is not staged succeeded; it should be refused \(savepoint\)/,
    );
  });

  test("fails a store whose restore ignores the revision", async () => {
    const blind = flawed((real) => ({
      restoreSavepoint: async (request) =>
        real.restoreSavepoint({ ...request, expectedRevision: await real.revision() }),
    }));
    expect(await violationOf(leaseStoreContract({ open: blind }), /restoreSavepoint resets/)).toMatch(
      /a restore with a stale revision succeeded; it should be refused \(counter\)/,
    );
  });

  test("fails a store whose take ignores the counter", async () => {
    const open = flawed((real) => ({
      // "Helpfully" retries a take refused for its counter with the counter it found.
      takeLease: async (key, request) => {
        const write = await real.takeLease(key, request);
        if (write.ok || write.code !== "counter" || !write.lease) return write;
        return real.takeLease(key, { ...request, expectedCounter: write.lease.leaseCounter });
      },
    }));
    expect(await violationOf(leaseStoreContract({ open }), /stale counter is refused/)).toMatch(
      /b's take with counter 0 after a's take succeeded; it should be refused \(counter\)/,
    );
    expect(await violationOf(leaseStoreContract({ open }), /racing/)).toMatch(
      /2 racers: 2 takes succeeded; exactly one must/,
    );
  });

  test("fails a store whose publish writes the good leases of a refused publish", async () => {
    const open = flawed((real) => ({
      publish: async (request) => {
        const result = await real.publish(request);
        if (result.ok) return result;
        for (const lease of request.leases) {
          const stored = await real.readLease(lease.leaseKey);
          if (stored?.leaseCounter === lease.leaseCounter && lease.checkpoint !== undefined) {
            await real.checkpointLease(lease.leaseKey, {
              worker: request.worker,
              expectedCounter: lease.leaseCounter,
              checkpoint: lease.checkpoint,
            });
          }
        }
        return result;
      },
    }));
    expect(await violationOf(leaseStoreContract({ open }), /all or nothing/)).toMatch(
      /a refused publish wrote the checkpoint of its good lease/,
    );
  });

  test("fails a store whose handoff moves the counter (which would make the old owner lose the lease at once)", async () => {
    const open = flawed((real) => ({
      startHandoff: async (key, request) => {
        const marked = await real.startHandoff(key, request);
        if (!marked.ok) return marked;
        const renewed = await real.renewLease(key, {
          worker: marked.lease.checkpointOwner!,
          expectedCounter: marked.lease.leaseCounter,
        });
        return renewed;
      },
    }));
    expect(await violationOf(leaseStoreContract({ open }), /graceful handoff/)).toMatch(
      /checkpointOwner a, leaseOwner b, the same counter/,
    );
  });

  test("fails a store whose leader writes skip the leader fence", async () => {
    const open = flawed((real) => ({
      assignLease: async (key, request) => {
        const lock = await real.readLeader();
        return real.assignLease(key, {
          ...request,
          leader: { worker: lock.leader ?? "", token: lock.token },
        });
      },
    }));
    expect(await violationOf(leaseStoreContract({ open }), /assignLease gives/)).toMatch(
      /assignLease by a worker that is not the leader succeeded/,
    );
  });

  test("fails a store that lets a stale renewal through", async () => {
    const open = flawed((real) => ({
      renewLease: async (key, request) => {
        const lease = await real.readLease(key);
        return real.renewLease(key, { ...request, expectedCounter: lease?.leaseCounter ?? 0 });
      },
    }));
    expect(await violationOf(leaseStoreContract({ open }), /only the holder renews/)).toMatch(
      /a renewal with the counter before the last succeeded/,
    );
  });

  test("fails a store whose claims do not fence the previous incarnation", async () => {
    const open = flawed((real) => ({
      heartbeat: async (request) => {
        const record = (await real.snapshot()).workers.find((w) => w.workerId === request.worker);
        return real.heartbeat({ ...request, incarnation: record?.incarnation ?? request.incarnation });
      },
    }));
    expect(await violationOf(leaseStoreContract({ open }), /worker records/)).toMatch(
      /the old incarnation's heartbeat succeeded/,
    );
  });
});
