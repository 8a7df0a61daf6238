import { randomUUID } from "node:crypto";
import { DeleteBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { type BlobRef, silentLogger } from "@eddy/core";
import { type LocalS3, LocalS3Objects, localS3ClientConfig, startLocalS3 } from "@eddy/local-stack";
import { S3CheckpointStore, type S3CheckpointStoreOptions } from "../s3-checkpoint-store.ts";

/** The local S3 (s3rver behind its conditional-write layer) with a bucket of this test run's own. */
export interface S3Fixture {
  readonly s3: LocalS3;
  readonly bucket: string;
  /** The stores' client: one HTTP attempt per call, as Eddy wants it. */
  readonly client: S3Client;
  readonly objects: LocalS3Objects;
  /** A store on the bucket under `prefix` that logs nowhere unless given a logger. */
  store(options?: Partial<S3CheckpointStoreOptions>): S3CheckpointStore;
  read(key: string): Promise<Uint8Array>;
  write(key: string, bytes: Uint8Array | string): Promise<void>;
  /** Flips the first byte of a stored blob. */
  corrupt(store: S3CheckpointStore, ref: BlobRef): Promise<void>;
  /** Empties and deletes the bucket, stops the stand-in. */
  stop(): Promise<void>;
}

export async function startS3Fixture(): Promise<S3Fixture> {
  const s3 = await startLocalS3();
  const bucket = `eddy-state-${randomUUID().slice(0, 8)}`;
  const client = new S3Client({ ...localS3ClientConfig(s3.endpoint), maxAttempts: 1 });
  // The test's own reads and writes may take the SDK's retries (a busy stand-in resets a connection).
  const raw = new S3Client({ ...localS3ClientConfig(s3.endpoint), maxAttempts: 3 });
  const objects = new LocalS3Objects(s3.endpoint);
  await objects.createBucket(bucket);
  const fixture: S3Fixture = {
    s3,
    bucket,
    client,
    objects,
    store: (options = {}) => new S3CheckpointStore({ bucket, client, logger: silentLogger, ...options }),
    async read(key) {
      const object = await raw.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return object.Body!.transformToByteArray();
    },
    async write(key, bytes) {
      await raw.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
    },
    async corrupt(store, ref) {
      const key = store.layout.blob(ref);
      const bytes = await fixture.read(key);
      bytes[0] = bytes[0]! ^ 0xff;
      await fixture.write(key, bytes);
    },
    async stop() {
      try {
        await objects.empty(bucket);
        await client.send(new DeleteBucketCommand({ Bucket: bucket }));
      } finally {
        objects.close();
        client.destroy();
        raw.destroy();
        await s3.stop();
      }
    },
  };
  return fixture;
}
