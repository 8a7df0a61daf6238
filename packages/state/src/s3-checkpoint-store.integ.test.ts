import { S3Client } from "@aws-sdk/client-s3";
import { CHECKPOINT_FORMAT_VERSION, CorruptCheckpointError, checksumOf, silentLogger } from "@eddy/core";
import { blobRefsOf, CheckpointBuilder, checkpointStoreContract, uniqueName } from "@eddy/core/testing";
import { type FaultProxy, localS3ClientConfig, startFaultProxy } from "@eddy/local-stack";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CheckpointFormatError } from "./manifest-json.ts";
import { S3CheckpointStore, s3Checkpoints } from "./s3-checkpoint-store.ts";
import { StaleCheckpointWriterError } from "./stale-writer-error.ts";
import { capturingLogger } from "./test-support/redis-fixture.ts";
import { type S3Fixture, startS3Fixture } from "./test-support/s3-fixture.ts";

let fixture: S3Fixture;
beforeAll(async () => {
  fixture = await startS3Fixture();
});
afterAll(async () => {
  await fixture?.stop();
});

describe("S3CheckpointStore keeps the CheckpointStore contract", () => {
  const cases = checkpointStoreContract({
    open: () => fixture.store({ prefix: "contract/" }),
    corrupt: (store, ref) => fixture.corrupt(store, ref),
    interruptedCommit: async (_, checkpoint, retain) => {
      const dying = fixture.store({
        prefix: "contract/",
        afterUploads: () => Promise.reject(new Error("writer died")),
      });
      await expect(dying.commit(checkpoint, retain)).rejects.toThrow("writer died");
    },
  });
  for (const c of cases) test(c.name, c.run);
});

const ALL_FULL = { 0: "full", 1: "full", 2: "full", 3: "full" } as const;
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Every key under the job's folder and the blobs of `job`, relative to `prefix`. */
async function keysOf(prefix: string, job: string): Promise<string[]> {
  const keys = [
    ...(await fixture.objects.keys(fixture.bucket, `${prefix}jobs/${encodeURIComponent(job)}/`)),
    ...(await fixture.objects.keys(fixture.bucket, `${prefix}blobs/${job}/`)),
  ];
  return keys.map((key) => key.slice(prefix.length)).sort();
}

