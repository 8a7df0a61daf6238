import { CHECKPOINT_FORMAT_VERSION, CorruptCheckpointError } from "@eddy/core";
import { blobRefsOf, CheckpointBuilder, checkpointStoreContract, uniqueName } from "@eddy/core/testing";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { planCommit } from "./commit-plan.ts";
import { CheckpointFormatError } from "./manifest-json.ts";
import { PUBLISH_SCRIPT, publishArguments } from "./publish-script.ts";
import { type RedisCheckpointStore, redisCheckpoints } from "./redis-checkpoint-store.ts";
import { capturingLogger, corruptBlob, rawClient, storeOn } from "./test-support/redis-fixture.ts";
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

describe("RedisCheckpointStore keeps the CheckpointStore contract", () => {
  const cases = checkpointStoreContract({
    open: () => storeOn(server),
    corrupt: (store, ref) => corruptBlob(redis, store, ref),
    interruptedCommit: async (_, checkpoint, retain) => {
      const dying = storeOn(server, { afterBlobsWritten: () => Promise.reject(new Error("writer died")) });
      await expect(dying.commit(checkpoint, retain)).rejects.toThrow("writer died");
      await dying.close();
    },
  });
  for (const c of cases) test(c.name, c.run);
});

const ALL_FULL = { 0: "full", 1: "full", 2: "full", 3: "full" } as const;

