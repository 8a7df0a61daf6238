import { randomUUID } from "node:crypto";
import { leaseStoreContract } from "@eddy/core/testing";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RedisLeaseStore, redisLeases } from "./redis-lease-store.ts";
import { rawClient } from "./test-support/redis-fixture.ts";
import { type RedisServer, startRedisServer } from "./test-support/redis-server.ts";

let server: RedisServer;
let redis: Redis;
beforeAll(async () => {
  server = await startRedisServer();
  redis = rawClient(server);
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

const uniqueJob = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

describe("RedisLeaseStore keeps the LeaseStore contract", () => {
  const cases = leaseStoreContract<RedisLeaseStore>({
    open: () => redisLeases(server.url, { job: uniqueJob("contract") }),
    close: async (store) => {
      await store.clear();
      await store.close();
    },
  });
  for (const c of cases) test(c.name, c.run);
});

describe("RedisLeaseStore in Redis", () => {
  const opened: RedisLeaseStore[] = [];
  const open = (job: string, prefix?: string) => {
    const store = redisLeases(server.url, { job, ...(prefix ? { prefix } : {}) });
    opened.push(store);
    return store;
  };
  afterAll(async () => {
    for (const store of opened) {
      await store.clear();
      await store.close();
    }
  });

  const commandCalls = async (): Promise<Map<string, number>> => {
    const calls = new Map<string, number>();
    for (const line of (await redis.info("commandstats")).split("\n")) {
      const found = /^cmdstat_([a-z|]+):calls=(\d+)/.exec(line.trim());
      if (found) calls.set(found[1]!, Number(found[2]));
    }
    return calls;
  };

  test("one hash per lease with KCL's attribute names, every key under the job's hash tag and the prefix", async () => {
    const job = uniqueJob("team/layout");
    const store = open(job, "layout-test:");
    await store.createLease({
      leaseKey: "shardId-000000000001",
      parentShardIds: ["shardId-000000000000"],
      keyGroups: [3, 1],
    });
    const claim = await store.claimWorker({ worker: "worker-a", expectedCounter: 0 });
    if (!claim.ok) throw new Error(claim.message);
    await store.takeLease("shardId-000000000001", {
      worker: "worker-a",
      incarnation: claim.worker.incarnation,
      expectedCounter: 0,
    });
    await store.checkpointLease("shardId-000000000001", {
      worker: "worker-a",
      expectedCounter: 1,
      checkpoint: "49590338271490256608559692538361571095921575989136588898",
      checkpointSubSequenceNumber: 0,
    });
    await store.acquireLeadership({ worker: "worker-a", expectedCounter: 0 });

    const tag = `{team}/${job.slice("team/".length)}`;
    expect(await redis.hgetall(`layout-test:job:${tag}:lease:shardId-000000000001`)).toEqual({
      leaseKey: "shardId-000000000001",
      leaseOwner: "worker-a",
      leaseCounter: "1",
      checkpoint: "49590338271490256608559692538361571095921575989136588898",
      checkpointSubSequenceNumber: "0",
      parentShardIds: '["shardId-000000000000"]',
      ownerSwitchesSinceCheckpoint: "0",
      keyGroups: "[1,3]",
    });
    const keys = (await redis.keys(`layout-test:*`)).sort();
    expect(keys).toEqual(
      [
        "lease:shardId-000000000001",
        "lease-counters",
        "lease-revision",
        "leader",
        "leader-token",
        "leases",
        "worker:worker-a",
        "worker-counters",
        "workers",
      ]
        .map((suffix) => `layout-test:job:${tag}:${suffix}`)
        .sort(),
    );
    expect(await redis.hgetall(`layout-test:job:${tag}:leader`)).toEqual({
      leader: "worker-a",
      leaseCounter: "1",
      token: "1",
    });
    await store.clear();
    expect(await redis.keys("layout-test:*")).toEqual([]);
  });

  test("conditional writes go by EVALSHA, and still work after Redis forgot the scripts (EVAL fallback)", async () => {
    const store = open(uniqueJob("evalsha"));
    await store.createLease({ leaseKey: "s" });
    const claim = await store.claimWorker({ worker: "w", expectedCounter: 0 });
    if (!claim.ok) throw new Error(claim.message);
    const take = await store.takeLease("s", {
      worker: "w",
      incarnation: claim.worker.incarnation,
      expectedCounter: 0,
    });
    expect(take.ok).toBe(true);
    // The first run of a script on a connection goes by EVAL (which loads it), later ones by EVALSHA.
    expect((await store.renewLease("s", { worker: "w", expectedCounter: 1 })).ok).toBe(true);
    const before = await commandCalls();
    for (let counter = 2; counter <= 6; counter++) {
      expect((await store.renewLease("s", { worker: "w", expectedCounter: counter })).ok).toBe(true);
    }
    const after = await commandCalls();
    expect((after.get("evalsha") ?? 0) - (before.get("evalsha") ?? 0)).toBe(5);
    expect(after.get("eval") ?? 0).toBe(before.get("eval") ?? 0);

    await redis.script("FLUSH");
    const renewed = await store.renewLease("s", { worker: "w", expectedCounter: 7 });
    expect(renewed.ok && renewed.lease.leaseCounter).toBe(8);
    expect((await commandCalls()).get("eval") ?? 0).toBeGreaterThan(after.get("eval") ?? 0);
  });

  test("takers on separate connections racing for one lease: exactly one wins", async () => {
    const job = uniqueJob("race");
    const setup = open(job);
    await setup.createLease({ leaseKey: "contested" });
    const racers = Array.from({ length: 8 }, (_, i) => ({ id: `racer-${i}`, store: open(job) }));
    const incarnations = await Promise.all(
      racers.map(async ({ id, store }) => {
        const claim = await store.claimWorker({ worker: id, expectedCounter: 0 });
        if (!claim.ok) throw new Error(claim.message);
        return claim.worker.incarnation;
      }),
    );
    const writes = await Promise.all(
      racers.map(({ id, store }, i) =>
        store.takeLease("contested", { worker: id, incarnation: incarnations[i]!, expectedCounter: 0 }),
      ),
    );
    const winners = writes.flatMap((w) => (w.ok ? [w.lease.leaseOwner] : []));
    expect(winners).toHaveLength(1);
    expect((await setup.readLease("contested"))?.leaseOwner).toBe(winners[0]);
  });

  test("clear() deletes every key of its job and none of another job's", async () => {
    const mine = open(uniqueJob("mine"));
    const theirs = open(uniqueJob("theirs"));
    for (const store of [mine, theirs]) {
      await store.createLease({ leaseKey: "s", keyGroups: [0] });
      await store.claimWorker({ worker: "w", expectedCounter: 0 });
      await store.acquireLeadership({ worker: "w", expectedCounter: 0 });
    }
    await mine.clear();
    expect(await redis.keys(`eddy:job:{${mine.keys.job}}:*`)).toEqual([]);
    expect((await redis.keys(`eddy:job:{${theirs.keys.job}}:*`)).length).toBe(9);
  });

  test("a bad job name or prefix is refused with the reason", () => {
    expect(() => redisLeases(server.url, { job: "" })).toThrow(/needs a job name/);
    expect(() => redisLeases(server.url, { job: "j", prefix: "a{b" })).toThrow(
      /must not contain "\{" or "\}"/,
    );
  });
});
