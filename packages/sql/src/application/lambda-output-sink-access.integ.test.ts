import { LambdaClient } from "@aws-sdk/client-lambda";
import { checkPolicy, fromIterable, iamPolicy, pipeline, silentLogger } from "@eddy/core";
import {
  type LocalLambda,
  localClientConfig,
  type RecordingProxy,
  startLocalLambda,
  startRecordingProxy,
} from "@eddy/local-stack";
import { afterAll, beforeAll, expect, it } from "vitest";
import { lambdaOutputSink } from "./lambda-output-sink.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const WHERE = { region: "us-east-1", account: "123456789012" };

let lambda: LocalLambda;
let recording: RecordingProxy;
let client: LambdaClient;
beforeAll(async () => {
  lambda = await startLocalLambda();
  recording = await startRecordingProxy({ target: lambda.endpoint, account: WHERE.account });
  client = new LambdaClient({ ...localClientConfig(recording.endpoint), maxAttempts: 1 });
});
afterAll(async () => {
  client?.destroy();
  await recording?.stop();
  await lambda?.stop();
});

it("lambdaOutputSink's IAM policy is InvokeFunction on its function: all it calls, nothing more", async () => {
  lambda.register("iam-deliver", (event) => ({
    records: (event as { records: { recordId: string }[] }).records.map((r) => ({
      recordId: r.recordId,
      result: "Ok",
    })),
  }));
  const job = pipeline("iam-lambda", { logger: silentLogger, stopOnSignals: false });
  job.source(fromIterable(["a", "b", "c"])).sink(
    lambdaOutputSink<string>({
      functionArn: `arn:aws:lambda:${WHERE.region}:${WHERE.account}:function:iam-deliver`,
      applicationArn: "arn:aws:kinesisanalytics:us-east-1:123456789012:application/iam",
      serializer: (value) => value,
      client,
    }),
  );
  await job.run();
  expect(recording.calls).not.toHaveLength(0);
  expect(checkPolicy(iamPolicy(job, WHERE).document, recording.calls)).toEqual({ denied: [], unused: [] });
});
