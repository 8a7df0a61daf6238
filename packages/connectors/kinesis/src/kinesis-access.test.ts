import { policyOf } from "@eddy/core";
import { describe, expect, test } from "vitest";
import { kinesisSourceAccess } from "./kinesis-access.ts";

const WHERE = { region: "eu-west-1", account: "123456789012" };
const STREAM = "arn:aws:kinesis:eu-west-1:123456789012:stream/fx";

describe("kinesisSourceAccess with enhanced fan-out (not run against a stand-in: see kinesis-access.integ.test.ts)", () => {
  test("job-managed: registers on the stream, describes, subscribes and deregisters on its consumer", () => {
    const { document } = policyOf(
      kinesisSourceAccess({ stream: "fx", readerType: "EFO", efoConsumerName: "pricing" }),
      WHERE,
    );
    expect(document.Statement).toEqual([
      {
        Effect: "Allow",
        Action: [
          "kinesis:DescribeStreamSummary",
          // Fan-out polls a closed shard once to learn it has ended (after a reshard).
          "kinesis:GetRecords",
          "kinesis:GetShardIterator",
          "kinesis:ListShards",
          "kinesis:RegisterStreamConsumer",
        ],
        Resource: [STREAM],
      },
      {
        Effect: "Allow",
        Action: [
          "kinesis:DeregisterStreamConsumer",
          "kinesis:DescribeStreamConsumer",
          "kinesis:SubscribeToShard",
        ],
        Resource: [`${STREAM}/consumer/pricing:*`],
      },
    ]);
  });

  test("self-managed: neither registers nor deregisters; a stream given by ARN is used as it is", () => {
    const other = "arn:aws:kinesis:us-east-1:111122223333:stream/ticks";
    const access = kinesisSourceAccess({
      stream: other,
      readerType: "EFO",
      efoConsumerName: "pricing",
      efoLifecycle: "SELF_MANAGED",
    });
    expect(policyOf(access, WHERE).document.Statement.map((s) => [s.Action, s.Resource])).toEqual([
      [
        [
          "kinesis:DescribeStreamSummary",
          "kinesis:GetRecords",
          "kinesis:GetShardIterator",
          "kinesis:ListShards",
        ],
        [other],
      ],
      [["kinesis:DescribeStreamConsumer", "kinesis:SubscribeToShard"], [`${other}/consumer/pricing:*`]],
    ]);
  });
});
