import {
  CreateDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  type FirehoseClient,
} from "@aws-sdk/client-firehose";
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  waitUntilStreamExists,
} from "@aws-sdk/client-kinesis";
import { CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import type { SqlApplication } from "@eddy/sql";
import { ConfigError } from "../config-error.ts";
import type { AwsClients } from "./aws-clients.ts";

const nameOf = (error: unknown) => (error as { name?: string }).name;

/** The Kinesis streams the application reads and writes, with the shards to create them with. */
function kinesisStreams(app: SqlApplication): Map<string, { arn: string; shards: number }> {
  const streams = new Map<string, { arn: string; shards: number }>();
  if (app.input?.source.kind === "kinesis") {
    const { name, arn } = app.input.source.resource;
    // One shard per in-application stream, so every stream of InputParallelism gets rows.
    streams.set(name, { arn, shards: app.input.streamNames.length });
  }
  for (const output of app.outputs)
    if (output.kind === "kinesis" && !streams.has(output.resource.name))
      streams.set(output.resource.name, { arn: output.resource.arn, shards: 1 });
  return streams;
}

const deliveryStreams = (app: SqlApplication) =>
  new Map(app.outputs.filter((o) => o.kind === "firehose").map((o) => [o.resource.name, o.resource.arn]));

async function createStream(kinesis: KinesisClient, name: string, shards: number): Promise<void> {
  try {
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  } catch (error) {
    if (nameOf(error) !== "ResourceInUseException") throw error;
  }
  await waitUntilStreamExists({ client: kinesis, maxWaitTime: 60 }, { StreamName: name });
}

async function createDeliveryStream(firehose: FirehoseClient, name: string, bucket: string): Promise<void> {
  try {
    await firehose.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: name,
        DeliveryStreamType: "DirectPut",
        ExtendedS3DestinationConfiguration: {
          BucketARN: `arn:aws:s3:::${bucket}`,
          RoleARN: "arn:aws:iam::000000000000:role/local-firehose",
          Prefix: `${name}/`,
          BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 10 },
          CompressionFormat: "UNCOMPRESSED",
        },
      }),
    );
  } catch (error) {
    if (nameOf(error) !== "ResourceInUseException") throw error;
  }
}

async function createBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (nameOf(error) !== "BucketAlreadyOwnedByYou" && nameOf(error) !== "BucketAlreadyExists") throw error;
  }
}

/**
 * `--mode local`: creates what the description names and the local stack lacks — the input and
 * output Kinesis streams (the input with one shard per in-application stream), the Firehose
 * delivery streams (delivering to the stack's bucket under `<name>/`) and the reference data
 * bucket (not its object: put the file there first). Returns one line per resource for the
 * start-up banner.
 *
 * @example
 * declare const app: SqlApplication, clients: AwsClients;
 * const lines = await createLocalResources(app, clients);
 */
export async function createLocalResources(app: SqlApplication, clients: AwsClients): Promise<string[]> {
  const lines: string[] = [];
  for (const [name, { shards }] of kinesisStreams(app)) {
    await createStream(clients.kinesis, name, shards);
    lines.push(`kinesis stream ${name}`);
  }
  for (const name of deliveryStreams(app).keys()) {
    await createDeliveryStream(clients.firehose, name, clients.localBucket!);
    lines.push(`delivery stream ${name} → s3://${clients.localBucket}/${name}/`);
  }
  for (const { bucket } of app.referenceData) await createBucket(clients.s3, bucket);
  return lines;
}

/**
 * `--mode aws`: checks that the streams and delivery streams the description names exist, so a
 * wrong ARN is a one-line configuration error before the job starts rather than a failing job.
 * Other errors (credentials, network) are left to the caller as they are.
 *
 * @example
 * declare const app: SqlApplication, clients: AwsClients;
 * await checkAwsResources(app, clients);
 */
export async function checkAwsResources(app: SqlApplication, clients: AwsClients): Promise<void> {
  for (const [name, { arn }] of kinesisStreams(app)) {
    try {
      await clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    } catch (error) {
      if (nameOf(error) === "ResourceNotFoundException")
        throw new ConfigError(`the Kinesis stream ${arn} does not exist (or not in the SDK's region)`);
      throw error;
    }
  }
  for (const [name, arn] of deliveryStreams(app)) {
    try {
      await clients.firehose.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: name }));
    } catch (error) {
      if (nameOf(error) === "ResourceNotFoundException")
        throw new ConfigError(
          `the Firehose delivery stream ${arn} does not exist (or not in the SDK's region)`,
        );
      throw error;
    }
  }
}