describe("RedisCheckpointStore in Redis", () => {
  let store: RedisCheckpointStore;
  beforeAll(() => {
    store = storeOn(server);
  });
  afterAll(() => store.close());

  test("jobs() finds names with slashes, braces and percent signs, under its own prefix only", async () => {
    const mine = storeOn(server, { prefix: "jobs-test:" });
    const names = [uniqueName("team/{fx}%20"), uniqueName("plain"), uniqueName("")];
    for (const job of names) await mine.commit(new CheckpointBuilder(job).next(1, ALL_FULL), 3);
    const savepointOnly = uniqueName("savepoint-only");
    await mine.commit(
      new CheckpointBuilder(savepointOnly).next(1, ALL_FULL, { kind: "savepoint", name: "v1" }),
      3,
    );
    await mine.deleteCheckpoint(savepointOnly, 1, { force: true });
    const other = storeOn(server, { prefix: "jobs-test-other:" });
    await other.commit(new CheckpointBuilder("elsewhere").next(1, ALL_FULL), 3);
    expect(await mine.jobs()).toEqual([...names, savepointOnly].sort());
    await Promise.all([mine.close(), other.close()]);
  });

  test("a publish planned before a deletion is planned again, and nothing the deletion kept is lost", async () => {
    const job = uniqueName("delete-race");
    const builder = new CheckpointBuilder(job);
    for (let id = 1; id <= 3; id++) await store.commit(builder.next(id, { 0: "delta", 1: "full" }), 5);
    const admin = storeOn(server);
    const revision = await redis.get(store.keys.revision(job));
    expect(await admin.deleteCheckpoint(job, 2)).toBe(true);
    expect(await redis.get(store.keys.revision(job))).toBe(String(Number(revision) + 1));
    expect(await redis.get(store.keys.latest(job))).toBe("3");
    await store.commit(builder.next(4, { 2: "delta" }), 5);
    const kept = await store.checkpoints(job);
    expect(kept.map((m) => m.checkpointId)).toEqual([4, 3, 1]);
    for (const manifest of kept) for (const ref of blobRefsOf(manifest)) await store.readBlob(ref);
    await admin.close();
  });

  test("forgetCheckpoints drops manifests but not their blobs; deleteBlobs deletes blobs and skips missing ones (retention on several workers)", async () => {
    const job = uniqueName("shared@w#1");
    const builder = new CheckpointBuilder(job);
    const first = builder.next(1, ALL_FULL);
    const second = builder.next(2, ALL_FULL);
    await store.commit(first, Number.MAX_SAFE_INTEGER);
    await store.commit(second, Number.MAX_SAFE_INTEGER);
    await store.forgetCheckpoints(job, [1]);
    expect((await store.checkpoints(job)).map((m) => m.checkpointId)).toEqual([2]);
    const refs = blobRefsOf(first.manifest);
    for (const ref of refs) await expect(store.readBlob(ref)).resolves.toBeInstanceOf(Uint8Array);
    await store.deleteBlobs([...refs, ...refs]);
    for (const ref of refs) await expect(store.readBlob(ref)).rejects.toThrow(CorruptCheckpointError);
    for (const ref of blobRefsOf(second.manifest))
      await expect(store.readBlob(ref)).resolves.toBeInstanceOf(Uint8Array);
  });

  test("keys are under the prefix and hash-tagged with the job; manifests are JSON", async () => {
    const custom = storeOn(server, { prefix: "test-layout:" });
    const job = uniqueName("layout");
    const checkpoint = new CheckpointBuilder(job).next(1, { 0: "full" });
    await custom.commit(checkpoint, 3);
    const keys = (await redis.keys("test-layout:*")).sort();
    const ref = checkpoint.manifest.operators.op!.keyGroups[0]![0]!;
    expect(custom.keys.blob(ref)).toBe(`test-layout:blob:{${job}}/1/op/kg0@${ref.checksum.slice(0, 16)}`);
    expect(keys).toEqual(
      [
        ...blobRefsOf(checkpoint.manifest).map((r) => custom.keys.blob(r)),
        `test-layout:job:{${job}}:checkpoints`,
        `test-layout:job:{${job}}:latest`,
        `test-layout:job:{${job}}:rev`,
      ].sort(),
    );
    expect(JSON.parse((await redis.hget(`test-layout:job:{${job}}:checkpoints`, "1"))!)).toEqual(
      checkpoint.manifest,
    );
    expect(await redis.get(`test-layout:job:{${job}}:latest`)).toBe("1");
    expect(await redis.getBuffer(custom.keys.blob(ref))).toEqual(Buffer.from(checkpoint.blobs.get(ref.key)!));
    await custom.close();
  });

  test("names with braces or slashes keep one hash tag per job and do not collide", () => {
    const keys = store.keys;
    expect(keys.checkpoints("fx-pricing")).toBe("eddy:job:{fx-pricing}:checkpoints");
    expect(keys.checkpoints("team/fx")).toBe("eddy:job:{team}/fx:checkpoints");
    expect(keys.blob({ key: "team/fx/3/op/kg1", checksum: "ab".repeat(32) })).toBe(
      "eddy:blob:{team}/fx/3/op/kg1@abababababababab",
    );
    expect(keys.checkpoints("a}b{c")).toBe("eddy:job:{a%7Db%7Bc}:checkpoints");
    expect(keys.checkpoints("a%7Db")).toBe("eddy:job:{a%257Db}:checkpoints");
    expect(keys.checkpoints("/x")).toBe("eddy:job:{%00}/x:checkpoints");
    expect(() => redisCheckpoints(server.url, { prefix: "{bad}:" })).toThrow(/must not contain/);
    expect(() => redisCheckpoints({ port: server.port, keyPrefix: "x:" })).toThrow(/prefix/);
  });

  test("describes itself by address, without credentials", async () => {
    const described = redisCheckpoints({ host: "127.0.0.1", port: server.port, db: 2, password: "secret" });
    expect(described.description).toBe(`redis://127.0.0.1:${server.port}/2`);
    await described.close();
    expect(store.description).toBe(`redis://127.0.0.1:${server.port}`);
  });

  test("a manifest of another format version is refused with a clear error", async () => {
    const job = uniqueName("version");
    await store.commit(new CheckpointBuilder(job).next(1, ALL_FULL), 3);
    const stored = JSON.parse((await redis.hget(store.keys.checkpoints(job), "1"))!);
    const other = CHECKPOINT_FORMAT_VERSION + 1;
    await redis.hset(
      store.keys.checkpoints(job),
      "2",
      JSON.stringify({ ...stored, checkpointId: 2, version: other }),
    );
    const failure = await store.checkpoints(job).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CheckpointFormatError);
    expect((failure as Error).message).toMatch(
      new RegExp(
        `field 2 .* has checkpoint format version ${other}; this @eddy/state reads version ${CHECKPOINT_FORMAT_VERSION}`,
      ),
    );
  });

  test("an entry that is not a manifest is skipped with a log line", async () => {
    const logger = capturingLogger();
    const logging = storeOn(server, { logger });
    const job = uniqueName("garbage");
    await logging.commit(new CheckpointBuilder(job).next(1, ALL_FULL), 3);
    await redis.hset(logging.keys.checkpoints(job), "7", "{not json");
    expect((await logging.checkpoints(job)).map((m) => m.checkpointId)).toEqual([1]);
    expect(logger.lines).toEqual([
      expect.stringMatching(/^error: .*:checkpoints field 7 in redis:.* is not a checkpoint manifest/),
    ]);
    await logging.close();
  });

  test("blobs of a commit that never published are swept by the next publish", async () => {
    const job = uniqueName("orphans");
    const builder = new CheckpointBuilder(job);
    await store.commit(builder.next(1, ALL_FULL), 3);
    const crashing = storeOn(server, {
      afterBlobsWritten: () => Promise.reject(new Error("writer died")),
    });
    const orphan = builder.next(2, { 0: "delta", 1: "full" });
    await expect(crashing.commit(orphan, 3)).rejects.toThrow("writer died");
    await crashing.close();
    const orphanKeys = blobRefsOf(orphan.manifest)
      .filter((ref) => ref.key.startsWith(`${job}/2/`))
      .map((ref) => store.keys.blob(ref));
    expect(await redis.exists(...orphanKeys)).toBe(orphanKeys.length);
    expect((await store.checkpoints(job)).map((m) => m.checkpointId)).toEqual([1]);
    expect(await redis.smembers(store.keys.pendingIndex(job))).toEqual(["2"]);

    // The run that restarts from checkpoint 1 numbers on from there, with other contents.
    const restarted = new CheckpointBuilder(job);
    restarted.next(1, ALL_FULL);
    await store.commit(restarted.next(2, { 3: "full" }, { salt: "second run" }), 3);
    expect(await redis.exists(...orphanKeys)).toBe(0);
    expect(await redis.exists(store.keys.pendingIndex(job), store.keys.pending(job, 2))).toBe(0);
    const kept = await store.checkpoints(job);
    expect(kept.map((m) => m.checkpointId)).toEqual([2, 1]);
    for (const m of kept) for (const ref of blobRefsOf(m)) await store.readBlob(ref);
  });

  test("publishing checkpoint N supersedes checkpoints ≥ N of an abandoned run, never its savepoints", async () => {
    const job = uniqueName("rollback");
    const first = new CheckpointBuilder(job);
    await store.commit(first.next(1, ALL_FULL, { kind: "savepoint", name: "v1" }), 5);
    await store.commit(first.next(2, { 0: "delta" }), 5);
    const v3 = first.next(3, ALL_FULL, { kind: "savepoint", name: "v3" });
    await store.commit(v3, 5);
    await store.commit(first.next(4, { 1: "delta" }), 5);

    // Restarted from savepoint v1: the next checkpoint is 2 again, with other contents.
    const second = new CheckpointBuilder(job);
    second.next(1, ALL_FULL, { kind: "savepoint", name: "v1" });
    const rolledBack = second.next(2, { 2: "delta" }, { salt: "second run" });
    await store.commit(rolledBack, 5);

    const kept = await store.checkpoints(job);
    expect(kept.map((m) => m.checkpointId)).toEqual([2, 1]);
    expect(kept[0]).toEqual(rolledBack.manifest);
    // Savepoint v3 of the abandoned run is still whole, though ids 3 and 4 will be written again.
    const savepoint = await store.savepoint(job, "v3");
    expect(savepoint).toEqual(v3.manifest);
    await store.commit(second.next(3, ALL_FULL, { salt: "second run" }), 5);
    for (const ref of blobRefsOf(savepoint!)) await store.readBlob(ref);
  });

  test("a savepoint replaced by name frees the blobs only it referenced", async () => {
    const job = uniqueName("replace");
    const builder = new CheckpointBuilder(job);
    const old = builder.next(1, ALL_FULL, { kind: "savepoint", name: "nightly" });
    await store.commit(old, 1);
    const other = builder.next(2, ALL_FULL, { kind: "savepoint", name: "keep" });
    await store.commit(other, 1);
    const replacement = builder.next(3, ALL_FULL, { kind: "savepoint", name: "nightly" });
    await store.commit(replacement, 1);
    expect(await store.savepoint(job, "nightly")).toEqual(replacement.manifest);
    for (const ref of blobRefsOf(old.manifest))
      await expect(store.readBlob(ref)).rejects.toThrow(CorruptCheckpointError);
    for (const ref of [...blobRefsOf(other.manifest), ...blobRefsOf(replacement.manifest)])
      await store.readBlob(ref);
    expect(await redis.scard(store.keys.pinned(job))).toBe(
      blobRefsOf(other.manifest).length + blobRefsOf(replacement.manifest).length,
    );
  });

  test("a publish whose referenced blob is missing is refused and the latest stays", async () => {
    const job = uniqueName("missing");
    const builder = new CheckpointBuilder(job);
    const first = builder.next(1, ALL_FULL);
    await store.commit(first, 3);
    await redis.del(store.keys.blob(first.manifest.operators.op!.keyGroups[3]![0]!));
    await expect(store.commit(builder.next(2, { 0: "delta" }), 3)).rejects.toThrow(
      new RegExp(`checkpoint 2 of job "${job}" was not published: blob .*/1/op/kg3@\\w+ is missing`),
    );
    expect((await store.checkpoints(job)).map((m) => m.checkpointId)).toEqual([1]);
  });

  test("a publish planned before another writer published is refused, changing nothing", async () => {
    const job = uniqueName("conflict");
    const builder = new CheckpointBuilder(job);
    const first = builder.next(1, ALL_FULL);
    await store.commit(first, 3);
    const second = builder.next(2, { 0: "delta" });
    for (const [key, bytes] of second.blobs) {
      const ref = blobRefsOf(second.manifest).find((r) => r.key === key)!;
      await redis.set(store.keys.blob(ref), Buffer.from(bytes));
    }
    const plan = planCommit({
      manifest: second.manifest,
      retain: 3,
      existing: [first.manifest],
      pending: new Map(),
      blobKey: (ref) => store.keys.blob(ref),
    });
    const publish = (revision: string) =>
      redis.eval(
        PUBLISH_SCRIPT,
        ...(publishArguments(store.keys, job, plan, {
          revision,
          checkpointId: 2,
          manifestJson: JSON.stringify(second.manifest),
          savepointName: undefined,
        }) as [number, ...string[]]),
      );
    // The first commit moved the revision to 1: a plan made at revision 0 is stale.
    expect(await publish("0")).toBe("CONFLICT");
    expect((await store.checkpoints(job)).map((m) => m.checkpointId)).toEqual([1]);
    expect(await publish("1")).toBe("OK");
    expect((await store.checkpoints(job)).map((m) => m.checkpointId)).toEqual([2, 1]);
  });

  test("with Redis down a commit fails within seconds, and works again once it is back", async () => {
    const own = await startRedisServer();
    const logger = capturingLogger();
    const flaky = storeOn(own, { logger });
    const job = uniqueName("down");
    const builder = new CheckpointBuilder(job);
    await flaky.commit(builder.next(1, ALL_FULL), 3);
    await own.kill();
    const started = performance.now();
    await expect(flaky.commit(builder.next(2, { 0: "delta" }), 3)).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(3_000);
    await own.start();
    // Data is gone (not durable): a full checkpoint is what the coordinator would retry with.
    await expect
      .poll(
        async () =>
          flaky.commit(builder.next(3, ALL_FULL), 3).then(
            () => true,
            () => false,
          ),
        {
          timeout: 5_000,
        },
      )
      .toBe(true);
    expect(logger.lines).toContainEqual(expect.stringMatching(/^warn: redis:.* is unreachable/));
    expect(logger.lines).toContainEqual(expect.stringMatching(/^info: redis:.* is reachable again/));
    await flaky.close();
    await own.stop();
  });
});
