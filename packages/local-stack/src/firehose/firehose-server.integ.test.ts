import {
  CreateDeliveryStreamCommand,
  DeleteDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  FirehoseClient,
  PutRecordBatchCommand,
  PutRecordCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-firehose";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { localClientConfig } from "../aws-config.ts";
import { LocalS3Objects } from "../s3-objects.ts";
import { type LocalS3, startLocalS3 } from "../s3rver.ts";
import { type LocalFirehose, startLocalFirehose } from "./firehose-server.ts";
import { evaluatePrefix } from "./s3-prefix.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

let s3: LocalS3;
let firehose: LocalFirehose;
let objects: LocalS3Objects;
let client: FirehoseClient;
const bucket = `fh-server-${process.pid}`;

beforeAll(async () => {
  s3 = await startLocalS3();
  firehose = await startLocalFirehose({ s3Endpoint: s3.endpoint });
  objects = new LocalS3Objects(s3.endpoint);
  await objects.createBucket(bucket);
  client = new FirehoseClient({ ...localClientConfig(firehose.endpoint), maxAttempts: 1 });
});

afterAll(async () => {
  client?.destroy();
  objects?.close();
  await firehose?.stop();
  await s3?.stop();
});

async function create(name: string, destination: Record<string, unknown>): Promise<void> {
  await client.send(
    new CreateDeliveryStreamCommand({
      DeliveryStreamName: name,
      DeliveryStreamType: "DirectPut",
      ExtendedS3DestinationConfiguration: {
        BucketARN: `arn:aws:s3:::${bucket}`,
        RoleARN: "arn:aws:iam::000000000000:role/firehose",
        ...destination,
      },
    }),
  );
}

const data = (text: string) => ({ Data: new TextEncoder().encode(text) });

async function waitForKeys(prefix: string, count: number, timeoutMs = 5_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const keys = await objects.keys(bucket, prefix);
    if (keys.length >= count || Date.now() > deadline) return keys;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("local Firehose", () => {
  test("delivers after the buffering interval under the default YYYY/MM/DD/HH/ prefix, records concatenated", async () => {
    await create("interval", { BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 1 } });
    const before = Date.now();
    await client.send(new PutRecordCommand({ DeliveryStreamName: "interval", Record: data("a\n") }));
    const batch = await client.send(
      new PutRecordBatchCommand({ DeliveryStreamName: "interval", Records: [data("b\n"), data("c\n")] }),
    );
    expect(batch.FailedPutCount).toBe(0);
    expect(batch.RequestResponses).toHaveLength(2);
    expect(await objects.keys(bucket, "20")).toEqual([]);
    const [key] = await waitForKeys("", 1);
    expect(Date.now() - before).toBeGreaterThanOrEqual(900);
    const hour = evaluatePrefix("", before);
    expect(key).toMatch(
      new RegExp(`^${hour}interval-1-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-[0-9a-f-]{36}$`),
    );
    expect(await objects.read(bucket, key!)).toBe("a\nb\nc\n");
    await objects.empty(bucket);
  });

  test("delivers as soon as the size hint is reached, GZIP under a custom prefix", async () => {
    await create("sized", {
      BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 900 },
      CompressionFormat: "GZIP",
      Prefix: "events/dt=!{timestamp:yyyy-MM-dd}/",
    });
    const record = "x".repeat(100 * 1024);
    for (let i = 0; i < 11; i++) {
      await client.send(new PutRecordCommand({ DeliveryStreamName: "sized", Record: data(record) }));
    }
    const keys = await waitForKeys("events/", 1);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^events\/dt=\d{4}-\d{2}-\d{2}\/sized-1-.*\.gz$/);
    expect((await objects.read(bucket, keys[0]!)).length).toBe(11 * record.length);
    await objects.empty(bucket);
  });

  test("describes and deletes streams; unknown streams and oversized batches are refused like the service", async () => {
    await create("described", { Prefix: "p/" });
    const described = await client.send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: "described" }),
    );
    expect(described.DeliveryStreamDescription?.DeliveryStreamStatus).toBe("ACTIVE");
    expect(
      described.DeliveryStreamDescription?.Destinations?.[0]?.ExtendedS3DestinationDescription?.Prefix,
    ).toBe("p/");
    await expect(
      client.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: "described",
          Records: Array.from({ length: 501 }, () => data("r")),
        }),
      ),
    ).rejects.toMatchObject({ name: "ValidationException" });
    await expect(
      client.send(
        new PutRecordCommand({ DeliveryStreamName: "described", Record: data("x".repeat(1000 * 1024 + 1)) }),
      ),
    ).rejects.toMatchObject({ name: "InvalidArgumentException" });
    await client.send(new PutRecordCommand({ DeliveryStreamName: "described", Record: data("kept\n") }));
    await client.send(new DeleteDeliveryStreamCommand({ DeliveryStreamName: "described" }));
    await expect(
      client.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: "described" })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    const keys = await waitForKeys("p/", 1);
    expect(await objects.read(bucket, keys[0]!)).toBe("kept\n");
    await objects.empty(bucket);
  });
});

describe("prefix expressions", () => {
  const t = Date.UTC(2026, 10, 21, 14, 5, 9);
  test("default, timestamp and firehose namespaces", () => {
    expect(evaluatePrefix("", t)).toBe("2026/11/21/14/");
    expect(evaluatePrefix("logs/", t)).toBe("logs/2026/11/21/14/");
    expect(evaluatePrefix("logs/!{timestamp:'year='yyyy/'month='MM}/", t)).toBe("logs/year=2026/month=11/");
    expect(evaluatePrefix("e/!{firehose:error-output-type}/!{timestamp:HH-mm-ss}/", t)).toBe(
      "e/processing-failed/14-05-09/",
    );
    expect(
      evaluatePrefix("r/!{timestamp:yyyy}/!{firehose:random-string}/", t, { randomString: () => "abc" }),
    ).toBe("r/2026/abc/");
  });
});
