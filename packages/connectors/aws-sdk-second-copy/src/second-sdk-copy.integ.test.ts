import { CreateTableCommand, DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { CreateDeliveryStreamCommand, FirehoseClient } from "@aws-sdk/client-firehose";
import { CreateStreamCommand, KinesisClient } from "@aws-sdk/client-kinesis";
import { S3Client } from "@aws-sdk/client-s3";
import { dynamoDbSink } from "@eddy/connector-dynamodb";
import { firehoseSink } from "@eddy/connector-firehose";
import { json, kinesisSink, kinesisSource } from "@eddy/connector-kinesis";
import { s3Sink, s3Source } from "@eddy/connector-s3";
import { collectSink, fromIterable, MemoryCheckpointStore, pipeline, silentLogger } from "@eddy/core";
import {
  type FaultProxy,
  LocalS3Objects,
  localS3ClientConfig,
  startFaultProxy,
  startKinesalite,
  startLocalDynamoDb,
  startLocalFirehose,
  startLocalS3,
} from "@eddy/local-stack";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/**
 * This copy's SDK version as its clients announce it in their user agent (the 3.1111.0 packages
 * call themselves 3.1110.0); the connectors are developed against 3.1143.0.
 */
const SECOND_COPY = /aws-sdk-js\/3\.111\d\.0 /;
const credentials = { accessKeyId: "second-copy-key", secretAccessKey: "second-copy-secret" };
const quiet = { logger: silentLogger, stopOnSignals: false } as const;

interface Seen {
  readonly target: string;
  readonly credential: string | undefined;
  readonly userAgent: string;
}

/** A proxy in front of a stand-in that records who signed each request and with which SDK. */
async function recording(target: string): Promise<{ proxy: FaultProxy; seen: Seen[] }> {
  const seen: Seen[] = [];
  const proxy = await startFaultProxy({
    target,
    policy: (request) => {
      seen.push({
        target: String(request.headers["x-amz-target"] ?? `${request.method} ${request.url}`),
        credential: /Credential=([^/]+)\//.exec(String(request.headers.authorization ?? ""))?.[1],
        userAgent: `${request.headers["user-agent"] ?? ""} ${request.headers["x-amz-user-agent"] ?? ""}`,
      });
      return undefined;
    },
  });
  return { proxy, seen };
}

/** Every request went through the given client: its credentials, its SDK version. */
function expectAllFromSecondCopy(seen: readonly Seen[], accessKeyId: string): void {
  expect(seen.length).toBeGreaterThan(0);
  for (const request of seen) {
    expect(request.credential).toBe(accessKeyId);
    expect(request.userAgent).toMatch(SECOND_COPY);
  }
}

const stops: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

describe("a client from a second copy of the AWS SDK is used as given by every connector", () => {
  let kinesisEndpoint: string;
  let dynamoEndpoint: string;
  let s3Endpoint: string;
  let firehoseEndpoint: string;
  beforeAll(async () => {
    const kinesis = await startKinesalite();
    const dynamo = await startLocalDynamoDb();
    const s3 = await startLocalS3();
    const firehose = await startLocalFirehose({ s3Endpoint: s3.endpoint });
    stops.push(
      () => kinesis.stop(),
      () => dynamo.stop(),
      () => s3.stop(),
      () => firehose.stop(),
    );
    kinesisEndpoint = kinesis.endpoint;
    dynamoEndpoint = dynamo.endpoint;
    s3Endpoint = s3.endpoint;
    firehoseEndpoint = firehose.endpoint;
  });

  test("Kinesis: the sink writes and the source reads through the given KinesisClient", async () => {
    const { proxy, seen } = await recording(kinesisEndpoint);
    stops.push(() => proxy.stop());
    const client = new KinesisClient({
      region: "us-east-1",
      endpoint: proxy.endpoint,
      credentials,
      maxAttempts: 1,
      // kinesalite speaks HTTP/1.1; the client's default handler is HTTP/2.
      requestHandler: new NodeHttpHandler(),
    });
    const stream = `second-copy-${process.pid}`;
    await client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
    const ticks = Array.from({ length: 50 }, (_, seq) => ({ key: `k${seq % 3}`, seq }));
    const writer = pipeline("second-copy-kinesis-write", quiet);
    writer.source(fromIterable(ticks)).sink(kinesisSink({ stream, client, partitionKey: (t) => t.key }));
    await writer.run();

    const read = collectSink<{ key: string; seq: number }>();
    const reader = pipeline("second-copy-kinesis-read", quiet);
    reader
      .source(
        kinesisSource({
          stream,
          client,
          decode: json<{ key: string; seq: number }>(),
          initialPosition: "TRIM_HORIZON",
          getRecordsIntervalMs: 10,
        }),
      )
      .sink(read.sink);
    const running = reader.run();
    for (let i = 0; i < 500 && read.values().length < ticks.length; i++)
      await new Promise((r) => setTimeout(r, 20));
    reader.stop();
    await running;
    expect(read.values().sort((a, b) => a.seq - b.seq)).toEqual(ticks);
    expectAllFromSecondCopy(seen, credentials.accessKeyId);
    expect(seen.some((s) => s.target.endsWith(".PutRecords"))).toBe(true);
    expect(seen.some((s) => s.target.endsWith(".GetRecords"))).toBe(true);
    // Used as given: the connectors did not close the user's client.
    await expect(
      client.send(new CreateStreamCommand({ StreamName: `${stream}-2`, ShardCount: 1 })),
    ).resolves.toBeDefined();
    client.destroy();
  });

  test("DynamoDB: the sink writes items through the given DynamoDBClient", async () => {
    const { proxy, seen } = await recording(dynamoEndpoint);
    stops.push(() => proxy.stop());
    const client = new DynamoDBClient({
      region: "us-east-1",
      endpoint: proxy.endpoint,
      credentials,
      maxAttempts: 1,
    });
    const table = `second-copy-${process.pid}`;
    await client.send(
      new CreateTableCommand({
        TableName: table,
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    const job = pipeline("second-copy-dynamodb", quiet);
    job
      .source(fromIterable(Array.from({ length: 30 }, (_, n) => ({ id: `i${n}`, n }))))
      .sink(dynamoDbSink({ tableName: table, client, item: (r) => r }));
    await job.run();
    const scanned = await client.send(new ScanCommand({ TableName: table }));
    expect(scanned.Count).toBe(30);
    expectAllFromSecondCopy(seen, credentials.accessKeyId);
    expect(seen.some((s) => s.target.endsWith(".BatchWriteItem"))).toBe(true);
    client.destroy();
  });

  test("Firehose: the sink delivers through the given FirehoseClient", async () => {
    const { proxy, seen } = await recording(firehoseEndpoint);
    stops.push(() => proxy.stop());
    const objects = new LocalS3Objects(s3Endpoint);
    stops.push(() => objects.close());
    const bucket = `second-copy-firehose-${process.pid}`;
    await objects.createBucket(bucket);
    const client = new FirehoseClient({
      region: "us-east-1",
      endpoint: proxy.endpoint,
      credentials,
      maxAttempts: 1,
    });
    const stream = "second-copy";
    await client.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: stream,
        ExtendedS3DestinationConfiguration: {
          BucketARN: `arn:aws:s3:::${bucket}`,
          RoleARN: "arn:aws:iam::000000000000:role/firehose",
          BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 1 },
        },
      }),
    );
    const job = pipeline("second-copy-firehose", quiet);
    job
      .source(fromIterable(Array.from({ length: 40 }, (_, n) => ({ n }))))
      .sink(firehoseSink({ deliveryStreamName: stream, client }));
    await job.run();
    let lines: string[] = [];
    for (let i = 0; i < 200 && lines.length < 40; i++) {
      lines = (await objects.readAll(bucket, "")).flatMap((o) => o.text.split("\n").filter(Boolean));
      if (lines.length < 40) await new Promise((r) => setTimeout(r, 50));
    }
    expect(lines.map((l) => (JSON.parse(l) as { n: number }).n).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, n) => n),
    );
    expectAllFromSecondCopy(seen, credentials.accessKeyId);
    expect(seen.some((s) => s.target.endsWith(".PutRecordBatch"))).toBe(true);
    client.destroy();
  });

  test("S3: the sink commits and the source reads back through the given S3Client", async () => {
    const { proxy, seen } = await recording(s3Endpoint);
    stops.push(() => proxy.stop());
    const objects = new LocalS3Objects(s3Endpoint);
    stops.push(() => objects.close());
    const bucket = `second-copy-s3-${process.pid}`;
    await objects.createBucket(bucket);
    // s3rver takes only its own credentials: the given client's settings are what reach it.
    const client = new S3Client({ ...localS3ClientConfig(proxy.endpoint), maxAttempts: 1 });
    const rows = Array.from({ length: 25 }, (_, n) => ({ n }));
    const writer = pipeline("second-copy-s3-write", {
      ...quiet,
      checkpoints: { store: new MemoryCheckpointStore(), every: 1_000 },
    });
    writer.source(fromIterable(rows)).sink(s3Sink({ bucket, prefix: "rows/", client }));
    await writer.run();

    const read = collectSink<{ n: number }>();
    const reader = pipeline("second-copy-s3-read", quiet);
    reader.source(s3Source<{ n: number }>({ bucket, prefix: "rows/", client })).sink(read.sink);
    await reader.run();
    expect(read.values().sort((a, b) => a.n - b.n)).toEqual(rows);
    expectAllFromSecondCopy(seen, "S3RVER");
    expect(seen.some((s) => s.target.startsWith("PUT "))).toBe(true);
    client.destroy();
  });
});
