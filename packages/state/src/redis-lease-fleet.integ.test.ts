import { randomUUID } from "node:crypto";
import { VirtualClock } from "@eddy/core/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type FleetEvent, runFleet } from "../../core/src/cluster/testing/simulated-fleet.ts";
import { redisLeases } from "./redis-lease-store.ts";
import { type RedisServer, startRedisServer } from "./test-support/redis-server.ts";

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server.stop();
});

describe("a simulated fleet on Redis: 16 workers, 24 leases (2 split into 2 children), 64 key groups", () => {
  test("keeps every lease invariant through crashes, a pause, leaves, joins and a restart, and converges", async () => {
    const store = redisLeases(server.url, { job: `fleet-${randomUUID().slice(0, 8)}` });
    const events: FleetEvent[] = [
      { at: 20_000, kind: "crash", pick: 3 },
      { at: 30_000, kind: "crash", pick: 0, atLeader: true },
      { at: 40_000, kind: "pause", pick: 5, pauseMs: 20_000 },
      { at: 45_000, kind: "leave", pick: 7 },
      { at: 60_000, kind: "join", pick: 0 },
      { at: 70_000, kind: "restart", pick: 0 },
      { at: 80_000, kind: "leave", pick: 0, atLeader: true },
    ];
    try {
      const report = await runFleet({
        leases: 24,
        splits: 2,
        keyGroups: 64,
        splitAt: 50_000,
        store,
        clock: new VirtualClock(0),
        joins: Array.from({ length: 16 }, (_, i) => i * 500),
        events,
        settleMs: 90_000,
      });
      expect(report.events).toEqual({ join: 17, crash: 2, leave: 2, pause: 1, restart: 1 });
      expect(report.zombiesRefused).toBe(1);
      expect(report.failovers.length).toBeGreaterThan(0);
    } finally {
      await store.clear();
      await store.close();
    }
  }, 240_000);
});
