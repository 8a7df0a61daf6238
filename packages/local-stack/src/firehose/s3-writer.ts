import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { localS3ClientConfig } from "../aws-config.ts";

/** Where the local Firehose writes: the one place it talks to S3. */
export interface ObjectWriter {
  put(bucket: string, key: string, body: Uint8Array): Promise<void>;
  close(): void;
}

/** Writes objects to the S3 stand-in at `endpoint`. */
export function s3ObjectWriter(endpoint: string): ObjectWriter {
  const client = new S3Client(localS3ClientConfig(endpoint));
  return {
    async put(bucket, key, body) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentLength: body.byteLength,
        }),
      );
    },
    close() {
      client.destroy();
    },
  };
}
