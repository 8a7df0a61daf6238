import { type CheckpointStore, MemoryCheckpointStore, silentLogger } from "@eddy/core";
import { uniqueName } from "@eddy/core/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { countingJob, expectedCounts } from "./test-support/counting-job.ts";
import { storeOn } from "./test-support/redis-fixture.ts";
import { type RedisServer, startRedisServer } from "./test-support/redis-server.ts";

/*
 * A job restarted from an older savepoint must not reuse the ids the abandoned run stored: blobs
 * are named `<job>/<id>/...`, so a reused id would overwrite that run's savepoint blobs, and a
 * store ordering checkpoints by id would keep resuming the abandoned run. The coordinator numbers
 * new checkpoints after the highest stored id; the Redis store also guards against reuse itself.
 */

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(() => server.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the job and takes a savepoint after every `records` more records, under each name. */
async function runUntilSavepoints(
  job: string,
  store: CheckpointStore,
  names: string[],
  records: number,
  startFrom?: { savepoint: string },
) {
  const run = countingJob(job, { logger: silentLogger, checkpoints: { store }, startFrom });
  const running = run.job.run();
  const manifests = [];
  for (const name of names) {
    const written = run.sink.written();
    while (run.sink.written() < written + records) await sleep(5);
    manifests.push(await run.job.savepoint(name));
  }
  await run.job.stop();
  await running;
  return manifests;
}

/** Run A takes savepoints v1, v2, v3; run B starts from v1 and takes savepoint b. */
async function rollBack(job: string, store: CheckpointStore) {
  const [v1, v2, v3] = await runUntilSavepoints(job, store, ["v1", "v2", "v3"], 50);
  // Further than run A went from v1 to v2, so b's state differs from v2's.
  const [b] = await runUntilSavepoints(job, store, ["b"], 200, { savepoint: "v1" });
  return { v1: v1!, v2: v2!, v3: v3!, b: b! };
}

const stores: [string, () => CheckpointStore][] = [
  ["MemoryCheckpointStore", () => new MemoryCheckpointStore()],
  ["RedisCheckpointStore", () => storeOn(server)],
];

describe.each(stores)("%s after a restart from an older savepoint", (_, open) => {
  test("the abandoned run's later savepoints stay restorable", async () => {
    const store = open();
    const job = uniqueName("rollback-savepoint");
    const { v2, v3, b } = await rollBack(job, store);
    expect(b.checkpointId).toBeGreaterThan(v3.checkpointId);
    expect(b.sources).not.toEqual(v2.sources);

    const limit = (v2.sources.integers!["0"] as number) + 100;
    const fromV2 = countingJob(job, {
      logger: silentLogger,
      checkpoints: { store },
      startFrom: { savepoint: "v2" },
      limit,
    });
    expect(await fromV2.job.run()).toEqual({ outcome: "finished", restoredFrom: v2.checkpointId });
    expect(fromV2.sink.latest).toEqual(expectedCounts(limit));
    await store.close?.();
  });

  test("the latest checkpoint is the one the new run wrote last", async () => {
    const store = open();
    const job = uniqueName("rollback-latest");
    const { b } = await rollBack(job, store);
    expect((await store.checkpoints(job))[0]).toEqual(b);

    const limit = (b.sources.integers!["0"] as number) + 100;
    const resumed = countingJob(job, { logger: silentLogger, checkpoints: { store }, limit });
    const result = await resumed.job.run();
    expect(result.restoredFrom).toBe(b.checkpointId);
    expect(resumed.sink.latest).toEqual(expectedCounts(limit));
    await store.close?.();
  });
});
