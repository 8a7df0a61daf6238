import { gunzipSync } from "node:zlib";
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { localS3ClientConfig } from "./aws-config.ts";

/** An object read back whole: its key and its bytes (gunzipped when the key ends in `.gz`). */
export interface StoredObject {
  readonly key: string;
  readonly text: string;
}

/** Small S3 helpers for tests against the local S3: make buckets, list and read back objects. */
export class LocalS3Objects {
  readonly client: S3Client;

  constructor(endpoint: string) {
    this.client = new S3Client(localS3ClientConfig(endpoint));
  }

  async createBucket(bucket: string): Promise<void> {
    await this.client.send(new CreateBucketCommand({ Bucket: bucket }));
  }

  /** Every key under `prefix`, in key order. */
  async keys(bucket: string, prefix = ""): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  async read(bucket: string, key: string): Promise<string> {
    const response = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = Buffer.from(await response.Body!.transformToByteArray());
    return (key.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
  }

  /** Every object under `prefix`, read whole. */
  async readAll(bucket: string, prefix = ""): Promise<StoredObject[]> {
    const out: StoredObject[] = [];
    for (const key of await this.keys(bucket, prefix)) out.push({ key, text: await this.read(bucket, key) });
    return out;
  }

  /** Removes every object under `prefix`. */
  async empty(bucket: string, prefix = ""): Promise<void> {
    const keys = await this.keys(bucket, prefix);
    for (let i = 0; i < keys.length; i += 1000) {
      await this.client.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })) },
        }),
      );
    }
  }

  close(): void {
    this.client.destroy();
  }
}
