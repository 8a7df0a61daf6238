import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { FirehoseClient } from "@aws-sdk/client-firehose";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";

/**
 * How an app reaches Kinesis, DynamoDB, Firehose and Redis: the local stack, or AWS. The SDK
 * clients are built once per run and handed to every connector as `client`; they are built with
 * `maxAttempts: 1`, since the connectors retry every call themselves (the SDK's attempts would
 * run inside each of theirs). {@link Connections.close} destroys them.
 */
export interface Connections {
  /** Said on startup, e.g. `local stack (.eddy/stack.json)`. */
  readonly description: string;
  readonly kinesis: KinesisClient;
  readonly dynamodb: DynamoDBClient;
  readonly firehose: FirehoseClient;
  /** The local stack's S3, for `--checkpoints s3://…`; on AWS the store resolves S3 as the SDK does. */
  readonly s3: S3Client | undefined;
  /** The local stack's Redis; none on AWS (give `--checkpoints redis://…` for ElastiCache). */
  readonly redisUrl: string | undefined;
  /** The local stack's bucket, where delivery streams the app creates deliver to. */
  readonly bucket: string | undefined;
  /** Destroys the clients (their sockets); the run is over. */
  close(): void;
}

/** Connector calls are retried by Eddy; a client's own attempts would multiply them. */
const ONE_ATTEMPT = { maxAttempts: 1 } as const;

/**
 * Real AWS: every client takes credentials and region from the SDK's default chain
 * (`AWS_PROFILE`, `AWS_REGION`, environment keys, SSO, instance roles…), as any AWS tool does.
 * The description names the region the SDK resolves, asked of the SDK itself: `AWS_REGION` or
 * the profile's `region`, never `AWS_DEFAULT_REGION`, which the SDK for JavaScript v3 does not read.
 */
export async function awsConnections(): Promise<Connections> {
  // The SDK's default handler for Kinesis is HTTP/2, which AWS requires for SubscribeToShard.
  const kinesis = new KinesisClient(ONE_ATTEMPT);
  const region = await sdkRegion(kinesis);
  return connections({
    description: `AWS (${region ? `region ${region}` : "no region found by the SDK: set AWS_REGION or a region in your AWS profile"}, default credential chain)`,
    kinesis,
    dynamodb: new DynamoDBClient(ONE_ATTEMPT),
    firehose: new FirehoseClient(ONE_ATTEMPT),
    s3: undefined,
    redisUrl: undefined,
    bucket: undefined,
  });
}

/** The region `client` resolves, or undefined when the SDK finds none. */
async function sdkRegion(client: KinesisClient): Promise<string | undefined> {
  try {
    return await client.config.region();
  } catch {
    return undefined;
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
  return connections({
    description: `local stack (${path})`,
    // The stand-ins speak HTTP/1.1 only (SubscribeToShard included): the SDK's HTTP/2 default fails.
    kinesis: new KinesisClient({
      ...localClientConfig(stack.kinesis),
      ...ONE_ATTEMPT,
      requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000 }),
    }),
    dynamodb: new DynamoDBClient({ ...localClientConfig(stack.dynamodb), ...ONE_ATTEMPT }),
    firehose: new FirehoseClient({ ...localClientConfig(stack.firehose), ...ONE_ATTEMPT }),
    s3: new S3Client({ ...localS3ClientConfig(stack.s3), ...ONE_ATTEMPT }),
    redisUrl: stack.redis,
    bucket: stack.bucket,
  });
}

function connections(parts: Omit<Connections, "close">): Connections {
  return {
    ...parts,
    close() {
      for (const client of [parts.kinesis, parts.dynamodb, parts.firehose, parts.s3]) client?.destroy();
    },
  };
}
