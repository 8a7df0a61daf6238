import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { LOCAL_CREDENTIALS, LOCAL_REGION, localS3ClientConfig } from "./aws-config.ts";
import { startLocalDynamoDb } from "./dynalite.ts";
import { LOCAL_FIREHOSE_NOTICE, startLocalFirehose } from "./firehose/firehose-server.ts";
import { startLocalKinesis } from "./kinesis.ts";
import { startLocalRedis } from "./redis.ts";
import { startLocalS3 } from "./s3rver.ts";
import type { StackEndpoints } from "./stack-file.ts";

/** Ports the stack tries first (LocalStack's old per-service ports); a busy one is replaced by a free one. */
export const STACK_PORTS = { kinesis: 4568, dynamodb: 4569, s3: 4572, firehose: 4573, redis: 6380 } as const;

/** A running local stack. */
export interface LocalStack {
  readonly endpoints: StackEndpoints;
  stop(): Promise<void>;
}

/**
 * Starts every stand-in on 127.0.0.1: kinesis-local, dynalite, s3rver, the local Firehose (writing
 * to that s3rver) and a redis-server, plus a bucket to play with. If one fails to start, the ones
 * already running are stopped. Development only.
 */
export async function startStack(
  options: {
    ports?: Partial<Record<keyof typeof STACK_PORTS, number>>;
    s3Directory?: string;
    bucket?: string;
    log?: (line: string) => void;
  } = {},
): Promise<LocalStack> {
  const ports = { ...STACK_PORTS, ...options.ports };
  const log = options.log ?? (() => {});
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    stops.length = 0;
  };
  try {
    const started = <S extends { stop(): Promise<void> }>(server: S): S => {
      stops.push(() => server.stop());
      return server;
    };
    // All four start together; when one fails, wait for the others to settle so that none is left
    // running unseen, then stop those that did start.
    const [s3, dynamodb, redis, kinesis] = await allStarted([
      startLocalS3({ port: ports.s3, directory: options.s3Directory }).then(started),
      startLocalDynamoDb({ port: ports.dynamodb }).then(started),
      startLocalRedis({ port: ports.redis }).then(started),
      startLocalKinesis({ port: ports.kinesis }).then(started),
    ] as const);
    const firehose = await startLocalFirehose({
      s3Endpoint: s3.endpoint,
      port: ports.firehose,
      events: {
        delivered: (stream, key, records, bytes) =>
          log(`firehose ${stream}: delivered ${records} records (${bytes} bytes) to ${key}`),
        failed: (stream, key, error, attempt) =>
          log(`firehose ${stream}: delivery of ${key} failed (attempt ${attempt}): ${String(error)}`),
      },
    });
    stops.push(firehose.stop);
    const bucket = options.bucket ?? "eddy-local";
    const client = new S3Client(localS3ClientConfig(s3.endpoint));
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    } catch (error) {
      if ((error as { name?: string }).name !== "BucketAlreadyOwnedByYou") throw error;
    } finally {
      client.destroy();
    }
    const endpoints: StackEndpoints = {
      note: `development only: local stand-ins, not AWS. ${LOCAL_FIREHOSE_NOTICE}`,
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
    return { endpoints, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Like `Promise.all`, but settles only once every promise has: a rejection does not leave the
 * others running in the background. Rejects with the first failure, the others attached as causes.
 */
async function allStarted<T extends readonly unknown[]>(
  starting: { readonly [K in keyof T]: Promise<T[K]> },
): Promise<T> {
  const settled = await Promise.allSettled(starting);
  const failures = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failures.length === 1) throw failures[0]!.reason;
  if (failures.length > 1) {
    throw new AggregateError(
      failures.map((f) => f.reason),
      failures.map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason))).join("; "),
    );
  }
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
