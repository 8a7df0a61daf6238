import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import type { FirehoseClientConfig } from "@aws-sdk/client-firehose";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import type { S3ClientConfig } from "@aws-sdk/client-s3";
import type { KinesisConnection } from "@eddy/connector-kinesis";

/** How an app reaches Kinesis, DynamoDB, Firehose and Redis: the local stack, or AWS. */
export interface Connections {
  /** Said on startup, e.g. `local stack (.eddy/stack.json)`. */
  readonly description: string;
  readonly kinesis: KinesisConnection;
  readonly dynamodb: DynamoDBClientConfig;
  readonly firehose: FirehoseClientConfig;
  /** The local stack's S3, for `--checkpoints s3://…`; on AWS the store resolves S3 as the SDK does. */
  readonly s3: S3ClientConfig | undefined;
  /** The local stack's Redis; none on AWS (give `--checkpoints redis://…` for ElastiCache). */
  readonly redisUrl: string | undefined;
  /** The local stack's bucket, where delivery streams the app creates deliver to. */
  readonly bucket: string | undefined;
}

/**
 * Real AWS: every client takes credentials and region from the SDK's default chain
 * (`AWS_PROFILE`, `AWS_REGION`, environment keys, SSO, instance roles…), as any AWS tool does.
 * The description names the region the SDK resolves, asked of the SDK itself: `AWS_REGION` or
 * the profile's `region`, never `AWS_DEFAULT_REGION`, which the SDK for JavaScript v3 does not read.
 */
export async function awsConnections(): Promise<Connections> {
  const region = await sdkRegion();
  return {
    description: `AWS (${region ? `region ${region}` : "no region found by the SDK: set AWS_REGION or a region in your AWS profile"}, default credential chain)`,
    kinesis: {},
    dynamodb: {},
    firehose: {},
    s3: undefined,
    redisUrl: undefined,
    bucket: undefined,
  };
}

/** The region a client built with the SDK's defaults uses, or undefined when it finds none. */
async function sdkRegion(): Promise<string | undefined> {
  const probe = new KinesisClient({});
  try {
    return await probe.config.region();
  } catch {
    return undefined;
  } finally {
    probe.destroy();
  }
}

/**
 * The local stack that `npm run stack` started, as its `.eddy/stack.json` (or `path`) describes
 * it. Throws saying how to start one when none is running.
 */
export async function localStackConnections(path: string): Promise<Connections> {
  // Imported here, not at the top: the stand-ins are a development tool, never loaded on AWS.
  const { readStackFile, localClientConfig, localS3ClientConfig } = await import("@eddy/local-stack");
  const stack = await readStackFile(path);
  if (!stack) {
    throw new Error(
      `no local stack is running (${path} is missing or its process has exited): start one with \`npm run stack\` in another terminal, or use --mode embedded`,
    );
  }
  return {
    description: `local stack (${path})`,
    kinesis: { ...localClientConfig(stack.kinesis), subscribeHttpVersion: "1.1" },
    dynamodb: localClientConfig(stack.dynamodb),
    firehose: localClientConfig(stack.firehose),
    s3: localS3ClientConfig(stack.s3),
    redisUrl: stack.redis,
    bucket: stack.bucket,
  };
}
