import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../aws-config.ts";
import { startLocalDynamoDb } from "../dynalite.ts";
import { type LocalFirehose, startLocalFirehose } from "../firehose/firehose-server.ts";
import { startKinesalite } from "../kinesalite.ts";
import { startLocalRedis } from "../redis.ts";
import { LocalS3Objects } from "../s3-objects.ts";
import { startLocalS3 } from "../s3rver.ts";
import { type StackEndpoints, writeStackFile } from "../stack-file.ts";

/** A local stack of this test's own, described by a stack file the apps read with `--stack-file`. */
export interface TestStack {
  readonly endpoints: StackEndpoints;
  /** Pass as `EDDY_STACK_FILE` to an app in `--mode local`. */
  readonly stackFile: string;
  /** A temporary directory for the test's files (removed on stop). */
  readonly directory: string;
  readonly s3: LocalS3Objects;
  readonly firehose: LocalFirehose;
  /** A name no other test uses: `<prefix>-<8 hex digits>`. */
  unique(prefix: string): string;
  stop(): Promise<void>;
}

/**
 * Starts the stand-ins an app needs, on free ports, for one test file: kinesalite (the fastest
 * Kinesis), dynalite, s3rver with a bucket, the local Firehose delivering to it, and a Redis;
 * then writes their endpoints to a stack file, as `npm run stack` does.
 */
export async function startTestStack(): Promise<TestStack> {
  const directory = await mkdtemp(join(tmpdir(), "eddy-app-test-"));
  const stops: (() => Promise<void>)[] = [];
  const started = <S extends { stop(): Promise<void> }>(server: S): S => {
    stops.push(() => server.stop());
    return server;
  };
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await rm(directory, { recursive: true, force: true });
  };
  try {
    const [kinesis, dynamodb, s3, redis] = await Promise.all([
      startKinesalite().then(started),
      startLocalDynamoDb().then(started),
      startLocalS3({ directory: join(directory, "s3") }).then(started),
      startLocalRedis().then(started),
    ]);
    const firehose = started(await startLocalFirehose({ s3Endpoint: s3.endpoint }));
    const objects = new LocalS3Objects(s3.endpoint);
    stops.push(async () => objects.close());
    const bucket = `apps-${randomUUID().slice(0, 8)}`;
    await objects.createBucket(bucket);
    const endpoints: StackEndpoints = {
      note: "a test's own local stack",
      region: LOCAL_REGION,
      credentials: { ...LOCAL_CREDENTIALS },
      kinesis: kinesis.endpoint,
      dynamodb: dynamodb.endpoint,
      s3: s3.endpoint,
      firehose: firehose.endpoint,
      redis: redis.url,
      bucket,
      pid: process.pid,
      startedAt: new Date().toISOString(),
    };
    const stackFile = await writeStackFile(endpoints, join(directory, "stack.json"));
    return {
      endpoints,
      stackFile,
      directory,
      s3: objects,
      firehose,
      unique: (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