describe("S3CheckpointStore in S3", () => {
  test("objects: the index, one manifest per kept checkpoint, the blobs it references; nothing pending", async () => {
    const store = fixture.store({ prefix: "layout" });
    const job = uniqueName("layout/team");
    const builder = new CheckpointBuilder(job);
    const first = builder.next(1, ALL_FULL);
    await store.commit(first, 1);
    const second = builder.next(2, { 0: "delta" });
    await store.commit(second, 1);

    expect(store.description).toBe(`s3://${fixture.bucket}/layout/`);
    const keys = await keysOf("layout/", job);
    const manifests = keys.filter((k) => k.includes("/manifests/"));
    expect(manifests).toEqual([
      expect.stringMatching(/^jobs\/layout%2Fteam-[0-9a-f]{8}\/manifests\/2-[0-9a-f]{16}\.json$/),
    ]);
    expect(keys).toEqual(
      [
        `jobs/${encodeURIComponent(job)}/index.json`,
        manifests[0]!,
        ...blobRefsOf(second.manifest).map((ref) => store.layout.blob(ref).slice("layout/".length)),
      ].sort(),
    );
    const index = JSON.parse(text(await fixture.read(store.layout.index(job)))) as Record<string, unknown>;
    expect(index).toEqual({
      format: CHECKPOINT_FORMAT_VERSION,
      job,
      revision: 2,
      writer: store.writer,
      checkpoints: [
        {
          checkpointId: 2,
          manifest: `layout/${manifests[0]}`,
          checksum: checksumOf(new TextEncoder().encode(JSON.stringify(second.manifest))),
        },
      ],
      savepoints: {},
    });
    // Group 0's chain: checkpoint 1's full blob, kept because checkpoint 2's delta builds on it.
    expect(text(await store.readBlob(second.manifest.operators.op!.keyGroups[0]![0]!))).toBe(
      `${job} 1 0 full`,
    );
  });

  test("a store opened again (a restarted process) finds every checkpoint and takes over publishing", async () => {
    const job = uniqueName("reopen");
    const builder = new CheckpointBuilder(job);
    const before = fixture.store({ prefix: "reopen/" });
    await before.commit(builder.next(1, ALL_FULL), 3);
    await before.commit(builder.next(2, ALL_FULL, { kind: "savepoint", name: "v1" }), 3);
    const after = fixture.store({ prefix: "reopen/" });
    expect((await after.checkpoints(job)).map((m) => m.checkpointId)).toEqual([2, 1]);
    expect((await after.savepoint(job, "v1"))?.checkpointId).toBe(2);
    await after.commit(builder.next(3, { 1: "delta" }), 3);
    expect((await after.checkpoints(job)).map((m) => m.checkpointId)).toEqual([3, 2, 1]);
  });

  test("a stale writer (a second instance holding an old view) cannot move the pointer back", async () => {
    const job = uniqueName("zombie");
    const old = fixture.store({ prefix: "zombie/" });
    const oldRun = new CheckpointBuilder(job);
    await old.commit(oldRun.next(1, ALL_FULL), 3);
    await old.commit(oldRun.next(2, { 0: "delta" }), 3);

    // A replacement process restores checkpoint 2 and publishes 3 while the old one still runs.
    const replacement = fixture.store({ prefix: "zombie/" });
    const newRun = new CheckpointBuilder(job);
    newRun.next(1, ALL_FULL);
    newRun.next(2, { 0: "delta" });
    const three = newRun.next(3, { 1: "delta" }, { salt: "replacement" });
    await replacement.commit(three, 3);

    // The old process's next checkpoints, and a retry of its last one, are refused.
    const stale = oldRun.next(3, { 2: "delta" }, { salt: "zombie" });
    await expect(old.commit(stale, 3)).rejects.toThrow(StaleCheckpointWriterError);
    await expect(old.commit(stale, 3)).rejects.toThrow(/another writer published checkpoint 3/);
    await expect(old.commit(oldRun.next(4, { 2: "delta" }), 3)).rejects.toThrow(StaleCheckpointWriterError);
    const [latest] = await replacement.checkpoints(job);
    expect(latest).toEqual(three.manifest);

    // The replacement goes on, and its publish sweeps what the stale attempt uploaded.
    await replacement.commit(newRun.next(4, { 3: "delta" }), 3);
    expect((await replacement.checkpoints(job)).map((m) => m.checkpointId)).toEqual([4, 3, 2]);
    const keys = await keysOf("zombie/", job);
    expect(keys.filter((k) => k.includes("/pending/"))).toEqual([]);
    const staleOnly = blobRefsOf(stale.manifest).filter((ref) => ref.key === `${job}/3/op/kg2`);
    expect(keys).not.toContain(old.layout.blob(staleOnly[0]!).slice("zombie/".length));
  });

  test("a deletion by another store (the eddy command) does not fence the running job's store", async () => {
    const job = uniqueName("admin/job");
    const running = fixture.store({ prefix: "admin/" });
    const run = new CheckpointBuilder(job);
    for (let id = 1; id <= 3; id++) await running.commit(run.next(id, { 0: "delta", 1: "full" }), 5);

    const admin = fixture.store({ prefix: "admin/" });
    expect(await admin.jobs()).toContain(job);
    expect(await admin.deleteCheckpoint(job, 2)).toBe(true);
    await running.commit(run.next(4, { 2: "delta" }), 5);
    expect((await admin.checkpoints(job)).map((m) => m.checkpointId)).toEqual([4, 3, 1]);
    const manifests = (await keysOf("admin/", job)).filter((k) => k.includes("/manifests/"));
    expect(manifests.map((k) => k.replace(/^.*\/manifests\/(\d+)-.*$/, "$1")).sort()).toEqual([
      "1",
      "3",
      "4",
    ]);
    await admin.deleteCheckpoint(job, 4, { force: true });
    await admin.deleteCheckpoint(job, 3, { force: true });
    await admin.deleteCheckpoint(job, 1, { force: true });
    expect(await admin.jobs()).not.toContain(job);
  });

  test("a crash between the uploads and the pointer move leaves the previous latest; a later publish deletes the orphans", async () => {
    const job = uniqueName("crash");
    const builder = new CheckpointBuilder(job);
    const crashing = fixture.store({
      prefix: "crash/",
      afterUploads: (id) => {
        if (id === 2) throw new Error("killed before the pointer moved");
      },
    });
    await crashing.commit(builder.next(1, ALL_FULL), 3);
    const dead = builder.next(2, { 0: "full", 1: "delta" });
    await expect(crashing.commit(dead, 3)).rejects.toThrow("killed before the pointer moved");

    const restarted = fixture.store({ prefix: "crash/" });
    expect((await restarted.checkpoints(job)).map((m) => m.checkpointId)).toEqual([1]);
    const orphans = blobRefsOf(dead.manifest)
      .filter((ref) => ref.key.startsWith(`${job}/2/`))
      .map((ref) => restarted.layout.blob(ref).slice("crash/".length));
    const before = await keysOf("crash/", job);
    for (const orphan of orphans) expect(before).toContain(orphan);
    expect(before.filter((k) => k.includes("/pending/"))).toHaveLength(1);
    expect(before.filter((k) => k.includes("/manifests/"))).toHaveLength(2);

    const rerun = new CheckpointBuilder(job);
    rerun.next(1, ALL_FULL);
    await restarted.commit(rerun.next(2, { 2: "delta" }, { salt: "rerun" }), 3);
    const after = await keysOf("crash/", job);
    for (const orphan of orphans) expect(after).not.toContain(orphan);
    expect(after.filter((k) => k.includes("/pending/"))).toEqual([]);
    expect(after.filter((k) => k.includes("/manifests/"))).toHaveLength(2);
    expect((await restarted.checkpoints(job)).map((m) => m.checkpointId)).toEqual([2, 1]);
  });

  test("a publish whose answer was lost is recognized as the store's own and built on", async () => {
    const job = uniqueName("lost-answer");
    let dropNext = false;
    const real = fixture.client;
    // The conditional index write reaches S3, but its answer never comes back.
    const losing = {
      config: real.config,
      destroy: () => {},
      async send(command: unknown, options?: unknown) {
        const input = (command as { input?: { IfMatch?: string; IfNoneMatch?: string } }).input;
        const result = await real.send(command as never, options as never);
        if (dropNext && (input?.IfMatch !== undefined || input?.IfNoneMatch !== undefined)) {
          dropNext = false;
          throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
        }
        return result;
      },
    };
    const store = fixture.store({ prefix: "lost/", client: losing, retry: { initialBackoffMS: 1 } });
    const builder = new CheckpointBuilder(job);
    await store.commit(builder.next(1, ALL_FULL), 2);
    dropNext = true;
    await store.commit(builder.next(2, { 0: "delta" }), 2);
    expect(dropNext).toBe(false);
    await store.commit(builder.next(3, { 1: "delta" }), 2);
    expect((await store.checkpoints(job)).map((m) => m.checkpointId)).toEqual([3, 2]);
    expect((await keysOf("lost/", job)).filter((k) => k.includes("/manifests/"))).toHaveLength(2);
  });

  test("sweeps past 1,000 keys: ListObjectsV2 pages and DeleteObjects batches", async () => {
    const store = fixture.store({ prefix: "paging/" });
    const job = uniqueName("paging");
    const builder = new CheckpointBuilder(job);
    await store.commit(builder.next(1, ALL_FULL), 3);
    // 1,050 commit attempts that died after their first uploads, as many crashed processes leave:
    // their records (more than a page) and, among them, ten orphan blobs.
    const orphans = Array.from({ length: 10 }, (_, i) =>
      store.layout.blob({ key: `${job}/2/op/kg${i}`, checksum: "0".repeat(64) }),
    );
    const records = Array.from({ length: 1_050 }, (_, i) => store.layout.pending(job, `dead${i}`));
    for (const orphan of orphans) await fixture.write(orphan, "orphan");
    for (let i = 0; i < records.length; i += 10) {
      await Promise.all(
        records
          .slice(i, i + 10)
          .map((record, j) =>
            fixture.write(record, JSON.stringify({ checkpointId: 2, objects: [orphans[(i + j) % 10]] })),
          ),
      );
    }
    expect(await fixture.objects.keys(fixture.bucket, store.layout.pendingPrefix(job))).toHaveLength(1_050);

    const second = builder.next(2, { 0: "delta" });
    await store.commit(second, 3);
    expect(await fixture.objects.keys(fixture.bucket, store.layout.pendingPrefix(job))).toEqual([]);
    expect(await fixture.objects.keys(fixture.bucket, `paging/blobs/${job}/2/`)).toEqual(
      blobRefsOf(second.manifest)
        .filter((ref) => ref.key.startsWith(`${job}/2/`))
        .map((ref) => store.layout.blob(ref))
        .sort(),
    );
  }, 120_000);

  test("an index of another format version is refused; an unreadable one or a corrupt manifest is reported", async () => {
    const logger = capturingLogger();
    const store = fixture.store({ prefix: "format/", logger });
    const job = uniqueName("format");
    const builder = new CheckpointBuilder(job);
    await store.commit(builder.next(1, ALL_FULL), 3);
    await store.commit(builder.next(2, { 0: "delta" }), 3);
    const key = store.layout.index(job);
    const stored = text(await fixture.read(key));

    const manifest2 = (JSON.parse(stored) as { checkpoints: { manifest: string }[] }).checkpoints[0]!
      .manifest;
    await fixture.write(
      manifest2,
      text(await fixture.read(manifest2)).replace('"checkpointId":2', '"checkpointId":2 '),
    );
    expect(
      (await fixture.store({ prefix: "format/", logger }).checkpoints(job)).map((m) => m.checkpointId),
    ).toEqual([1]);
    expect(logger.lines).toEqual([
      expect.stringMatching(/^error: manifest .*checkpoint 2 of job .* fails its checksum; it is ignored$/),
    ]);

    await fixture.write(key, stored.replace(`"format":${CHECKPOINT_FORMAT_VERSION}`, '"format":99'));
    await expect(store.checkpoints(job)).rejects.toThrow(CheckpointFormatError);
    await expect(store.checkpoints(job)).rejects.toThrow(/format version 99/);
    await fixture.write(key, "{ not json");
    await expect(store.checkpoints(job)).rejects.toThrow(CorruptCheckpointError);
  });

  test("a client from another copy of the SDK is used by its shape; anything else is refused", async () => {
    const foreign = {
      send: (command: unknown) => fixture.client.send(command as never),
      destroy: () => {},
      config: fixture.client.config,
    };
    expect(foreign).not.toBeInstanceOf(S3Client);
    const store = fixture.store({ prefix: "shape/", client: foreign });
    const job = uniqueName("shape");
    const checkpoint = new CheckpointBuilder(job).next(1, ALL_FULL);
    await store.commit(checkpoint, 1);
    expect(await store.checkpoints(job)).toEqual([checkpoint.manifest]);
    const where = `s3Checkpoints(s3://${fixture.bucket}/)`;
    expect(() => s3Checkpoints({ bucket: fixture.bucket, client: { region: "eu-west-1" } as never })).toThrow(
      `${where}: client must be an AWS SDK v3 S3 client, got object`,
    );
    expect(() =>
      s3Checkpoints({ bucket: fixture.bucket, client: { ...foreign, config: { serviceId: "Kinesis" } } }),
    ).toThrow(
      `${where}: client must be an AWS SDK v3 S3 client (send, destroy, config.serviceId "S3"), but its config.serviceId is "Kinesis"`,
    );
    expect(() => s3Checkpoints({ bucket: "" })).toThrow("s3Checkpoints: bucket must be a bucket name");
  });

  test("a missing bucket is an error, not a job without checkpoints", async () => {
    const store = fixture.store({ bucket: `missing-${fixture.bucket}` });
    await expect(store.checkpoints(uniqueName("missing"))).rejects.toMatchObject({ name: "NoSuchBucket" });
    await expect(
      store.commit(new CheckpointBuilder(uniqueName("missing")).next(1, ALL_FULL), 1),
    ).rejects.toMatchObject({
      name: "NoSuchBucket",
    });
  });
});

