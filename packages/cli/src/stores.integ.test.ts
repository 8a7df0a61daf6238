import { S3Client } from "@aws-sdk/client-s3";
import { silentLogger } from "@eddy/core";
import { blobRefsOf, CheckpointBuilder, uniqueName } from "@eddy/core/testing";
import { type LocalS3, LocalS3Objects, localS3ClientConfig, startLocalS3 } from "@eddy/local-stack";
import { redisCheckpoints, s3Checkpoints } from "@eddy/state";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { eddy } from "./test-support/captured.ts";
import { eddyProcess } from "./test-support/eddy-process.ts";

const ALL_FULL = { 0: "full", 1: "full", 2: "full", 3: "full" } as const;

/** Three checkpoints and a savepoint of a new job, committed to `store`. */
function checkpointsOf(job: string) {
  const builder = new CheckpointBuilder(job);
  return [
    builder.next(1, ALL_FULL),
    builder.next(2, ALL_FULL, { kind: "savepoint", name: "v1" }),
    builder.next(3, { 0: "delta", 1: "full" }),
  ];
}

describe("eddy on Redis (127.0.0.1:6379)", () => {
  const url = "redis://127.0.0.1:6379";
  const store = redisCheckpoints(url, { logger: silentLogger });
  const job = uniqueName("cli-redis");
  afterAll(async () => {
    for (const m of await store.checkpoints(job))
      await store.deleteCheckpoint(job, m.checkpointId, { force: true });
    for (const m of await store.savepoints(job)) await store.deleteSavepoint(job, m.savepointName!);
    await store.close();
  });

  test("lists the job among the store's jobs, its checkpoints and savepoints; deletes one and a savepoint", async () => {
    const taken = checkpointsOf(job);
    for (const checkpoint of taken) await store.commit(checkpoint, 5);
    const jobs = await eddy(["checkpoints", "list", "--store", url, "--json"]);
    expect(jobs.code).toBe(0);
    expect(JSON.parse(jobs.out)).toContainEqual({
      job,
      checkpoints: 3,
      latest: 3,
      completedAt: taken[2]!.manifest.completedAt,
      savepoints: 1,
    });
    const listed = await eddy(["checkpoints", "list", job, "--store", url, "--json"]);
    expect((JSON.parse(listed.out) as { checkpointId: number }[]).map((c) => c.checkpointId)).toEqual([
      3, 2, 1,
    ]);

    expect((await eddy(["checkpoints", "delete", job, "1", "--store", url])).code).toBe(0);
    expect((await eddy(["savepoints", "delete", job, "v1", "--store", url])).code).toBe(0);
    expect((await store.checkpoints(job)).map((m) => m.checkpointId)).toEqual([3, 2]);
    expect(await store.savepoints(job)).toEqual([]);
    for (const m of await store.checkpoints(job)) for (const ref of blobRefsOf(m)) await store.readBlob(ref);
  });

  test("as a process: a Redis that cannot be reached is one line and exit code 1", async () => {
    const result = await eddyProcess(["checkpoints", "list", "--store", "redis://127.0.0.1:1"]);
    expect(result.code).toBe(1);
    expect(result.out).toBe("");
    expect(result.err).toBe("eddy: redis://127.0.0.1:1 is unreachable (connect ECONNREFUSED 127.0.0.1:1)\n");
  }, 120_000);
});

describe("eddy on S3 (the local stand-in), as a process", () => {
  let s3: LocalS3;
  let objects: LocalS3Objects;
  let client: S3Client;
  const bucket = uniqueName("eddy-cli");
  beforeAll(async () => {
    s3 = await startLocalS3();
    objects = new LocalS3Objects(s3.endpoint);
    await objects.createBucket(bucket);
    client = new S3Client({ ...localS3ClientConfig(s3.endpoint), maxAttempts: 1 });
  });
  afterAll(async () => {
    client?.destroy();
    await objects?.empty(bucket);
    objects?.close();
    await s3?.stop();
  });

  test("lists and deletes through the SDK's own resolution of endpoint, region and credentials", async () => {
    const job = uniqueName("cli-s3");
    const store = s3Checkpoints({ bucket, prefix: "team/", client, logger: silentLogger });
    const taken = checkpointsOf(job);
    for (const checkpoint of taken) await store.commit(checkpoint, 5);
    // The stand-in's fake credentials, as any S3-compatible endpoint would be configured.
    const env = {
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
      AWS_REQUEST_CHECKSUM_CALCULATION: "WHEN_REQUIRED",
      AWS_RESPONSE_CHECKSUM_VALIDATION: "WHEN_REQUIRED",
      EDDY_CHECKPOINTS: `s3://${bucket}/team`,
    };
    const listed = await eddyProcess(["checkpoints", "list", job], env);
    expect(listed).toMatchObject({ code: 0, err: "" });
    expect(
      listed.out
        .trim()
        .split("\n")
        .slice(1)
        .map((row) => row.trim().split(/\s+/)[0]),
    ).toEqual(["3", "2", "1"]);

    const refused = await eddyProcess(["checkpoints", "delete", job, "3"], env);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^eddy: checkpoint 3 is the latest of job/);
    const deleted = await eddyProcess(["checkpoints", "delete", job, "1", "2"], env);
    expect(deleted).toMatchObject({ code: 0, err: "" });
    expect((await store.checkpoints(job)).map((m) => m.checkpointId)).toEqual([3]);
    // The savepoint outlives its checkpoint, and checkpoint 3 still reads whole.
    expect((await store.savepoints(job)).map((m) => m.savepointName)).toEqual(["v1"]);
    for (const ref of blobRefsOf(taken[2]!.manifest)) await store.readBlob(ref);
    await store.close();
    // Each process starts tsx and the SDK: seconds apiece on a loaded machine.
  }, 240_000);
});
