import { type AwsAccess, awsArn } from "@eddy/core";
import type { KinesisSourceOptions } from "./options.ts";

/** A stream's ARN (template) from a stream name or ARN, as the connectors' `stream` option takes. */
function streamArn(stream: string): string {
  return awsArn("kinesis", stream.startsWith("arn:") ? stream : `stream/${stream}`);
}

/**
 * What {@link kinesisSource} calls: with polling, ListShards, GetShardIterator and GetRecords on
 * the stream; with enhanced fan-out also DescribeStreamSummary (the stream's ARN) and, for a
 * job-managed consumer, RegisterStreamConsumer on the stream, then DescribeStreamConsumer and
 * SubscribeToShard (and DeregisterStreamConsumer when job-managed) on the consumer. Fan-out
 * still polls a closed shard once to learn it has ended (after a reshard).
 */
export function kinesisSourceAccess(
  options: Pick<KinesisSourceOptions<unknown>, "stream" | "readerType" | "efoConsumerName" | "efoLifecycle">,
): AwsAccess[] {
  const stream = streamArn(options.stream);
  const read = ["kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"];
  if (options.readerType !== "EFO") return [{ service: "kinesis", actions: read, resources: [stream] }];
  const managed = (options.efoLifecycle ?? "JOB_MANAGED") === "JOB_MANAGED";
  // Consumer ARNs end with their creation time: `…/consumer/<name>:<epoch seconds>`.
  const consumer = `${stream}/consumer/${options.efoConsumerName ?? "*"}:*`;
  return [
    {
      service: "kinesis",
      actions: [
        ...read,
        "kinesis:DescribeStreamSummary",
        ...(managed ? ["kinesis:RegisterStreamConsumer"] : []),
      ],
      resources: [stream],
    },
    {
      service: "kinesis",
      actions: [
        "kinesis:DescribeStreamConsumer",
        "kinesis:SubscribeToShard",
        ...(managed ? ["kinesis:DeregisterStreamConsumer"] : []),
      ],
      resources: [consumer],
    },
  ];
}

/** What {@link kinesisSink} calls: PutRecords on its stream. */
export function kinesisSinkAccess(stream: string): AwsAccess[] {
  return [{ service: "kinesis", actions: ["kinesis:PutRecords"], resources: [streamArn(stream)] }];
}
