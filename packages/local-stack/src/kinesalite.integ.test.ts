import { expect, test } from "vitest";
import { startKinesalite } from "./kinesalite.ts";

/** One Kinesis JSON 1.1 call, signed with a made-up key (kinesalite checks the header's shape only). */
async function call(endpoint: string, operation: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `Kinesis_20131202.${operation}`,
      authorization:
        "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0",
      "x-amz-date": "20260101T000000Z",
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${operation}: ${response.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

test("kinesalite answers the Kinesis protocol in this process, and stops", async () => {
  const kinesis = await startKinesalite();
  try {
    await call(kinesis.endpoint, "CreateStream", { StreamName: "probe", ShardCount: 2 });
    const summary = await call(kinesis.endpoint, "DescribeStreamSummary", { StreamName: "probe" });
    expect(summary.StreamDescriptionSummary).toMatchObject({ StreamName: "probe", OpenShardCount: 2 });
  } finally {
    await kinesis.stop();
  }
  await expect(fetch(kinesis.endpoint)).rejects.toThrow();
});
