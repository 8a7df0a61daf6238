import { type AwsAccess, awsArn } from "@eddy/core";

/** Objects under `prefix` of `bucket`, as an ARN template (`bucket/prefix*`). */
const objectsUnder = (bucket: string, prefix: string) => awsArn("s3", `${bucket}/${prefix}*`);

/**
 * What {@link s3Sink} calls. Staged part files and upload markers (under `stagingPrefix`) are put,
 * read back and deleted; committed objects and dead letters (under `prefix` and `errorPrefix`) are
 * put (PutObject, CopyObject, multipart uploads), looked up (HeadObject) and, for an upload a
 * restore finds unfinished, aborted. Listing the staging prefix on a restore needs ListBucket.
 */
export function s3SinkAccess(where: {
  bucket: string;
  prefix: string;
  stagingPrefix: string;
  errorPrefix: string;
}): AwsAccess[] {
  const { bucket, prefix, stagingPrefix, errorPrefix } = where;
  const written = [objectsUnder(bucket, prefix)];
  if (!errorPrefix.startsWith(prefix)) written.push(objectsUnder(bucket, errorPrefix));
  return [
    { service: "s3", actions: ["s3:ListBucket"], resources: [awsArn("s3", bucket)] },
    {
      service: "s3",
      actions: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
      resources: [objectsUnder(bucket, stagingPrefix)],
    },
    {
      service: "s3",
      actions: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
      resources: written,
    },
  ];
}

/** What {@link s3Source} calls: ListObjectsV2 on the bucket and GetObject under its prefix. */
export function s3SourceAccess(bucket: string, prefix: string): AwsAccess[] {
  return [
    { service: "s3", actions: ["s3:ListBucket"], resources: [awsArn("s3", bucket)] },
    { service: "s3", actions: ["s3:GetObject"], resources: [objectsUnder(bucket, prefix)] },
  ];
}
