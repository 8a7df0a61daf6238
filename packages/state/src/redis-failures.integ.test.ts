import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { CheckpointFailedError, type CheckpointManifest, silentLogger } from "@eddy/core";
import { blobRefsOf, uniqueName } from "@eddy/core/testing";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { msgpackSerde } from "./msgpack-serde.ts";
import { countingJob, expectedCounts } from "./test-support/counting-job.ts";
import { capturingLogger, corruptBlob, rawClient, storeOn } from "./test-support/redis-fixture.ts";
import { type RedisServer, startRedisServer } from "./test-support/redis-server.ts";

const positionOf = (manifest: CheckpointManifest) => manifest.sources.integers!["0"] as number;

/** Resolves once `condition` holds, polling; errors (Redis down) count as "not yet". */
async function until<T>(
  probe: () => Promise<T>,
  condition: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && condition(value)) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("Redis killed and restarted while a job runs", () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer({ durable: true });
  });
  afterAll(() => server.stop());

  test("processing goes on, the checkpoint is stored late, not lost, and a restart is exact", async () => {
    const job = uniqueName("outage");
    const store = storeOn(server);
    const logger = capturingLogger();
    const checkpoints = { store, every: 100, tolerableFailures: 1_000, retryDelay: 20, maxRetryDelay: 200 };
    const first = countingJob(job, { logger, checkpoints });
    const running = first.job.run();

    const before = await until(
      () => store.checkpoints(job),
      (stored) => stored.length >= 2,
    );
    await server.kill();
    const writtenAtKill = first.sink.written();
    const failures = () =>
      logger.lines.filter((line) => /^warn: checkpoint \d+: storing in redis:/.test(line));
    // Records flow while Redis is down, and storing checkpoints is retried (waited for rather than
    // assumed to happen within a fixed second: on a busy machine both take longer).
    await until(
      async () => ({ written: first.sink.written(), failed: failures().length }),
      ({ written, failed }) => written > writtenAtKill + 100 && failed > 1,
      20_000,
    );
    const failed = failures();
    expect(first.sink.written()).toBeGreaterThan(writtenAtKill + 100);
    expect(failed.length).toBeGreaterThan(1);
    const lateId = Number(/checkpoint (\d+)/.exec(failed[0]!)![1]);

    await server.start();
    const after = await until(
      () => store.checkpoints(job),
      (stored) => (stored[0]?.checkpointId ?? 0) >= lateId,
    );
    // The append-only file kept what was stored before the crash; the late checkpoint follows.
    expect(after.map((m) => m.checkpointId)).toContain(before[0]!.checkpointId);
    expect(after.map((m) => m.checkpointId)).toContain(lateId);
    // The store holds the checkpoint before the coordinator logs it: wait for the line too.
    const storedLate = new RegExp(`^info: checkpoint ${lateId} stored after \\d+ failed attempt`);
    await until(
      async () => logger.lines,
      (lines) => lines.some((line) => storedLate.test(line)),
    );
    await first.job.stop();
    expect((await running).outcome).toBe("stopped");

    const latest = (await store.checkpoints(job))[0]!;
    const limit = positionOf(latest) + 300;
    const second = countingJob(job, { logger: silentLogger, checkpoints, limit });
    expect(await second.job.run()).toEqual({ outcome: "finished", restoredFrom: latest.checkpointId });
    expect(second.sink.latest).toEqual(expectedCounts(limit));
    await store.close();
  });

  test("past tolerableFailures the job fails with a clear CheckpointFailedError", async () => {
    const own = await startRedisServer();
    const job = uniqueName("gave-up");
    const store = storeOn(own);
    const { job: running } = countingJob(job, {
      logger: silentLogger,
      checkpoints: { store, every: 50, tolerableFailures: 2, retryDelay: 10 },
    });
    const run = running.run();
    run.catch(() => {});
    await until(
      () => store.checkpoints(job),
      (stored) => stored.length >= 1,
    );
    await own.kill();
    const failure = await run.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CheckpointFailedError);
    expect((failure as Error).message).toMatch(
      new RegExp(
        `^job "${job}": checkpoint \\d+ could not be stored in redis://127\\.0\\.0\\.1:${own.port} after 3 attempts \\(last error: .+\\); the job stops`,
      ),
    );
    await store.close();
    await own.stop();
  });
});

