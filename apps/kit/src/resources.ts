import {
  CreateTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  ResourceInUseException,
} from "@aws-sdk/client-dynamodb";
import {
  CreateDeliveryStreamCommand,
  ResourceInUseException as DeliveryStreamInUseException,
  FirehoseClient,
  type FirehoseClientConfig,
} from "@aws-sdk/client-firehose";
import { createStreamAdmin, type KinesisConnection } from "@eddy/connector-kinesis";

/**
 * Creates what the apps write to and read from when it is missing, for the local stack: a
 * Kinesis stream, a DynamoDB table, a Firehose delivery stream to S3. Existing ones are left as
 * they are. On AWS, create them yourself (the READMEs show the commands): a delivery stream needs
 * an IAM role, which an example app should not create.
 */

/** A Kinesis data stream with `shards` shards, active on return. */
export async function ensureKinesisStream(
  connection: KinesisConnection,
  stream: string,
  shards: number,
): Promise<void> {
  const admin = createStreamAdmin(connection);
  try {
    await admin.createStream(stream, shards);
  } catch (error) {
    if ((error as { name?: string }).name !== "ResourceInUseException") throw error;
    await admin.waitUntilActive(stream);
  } finally {
    admin.close();
  }
}

/** A table with a string partition key (and sort key), billed per request. */
export async function ensureDynamoDbTable(
  config: DynamoDBClientConfig,
  table: string,
  key: { readonly partition: string; readonly sort?: string },
): Promise<void> {
  const client = new DynamoDBClient(config);
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
  } finally {
    client.destroy();
  }
}

/** A Direct PUT delivery stream writing to `s3://bucket/prefix`, buffering at most `bufferSeconds`. */
export async function ensureDeliveryStream(
  config: FirehoseClientConfig,
  deliveryStream: string,
  destination: { readonly bucket: string; readonly prefix: string; readonly bufferSeconds: number },
): Promise<void> {
  const client = new FirehoseClient(config);
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
  } finally {
    client.destroy();
  }
}
