import { type AwsAccess, awsArn } from "@eddy/core";

/** What {@link firehoseSink} calls: PutRecordBatch on its delivery stream (a name or an ARN). */
export function firehoseSinkAccess(deliveryStreamName: string): AwsAccess[] {
  const name = deliveryStreamName;
  const stream = awsArn("firehose", name.startsWith("arn:") ? name : `deliverystream/${name}`);
  return [{ service: "firehose", actions: ["firehose:PutRecordBatch"], resources: [stream] }];
}
