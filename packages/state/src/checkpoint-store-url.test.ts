import { MemoryCheckpointStore } from "@eddy/core";
import { describe, expect, test } from "vitest";
import { checkpointStoreAt, parseCheckpointStoreUrl } from "./checkpoint-store-url.ts";
import { FileCheckpointStore } from "./file-checkpoint-store.ts";
import { RedisCheckpointStore } from "./redis-checkpoint-store.ts";
import { S3CheckpointStore } from "./s3-checkpoint-store.ts";

describe("parseCheckpointStoreUrl", () => {
  test("reads every kind of location", () => {
    expect(parseCheckpointStoreUrl(" redis://127.0.0.1:6379/2 ")).toEqual({
      kind: "redis",
      url: "redis://127.0.0.1:6379/2",
    });
    expect(parseCheckpointStoreUrl("rediss://cache.example:6380")).toEqual({
      kind: "redis",
      url: "rediss://cache.example:6380",
    });
    expect(parseCheckpointStoreUrl("s3://my-bucket/team/fx")).toEqual({
      kind: "s3",
      bucket: "my-bucket",
      prefix: "team/fx",
    });
    expect(parseCheckpointStoreUrl("s3://my-bucket")).toEqual({
      kind: "s3",
      bucket: "my-bucket",
      prefix: "",
    });
    expect(parseCheckpointStoreUrl("./.eddy/checkpoints")).toEqual({
      kind: "directory",
      path: "./.eddy/checkpoints",
    });
    expect(parseCheckpointStoreUrl("none")).toEqual({ kind: "none" });
    expect(parseCheckpointStoreUrl("memory")).toEqual({ kind: "memory" });
  });

  test("says what is wrong with a location it cannot read", () => {
    expect(() => parseCheckpointStoreUrl("  ")).toThrow("must not be empty");
    expect(() => parseCheckpointStoreUrl("s3://My_Bucket/x")).toThrow(
      'must be s3://<bucket>/<prefix> with a bucket name of 3 to 63 lowercase letters, digits, dots and hyphens, got "My_Bucket"',
    );
    expect(() => parseCheckpointStoreUrl("redis://")).toThrow("is not a Redis URL such as redis://host:6379");
    expect(() => parseCheckpointStoreUrl("gs://bucket/x")).toThrow(
      "gs:// is not a checkpoint store: give a directory, s3://<bucket>/<prefix>, redis://<host>:<port>, memory or none",
    );
  });
});

test("checkpointStoreAt opens the store of each kind", async () => {
  expect(checkpointStoreAt("none")).toBeUndefined();
  expect(checkpointStoreAt("memory")).toBeInstanceOf(MemoryCheckpointStore);
  const redis = checkpointStoreAt("redis://127.0.0.1:6399");
  expect(redis).toBeInstanceOf(RedisCheckpointStore);
  await redis?.close?.();
  const s3 = checkpointStoreAt({ kind: "s3", bucket: "my-bucket", prefix: "team" });
  expect(s3).toBeInstanceOf(S3CheckpointStore);
  expect(s3?.description).toBe("s3://my-bucket/team/");
  const directory = checkpointStoreAt("relative/dir");
  expect(directory).toBeInstanceOf(FileCheckpointStore);
  expect((directory as FileCheckpointStore).directory).toBe(`${process.cwd()}/relative/dir`);
});
