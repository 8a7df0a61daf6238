import { CreateDeliveryStreamCommand, type FirehoseClient } from "@aws-sdk/client-firehose";

/** Creates delivery stream `name` on the stand-in, delivering to `bucket` under `<name>/` after 1 s. */
export async function createDeliveryStream(
  admin: FirehoseClient,
  options: { name: string; bucket: string; gzip?: boolean },
): Promise<string> {
  const { name, bucket } = options;
  await admin.send(
    new CreateDeliveryStreamCommand({
      DeliveryStreamName: name,
      ExtendedS3DestinationConfiguration: {
        BucketARN: `arn:aws:s3:::${bucket}`,
        RoleARN: "arn:aws:iam::000000000000:role/firehose",
        Prefix: `${name}/`,
        BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 1 },
        CompressionFormat: options.gzip ? "GZIP" : "UNCOMPRESSED",
      },
    }),
  );
  return name;
}
