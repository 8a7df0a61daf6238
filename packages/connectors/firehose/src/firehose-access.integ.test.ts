import { FirehoseClient } from "@aws-sdk/client-firehose";
import { checkPolicy, fromIterable, iamPolicy, pipeline, silentLogger } from "@eddy/core";
import {
  LOCAL_REGION,
  type LocalFirehose,
  type LocalS3,
  LocalS3Objects,
  localClientConfig,
  type RecordingProxy,
  startLocalFirehose,
  startLocalS3,
  startRecordingProxy,
} from "@eddy/local-stack";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { firehoseSink } from "./firehose-sink.ts";
import { createDeliveryStream } from "./test-support/delivery-stream.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/** Where the stand-in runs, as the recording proxy names its resources. */
const WHERE = { region: LOCAL_REGION, account: "000000000000" };
const bucket = `firehose-access-${process.pid}`;

let s3: LocalS3;
let firehose: LocalFirehose;
let objects: LocalS3Objects;
let recording: RecordingProxy;
beforeAll(async () => {
  s3 = await startLocalS3();
  firehose = await startLocalFirehose({ s3Endpoint: s3.endpoint });
  objects = new LocalS3Objects(s3.endpoint);
  await objects.createBucket(bucket);
  recording = await startRecordingProxy({ target: firehose.endpoint, account: WHERE.account });
});
afterAll(async () => {
  await recording?.stop();
  await objects?.empty(bucket).catch(() => {});
  objects?.close();
  await firehose?.stop();
  await s3?.stop();
});

describe("the IAM policy of firehoseSink, against the calls it makes", () => {
  test("PutRecordBatch on its delivery stream, nothing more and nothing less", async () => {
    const name = `iam-${Date.now().toString(36)}`;
    const admin = new FirehoseClient(localClientConfig(firehose.endpoint));
    await createDeliveryStream(admin, { name, bucket });
    admin.destroy();
    const job = pipeline("iam-firehose", { logger: silentLogger, stopOnSignals: false });
    const sink = firehoseSink<{ id: number }>({
      deliveryStreamName: name,
      client: localClientConfig(recording.endpoint),
    });
    job.source(fromIterable(Array.from({ length: 40 }, (_, id) => ({ id })))).sink(sink);
    const from = recording.calls.length;
    await job.run();
    const calls = recording.calls.slice(from);
    expect(calls.length).toBeGreaterThan(0);
    expect(checkPolicy(iamPolicy(job, WHERE).document, calls)).toEqual({ denied: [], unused: [] });
  });
});
