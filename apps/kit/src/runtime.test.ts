import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryCheckpointStore } from "@eddy/core";
import { FileCheckpointStore, RedisCheckpointStore, S3CheckpointStore } from "@eddy/state";
import { afterAll, beforeAll, expect, test } from "vitest";
import { checkpointStoreFor, resolveRuntime, runtimeSettings } from "./runtime.ts";
import { readSettings, SettingsError } from "./settings.ts";

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "eddy-runtime-"));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const settings = (argv: string[]) => readSettings(runtimeSettings("test-app"), argv, {});

test("embedded mode: the generator, console and files, file checkpoints, no AWS", async () => {
  const runtime = await resolveRuntime(settings(["--checkpoints", join(directory, "cp")]));
  expect(runtime.mode).toBe("embedded");
  expect(runtime.source).toBe("generator");
  expect([...runtime.sinks]).toEqual(["console", "files"]);
  expect(runtime.store).toBeInstanceOf(FileCheckpointStore);
  expect(runtime.connections).toBeUndefined();
  expect(runtime.startFrom).toBe("latest");
  await runtime.close();
});

test("--from-savepoint starts from that savepoint, and contradicts --fresh", async () => {
  const runtime = await resolveRuntime(
    settings(["--checkpoints", join(directory, "cp"), "--from-savepoint", "before-upgrade"]),
  );
  expect(runtime.startFrom).toEqual({ savepoint: "before-upgrade" });
  await runtime.close();
  await expect(
    resolveRuntime(settings(["--checkpoints", join(directory, "cp"), "--from-savepoint", "x", "--fresh"])),
  ).rejects.toThrow(/--fresh and --from-savepoint contradict each other/);
});

test("embedded mode refuses what needs AWS, saying which mode to pick", async () => {
  await expect(resolveRuntime(settings(["--source", "kinesis"]))).rejects.toThrow(
    /--mode local .* or --mode aws/,
  );
  await expect(resolveRuntime(settings(["--sinks", "console,dynamodb"]))).rejects.toThrow(
    /embedded mode uses no AWS/,
  );
});

test("local mode reads the stack file, checkpoints to the stack's Redis and creates resources", async () => {
  const stackFile = join(directory, "stack.json");
  await expect(resolveRuntime(settings(["--mode", "local", "--stack-file", stackFile]))).rejects.toThrow(
    /no local stack is running .*npm run stack/,
  );
  const endpoints = {
    note: "",
    region: "us-east-1",
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    kinesis: "http://127.0.0.1:1",
    dynamodb: "http://127.0.0.1:2",
    s3: "http://127.0.0.1:3",
    firehose: "http://127.0.0.1:4",
    redis: "redis://127.0.0.1:5",
    bucket: "b",
    pid: process.pid,
    startedAt: "",
  };
  await writeFile(stackFile, JSON.stringify(endpoints));
  const runtime = await resolveRuntime(settings(["--mode", "local", "--stack-file", stackFile, "--fresh"]));
  expect(runtime.source).toBe("kinesis");
  expect([...runtime.sinks]).toEqual(["console", "dynamodb", "firehose"]);
  expect(runtime.store).toBeInstanceOf(RedisCheckpointStore);
  expect(runtime.store?.description).toContain("127.0.0.1:5");
  const dynamodb = runtime.connections?.dynamodb.config;
  expect(await dynamodb?.region()).toBe("us-east-1");
  expect(await dynamodb?.endpoint?.()).toMatchObject({ hostname: "127.0.0.1", port: 2 });
  expect(dynamodb?.maxAttempts).toBeDefined();
  expect(await dynamodb?.maxAttempts()).toBe(1);
  expect(runtime.createResources).toBe(true);
  expect(runtime.startFrom).toBe("fresh");
  await runtime.close();
});

test("aws mode uses the SDK's defaults and will not create resources", async () => {
  const runtime = await resolveRuntime(settings(["--mode", "aws", "--checkpoints", "memory"]));
  // The SDK's own defaults (region and credentials from its chain), one attempt per call.
  expect(runtime.connections?.kinesis.config.endpoint).toBeUndefined();
  expect(await runtime.connections?.kinesis.config.maxAttempts()).toBe(1);
  expect(runtime.store).toBeInstanceOf(MemoryCheckpointStore);
  expect(runtime.createResources).toBe(false);
  await expect(resolveRuntime(settings(["--mode", "aws", "--create-resources"]))).rejects.toThrow(
    /local stack only/,
  );
});

test("aws mode will not default to checkpoints on the container's disk: it says what to pass", async () => {
  const refused = resolveRuntime(settings(["--mode", "aws"]));
  await expect(refused).rejects.toThrow(SettingsError);
  await expect(resolveRuntime(settings(["--mode", "aws"]))).rejects.toThrow(
    /^--mode aws needs checkpoints that outlive the container .*: pass --checkpoints s3:\/\/<bucket>\/<prefix> or --checkpoints redis:\/\/<host>:<port> \(or --checkpoints <directory> to keep them on local disk anyway\)$/,
  );
  const explicit = await resolveRuntime(settings(["--mode", "aws", "--checkpoints", join(directory, "aws")]));
  expect(explicit.store).toBeInstanceOf(FileCheckpointStore);
  await explicit.close();
  const s3 = await resolveRuntime(settings(["--mode", "aws", "--checkpoints", "s3://my-bucket/eddy"]));
  expect(s3.store?.description).toBe("s3://my-bucket/eddy/");
  await s3.close();
});

test("checkpoint stores by description", () => {
  expect(checkpointStoreFor("none")).toBeUndefined();
  expect(checkpointStoreFor("memory")).toBeInstanceOf(MemoryCheckpointStore);
  expect(checkpointStoreFor("redis://127.0.0.1:6399")).toBeInstanceOf(RedisCheckpointStore);
  expect(checkpointStoreFor(join(directory, "x"))).toBeInstanceOf(FileCheckpointStore);
  const s3 = checkpointStoreFor("s3://my-bucket/team/fx");
  expect(s3).toBeInstanceOf(S3CheckpointStore);
  expect(s3?.description).toBe("s3://my-bucket/team/fx/");
  expect(checkpointStoreFor("s3://my-bucket")?.description).toBe("s3://my-bucket/");
});

test("--checkpoints names a store it knows, or says what it takes", () => {
  expect(settings(["--checkpoints", "s3://my-bucket/eddy/"]).checkpoints).toBe("s3://my-bucket/eddy/");
  expect(() => settings(["--checkpoints", "gs://my-bucket/eddy"])).toThrow(
    '--checkpoints="gs://my-bucket/eddy": gs:// is not a checkpoint store: give a directory, s3://<bucket>/<prefix>, redis://<host>:<port>, memory or none',
  );
  expect(() => settings(["--checkpoints", "s3://"])).toThrow(
    /must be s3:\/\/<bucket>\/<prefix> with a bucket name/,
  );
  expect(() => settings(["--checkpoints", "s3://My_Bucket/x"])).toThrow(/got "My_Bucket"/);
  expect(() => settings(["--checkpoints", "redis://"])).toThrow(/is not a Redis URL/);
});