describe("S3CheckpointStore through throttling", () => {
  let proxy: FaultProxy;
  let client: S3Client;
  beforeAll(async () => {
    proxy = await startFaultProxy({ target: fixture.s3.endpoint });
    client = new S3Client({ ...localS3ClientConfig(proxy.endpoint), maxAttempts: 1 });
  });
  afterAll(async () => {
    client?.destroy();
    await proxy?.stop();
  });

  const slowDown = {
    respond: {
      status: 503,
      headers: { "content-type": "application/xml" },
      body: Buffer.from(
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
      ),
    },
  };

  test("each request answered 503 SlowDown the first time: every call is retried, the commit and reads succeed", async () => {
    const seen = new Set<string>();
    proxy.setPolicy((request) => {
      const call = `${request.method} ${request.url}`;
      if (seen.has(call)) return undefined;
      seen.add(call);
      return slowDown;
    });
    const store = fixture.store({
      prefix: "throttled/",
      client,
      retry: { maxAttempts: 3, initialBackoffMS: 1 },
    });
    const job = uniqueName("throttled");
    const builder = new CheckpointBuilder(job);
    await store.commit(builder.next(1, ALL_FULL), 2);
    await store.commit(builder.next(2, { 1: "delta" }), 2);
    const [latest] = await store.checkpoints(job);
    expect(latest?.checkpointId).toBe(2);
    for (const ref of blobRefsOf(latest!)) expect((await store.readBlob(ref)).byteLength).toBe(ref.size);
    expect(proxy.stats.faults).toBeGreaterThan(10);
  });

  test("a store's own client makes one HTTP attempt per call, from the SDK's environment (AWS_ENDPOINT_URL_S3, AWS_REGION)", async () => {
    const environment: Record<string, string> = {
      AWS_ENDPOINT_URL_S3: proxy.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
      AWS_REQUEST_CHECKSUM_CALCULATION: "WHEN_REQUIRED",
      AWS_RESPONSE_CHECKSUM_VALIDATION: "WHEN_REQUIRED",
    };
    const saved = Object.fromEntries(Object.keys(environment).map((name) => [name, process.env[name]]));
    Object.assign(process.env, environment);
    const job = uniqueName("own-client");
    const store = new S3CheckpointStore({
      bucket: fixture.bucket,
      prefix: "own/",
      logger: silentLogger,
      retry: { maxAttempts: 1 },
    });
    try {
      proxy.setPolicy(() => undefined);
      const checkpoint = new CheckpointBuilder(job).next(1, ALL_FULL);
      await store.commit(checkpoint, 1);
      expect(await store.checkpoints(job)).toEqual([checkpoint.manifest]);
      // One refused request, one failure: the SDK does not retry behind Eddy's back.
      proxy.setPolicy(() => slowDown);
      const requests = proxy.stats.requests;
      await expect(store.checkpoints(job)).rejects.toMatchObject({ name: "RetriesExhaustedError" });
      expect(proxy.stats.requests - requests).toBe(1);
    } finally {
      proxy.setPolicy(() => undefined);
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await store.close();
    }
  });
});
