import { S3Client } from "@aws-sdk/client-s3";
import { awsAccessOf, checkPolicy, policyOf, silentLogger } from "@eddy/core";
import { blobRefsOf, CheckpointBuilder, uniqueName } from "@eddy/core/testing";
import { localS3ClientConfig, type RecordingProxy, startRecordingProxy } from "@eddy/local-stack";
import { afterAll, beforeAll, expect, test } from "vitest";
import { s3Checkpoints } from "./s3-checkpoint-store.ts";
import { type S3Fixture, startS3Fixture } from "./test-support/s3-fixture.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

let fixture: S3Fixture;
let recording: RecordingProxy;
let client: S3Client;
beforeAll(async () => {
  fixture = await startS3Fixture();
  recording = await startRecordingProxy({ target: fixture.s3.endpoint });
  client = new S3Client({ ...localS3ClientConfig(recording.endpoint), maxAttempts: 1 });
});
afterAll(async () => {
  client?.destroy();
  await recording?.stop();
  await fixture?.stop();
});

test("s3Checkpoints' IAM policy allows every call it makes under its prefix, and grants nothing it does not call", async () => {
  const store = s3Checkpoints({ bucket: fixture.bucket, prefix: "iam/", client, logger: silentLogger });
  const builder = new CheckpointBuilder(uniqueName("iam-job"));
  const all = { 0: "full", 1: "full" } as const;
  for (let id = 1; id <= 3; id++) await store.commit(builder.next(id, all), 1); // retention deletes
  const [latest] = await store.checkpoints(builder.job);
  for (const ref of blobRefsOf(latest!)) await store.readBlob(ref);
  await store.close();
  expect(checkPolicy(policyOf(awsAccessOf(store)).document, recording.calls)).toEqual({
    denied: [],
    unused: [],
  });
});
