import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  type CreateMultipartUploadCommandOutput,
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  UploadPartCommand,
  type UploadPartCommandOutput,
} from "@aws-sdk/client-s3";
import { type AwsSdkClient, isAwsSdkClient } from "@eddy/core";

/**
 * The only file of this package that talks to `@aws-sdk/client-s3`: the sink and the source speak
 * to S3 through the narrow {@link S3Proxy} below (one method per S3 call, no retries: those are
 * `S3Objects`'), tested against s3rver through this implementation.
 */

/** A part of a multipart upload, as CompleteMultipartUpload needs it. */
export interface UploadedPart {
  readonly PartNumber: number;
  readonly ETag: string;
}

/** One page of a listing. */
export interface ListedPage {
  readonly keys: string[];
  /** The continuation token of the next page; `undefined` on the last. */
  readonly next: string | undefined;
}

/** What the connector needs of S3, one call each, in one bucket. */
export interface S3Proxy {
  putObject(key: string, body: Uint8Array): Promise<void>;
  copyObject(from: string, to: string): Promise<void>;
  deleteObject(key: string): Promise<void>;
  headObject(key: string): Promise<void>;
  getObject(key: string, offset: number): Promise<Readable>;
  listObjects(
    prefix: string,
    continuationToken: string | undefined,
    startAfter: string | undefined,
  ): Promise<ListedPage>;
  createMultipartUpload(key: string): Promise<string>;
  uploadPart(key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<UploadedPart>;
  completeMultipartUpload(key: string, uploadId: string, parts: readonly UploadedPart[]): Promise<void>;
  abortMultipartUpload(key: string, uploadId: string): Promise<void>;
  /** Releases the client if Eddy built it (a client the user gave is left open). */
  close(): void;
}

/**
 * The SDK-backed proxy for a `client` option: an `S3Client` (recognized by its shape, so one from
 * another copy of the SDK works) is used as given; settings (deprecated) or nothing make a client
 * Eddy builds with `maxAttempts: 1` (Eddy retries, the SDK does not) and closes.
 */
export function createS3Proxy(
  bucket: string,
  client: AwsSdkClient | S3ClientConfig | undefined,
  where: string,
): { readonly proxy: S3Proxy; readonly fromSettings: boolean } {
  const given = isAwsSdkClient(client, "S3", where) ? client : undefined;
  const sdk: AwsSdkClient = given ?? new S3Client({ ...(client as S3ClientConfig), maxAttempts: 1 });
  const Bucket = bucket;
  const proxy: S3Proxy = {
    async putObject(Key, Body) {
      await sdk.send(new PutObjectCommand({ Bucket, Key, Body, ContentLength: Body.byteLength }));
    },
    async copyObject(from, Key) {
      const CopySource = `${bucket}/${from.split("/").map(encodeURIComponent).join("/")}`;
      await sdk.send(new CopyObjectCommand({ Bucket, Key, CopySource }));
    },
    async deleteObject(Key) {
      await sdk.send(new DeleteObjectCommand({ Bucket, Key }));
    },
    async headObject(Key) {
      await sdk.send(new HeadObjectCommand({ Bucket, Key }));
    },
    async getObject(Key, offset) {
      const Range = offset > 0 ? `bytes=${offset}-` : undefined;
      const response = (await sdk.send(
        new GetObjectCommand({ Bucket, Key, Range }),
      )) as GetObjectCommandOutput;
      return response.Body as Readable;
    },
    async listObjects(Prefix, ContinuationToken, startAfter) {
      const page = (await sdk.send(
        new ListObjectsV2Command({
          Bucket,
          Prefix,
          ContinuationToken,
          StartAfter: ContinuationToken ? undefined : startAfter,
        }),
      )) as ListObjectsV2CommandOutput;
      return {
        keys: (page.Contents ?? []).map((o) => o.Key!).filter(Boolean),
        next: page.IsTruncated ? page.NextContinuationToken : undefined,
      };
    },
    async createMultipartUpload(Key) {
      const response = (await sdk.send(
        new CreateMultipartUploadCommand({ Bucket, Key }),
      )) as CreateMultipartUploadCommandOutput;
      return response.UploadId!;
    },
    async uploadPart(Key, UploadId, PartNumber, Body) {
      const response = (await sdk.send(
        new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body, ContentLength: Body.byteLength }),
      )) as UploadPartCommandOutput;
      return { PartNumber, ETag: response.ETag! };
    },
    async completeMultipartUpload(Key, UploadId, parts) {
      await sdk.send(
        new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: [...parts] } }),
      );
    },
    async abortMultipartUpload(Key, UploadId) {
      await sdk.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
    },
    close() {
      if (!given) sdk.destroy();
    },
  };
  return { proxy, fromSettings: given === undefined && client !== undefined };
}
