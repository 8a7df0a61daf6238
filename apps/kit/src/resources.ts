import {
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import {
  CreateDeliveryStreamCommand,
  ResourceInUseException as DeliveryStreamInUseException,
  type FirehoseClient,
} from "@aws-sdk/client-firehose";
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import { createStreamAdmin } from "@eddy/connector-kinesis";
import type { Connections } from "./connections.ts";
import type { Runtime, SinkKind } from "./runtime.ts";

/**
 * Creates what the apps write to and read from when it is missing, for the local stack: a
 * Kinesis stream, a DynamoDB table, a Firehose delivery stream to S3. Existing ones are left as
 * they are. On AWS, create them yourself (the READMEs show the commands): a delivery stream needs
 * an IAM role, which an example app should not create.
 */

/** A Kinesis data stream with `shards` shards, active on return, created through `client`. */
export async function ensureKinesisStream(
  client: KinesisClient,
  stream: string,
  shards: number,
): Promise<void> {
  const admin = createStreamAdmin(client);
  try {
    await admin.createStream(stream, shards);
  } catch (error) {
    if ((error as { name?: string }).name !== "ResourceInUseException") throw error;
    await admin.waitUntilActive(stream);
  } finally {
    admin.close();
  }
}

/**
 * A table with a string partition key (and sort key), billed per request, created through
 * `client` and active on return: DynamoDB creates tables asynchronously, and a write before the
 * table is ACTIVE fails with ResourceNotFoundException.
 */
export async function ensureDynamoDbTable(
  client: DynamoDBClient,
  table: string,
  key: { readonly partition: string; readonly sort?: string },
): Promise<void> {
  const names = key.sort === undefined ? [key.partition] : [key.partition, key.sort];
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        KeySchema: names.map((name, i) => ({ AttributeName: name, KeyType: i === 0 ? "HASH" : "RANGE" })),
        AttributeDefinitions: names.map((name) => ({ AttributeName: name, AttributeType: "S" })),
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  // The SDK's waiter: DescribeTable until ACTIVE. The stand-ins are ACTIVE at once, AWS in seconds.
  await waitUntilTableExists({ client, minDelay: 0.05, maxDelay: 2, maxWaitTime: 120 }, { TableName: table });
}

/** A Direct PUT delivery stream writing to `s3://bucket/prefix`, buffering at most `bufferSeconds`. */
export async function ensureDeliveryStream(
  client: FirehoseClient,
  deliveryStream: string,
  destination: { readonly bucket: string; readonly prefix: string; readonly bufferSeconds: number },
): Promise<void> {
  try {
    await client.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: deliveryStream,
        DeliveryStreamType: "DirectPut",
        ExtendedS3DestinationConfiguration: {
          BucketARN: `arn:aws:s3:::${destination.bucket}`,
          RoleARN: "arn:aws:iam::000000000000:role/local-firehose",
          Prefix: destination.prefix,
          BufferingHints: { SizeInMBs: 5, IntervalInSeconds: destination.bufferSeconds },
          CompressionFormat: "UNCOMPRESSED",
        },
      }),
    );
  } catch (error) {
    if (!(error instanceof DeliveryStreamInUseException)) throw error;
  }
}

/** What an app reads and writes, for {@link ensureResources}. */
export interface AppResources {
  readonly stream: { readonly name: string; readonly shards: number };
  /** Created when the `dynamodb` sink is on. */
  readonly table?: { readonly name: string; readonly partitionKey: string };
  /** Created when the `firehose` sink is on, delivering to the stack's bucket under `prefix`. */
  readonly deliveryStream?: { readonly name: string; readonly prefix: string };
}

/**
 * On the local stack (`--create-resources`, the default there): creates the app's stream, and its
 * table and delivery stream when those sinks are on. Does nothing otherwise.
 */
export async function ensureResources(runtime: Runtime, resources: AppResources): Promise<void> {
  if (!runtime.connections || !runtime.createResources) return;
  await createResources(runtime.connections, resources, runtime.sinks);
}

/**
 * Creates the app's stream, and its table and delivery stream when `sinks` has those, through
 * `aws` (the local stack's connections: a delivery stream delivers to its bucket).
 */
export async function createResources(
  aws: Connections,
  resources: AppResources,
  sinks: ReadonlySet<SinkKind>,
): Promise<void> {
  await ensureKinesisStream(aws.kinesis, resources.stream.name, resources.stream.shards);
  const { table, deliveryStream } = resources;
  if (table && sinks.has("dynamodb")) {
    await ensureDynamoDbTable(aws.dynamodb, table.name, { partition: table.partitionKey });
  }
  if (deliveryStream && aws.bucket && sinks.has("firehose")) {
    await ensureDeliveryStream(aws.firehose, deliveryStream.name, {
      bucket: aws.bucket,
      prefix: deliveryStream.prefix,
      bufferSeconds: 10,
    });
  }
}