describe("partial and corrupt checkpoints", () => {
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

  test("a writer killed between its blob writes and the publish leaves only orphans, swept later", async () => {
    const job = uniqueName("killed-writer");
    const store = storeOn(server);
    const script = fileURLToPath(new URL("./test-support/partial-writer.ts", import.meta.url));
    const root = fileURLToPath(new URL("../../..", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", script, server.url, job], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    await new Promise<void>((resolve, reject) => {
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("blobs-written 2")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`the writer exited (${code}) before writing blobs`)));
    });
    child.kill("SIGKILL");
    await exited;

    const [complete, ...others] = await store.checkpoints(job);
    expect(complete?.checkpointId).toBe(1);
    expect(others).toEqual([]);
    expect(await redis.smembers(store.keys.pendingIndex(job))).toEqual(["2"]);
    const orphans = await redis.smembers(store.keys.pending(job, 2));
    expect(orphans.length).toBeGreaterThan(0);
    expect(await redis.exists(...orphans)).toBe(orphans.length);

    // The restarted job resumes from checkpoint 1 and counts exactly.
    const limit = positionOf(complete!) + 1_000;
    const restarted = countingJob(job, {
      logger: silentLogger,
      checkpoints: { store, every: 50 },
      limit,
    });
    const run = restarted.job.run();
    await until(
      () => store.checkpoints(job),
      (stored) => (stored[0]?.checkpointId ?? 0) >= 2,
    );
    expect(await run).toEqual({ outcome: "finished", restoredFrom: 1 });
    expect(restarted.sink.latest).toEqual(expectedCounts(limit));

    // The next publish swept the orphans: gone, unless a kept checkpoint wrote the very same bytes.
    expect(await redis.exists(store.keys.pendingIndex(job), store.keys.pending(job, 2))).toBe(0);
    const live = new Set(
      (await store.checkpoints(job)).flatMap((m) => blobRefsOf(m).map((r) => store.keys.blob(r))),
    );
    const leftover = orphans.filter((key) => !live.has(key));
    expect(leftover.length).toBeGreaterThan(0);
    expect(await redis.exists(...leftover)).toBe(0);
    await store.close();
  });

  test("a corrupted blob is detected, logged, and the checkpoint before it is used", async () => {
    const job = uniqueName("corrupt");
    const store = storeOn(server);
    // State blobs in MessagePack here, to run msgpackSerde through a whole checkpoint and restore.
    const serde = msgpackSerde;
    const first = countingJob(job, {
      logger: silentLogger,
      serde,
      checkpoints: { store, every: 50, retain: 3 },
    });
    const running = first.job.run();
    await until(
      () => store.checkpoints(job),
      (stored) => stored.length >= 3,
    );
    await first.job.stop();
    await running;

    const [latest, previous] = await store.checkpoints(job);
    const own = Object.values(latest!.operators.count!.keyGroups)
      .flat()
      .filter((ref) => ref.key.startsWith(`${job}/${latest!.checkpointId}/`));
    expect(own.length).toBeGreaterThan(0);
    await corruptBlob(redis, store, own[0]!);

    const logger = capturingLogger();
    const limit = positionOf(previous!) + 200;
    const second = countingJob(job, { logger, serde, checkpoints: { store, every: 50 }, limit });
    expect(await second.job.run()).toEqual({ outcome: "finished", restoredFrom: previous!.checkpointId });
    expect(logger.lines.filter((line) => line.startsWith("error:"))).toEqual([
      `error: job "${job}": checkpoint ${latest!.checkpointId} in ${store.description} is unusable (blob ${own[0]!.key} fails its checksum); trying the one before it`,
    ]);
    expect(second.sink.latest).toEqual(expectedCounts(limit));
    await store.close();
  });
});
