import { checkPolicy, fromIterable, iamPolicy, pipeline, silentLogger } from "@eddy/core";
import {
  type LocalS3,
  LocalS3Objects,
  localS3ClientConfig,
  type RecordingProxy,
  startLocalS3,
  startRecordingProxy,
} from "@eddy/local-stack";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { s3Sink } from "./s3-sink.ts";
import { s3Source } from "./s3-source.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const quiet = { logger: silentLogger, stopOnSignals: false } as const;
const bucket = `s3-access-${process.pid}`;

let s3: LocalS3;
let objects: LocalS3Objects;
let recording: RecordingProxy;
beforeAll(async () => {
  s3 = await startLocalS3();
  objects = new LocalS3Objects(s3.endpoint);
  await objects.createBucket(bucket);
  recording = await startRecordingProxy({ target: s3.endpoint });
});
afterAll(async () => {
  await recording?.stop();
  await objects?.empty(bucket).catch(() => {});
  objects?.close();
  await s3?.stop();
});

/** The calls recorded while `work` ran. */
async function callsDuring(work: () => Promise<unknown>) {
  const from = recording.calls.length;
  await work();
  return recording.calls.slice(from);
}

const records = Array.from({ length: 50 }, (_, id) => ({ id }));

describe("the IAM policy of the S3 connectors, against the calls they make", () => {
  test("s3Sink: staged, copied and cleaned up under its prefixes; only restore paths go unexercised", async () => {
    const job = pipeline("iam-s3-sink", quiet);
    const sink = s3Sink<{ id: number }>({
      bucket,
      prefix: "sink/",
      client: localS3ClientConfig(recording.endpoint),
    });
    job.source(fromIterable(records, { batchSize: 10 })).sink(sink);
    const calls = await callsDuring(() => job.run());
    expect(await objects.keys(bucket, "sink/")).not.toHaveLength(0);
    const { denied, unused } = checkPolicy(iamPolicy(job).document, calls);
    expect(denied).toEqual([]);
    expect(unused).toEqual([
      // Aborts a multipart upload a crashed run left unfinished: only on a restore.
      `s3:AbortMultipartUpload arn:aws:s3:::${bucket}/sink/*`,
      // HeadObject when a re-commit finds its staged object already copied: only on a restore.
      `s3:GetObject arn:aws:s3:::${bucket}/sink/*`,
    ]);
  });

  test("s3Source: ListObjectsV2 on the bucket and GetObject under its prefix", async () => {
    const writer = pipeline("iam-s3-source-writer", quiet);
    writer
      .source(fromIterable(records))
      .sink(s3Sink<{ id: number }>({ bucket, prefix: "source/", client: localS3ClientConfig(s3.endpoint) }));
    await writer.run();
    const job = pipeline("iam-s3-source", quiet);
    const read: { id: number }[] = [];
    const source = s3Source<{ id: number }>({
      bucket,
      prefix: "source/",
      client: localS3ClientConfig(recording.endpoint),
    });
    job.source(source).sink({ name: "collect", write: (values) => void read.push(...values) });
    const calls = await callsDuring(() => job.run());
    expect(read).toHaveLength(records.length);
    expect(checkPolicy(iamPolicy(job).document, calls)).toEqual({ denied: [], unused: [] });
  });
});
