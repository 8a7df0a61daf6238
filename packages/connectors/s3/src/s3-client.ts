import { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { Clock } from "@eddy/core";
import { type RetryOptions, withRetry } from "./retry.ts";
import { isNotFound, isRetryableS3Error } from "./s3-error-classifier.ts";

/** A part of a multipart upload, as CompleteMultipartUpload needs it. */
export interface UploadedPart {
  readonly PartNumber: number;
  readonly ETag: string;
}

/**
 * The one place the S3 connector talks to S3. Every call is retried on throttling (`SlowDown`,
 * 503), 5xx and network errors with a bounded, jittered backoff; other errors are thrown at once.
 */
export class S3Objects {
  readonly #client: S3Client;
  readonly #owned: boolean;

  constructor(
    readonly bucket: string,
    client: S3Client | S3ClientConfig | undefined,
    private readonly retry: RetryOptions,
    private readonly clock: Clock,
  ) {
    this.#owned = !(client instanceof S3Client);
    this.#client = client instanceof S3Client ? client : new S3Client(client ?? {});
  }

  put(key: string, body: Uint8Array): Promise<void> {
    return this.#retry(async () => {
      await this.#client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentLength: body.byteLength }),
      );
    });
  }

  /** Copies `from` to `to`; `false` when `from` does not exist. */
  copy(from: string, to: string): Promise<boolean> {
    return this.#retry(async () => {
      try {
        await this.#client.send(
          new CopyObjectCommand({
            Bucket: this.bucket,
            Key: to,
            CopySource: `${this.bucket}/${from.split("/").map(encodeURIComponent).join("/")}`,
          }),
        );
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    });
  }

  delete(key: string): Promise<void> {
    return this.#retry(async () => {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    });
  }

  exists(key: string): Promise<boolean> {
    return this.#retry(async () => {
      try {
        await this.#client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    });
  }

  async readText(key: string): Promise<string> {
    return this.#retry(async () => {
      const response = await this.#client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return response.Body!.transformToString("utf8");
    });
  }

  /** The object's bytes from `offset` on, as a stream (empty when `offset` is its size). */
  async stream(key: string, offset: number): Promise<Readable> {
    return this.#retry(async () => {
      try {
        const response = await this.#client.send(
          new GetObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Range: offset > 0 ? `bytes=${offset}-` : undefined,
          }),
        );
        return response.Body as Readable;
      } catch (error) {
        if ((error as Error).name === "InvalidRange") return Readable.from([]);
        throw error;
      }
    });
  }

  /** One page of keys under `prefix`, in key order. */
  async listPage(
    prefix: string,
    continuationToken: string | undefined,
    startAfter?: string,
  ): Promise<{ keys: string[]; next: string | undefined }> {
    return this.#retry(async () => {
      const page = await this.#client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          ContinuationToken: continuationToken,
          StartAfter: continuationToken ? undefined : startAfter,
        }),
      );
      return {
        keys: (page.Contents ?? []).map((o) => o.Key!).filter(Boolean),
        next: page.IsTruncated ? page.NextContinuationToken : undefined,
      };
    });
  }

  /** Every key under `prefix`. */
  async listAll(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.listPage(prefix, token);
      keys.push(...page.keys);
      token = page.next;
    } while (token);
    return keys;
  }

  startMultipart(key: string): Promise<string> {
    return this.#retry(async () => {
      const response = await this.#client.send(
        new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key }),
      );
      return response.UploadId!;
    });
  }

  uploadPart(key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<UploadedPart> {
    return this.#retry(async () => {
      const response = await this.#client.send(
        new UploadPartCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: partNumber,
          Body: body,
          ContentLength: body.byteLength,
        }),
      );
      return { PartNumber: partNumber, ETag: response.ETag! };
    });
  }

  /**
   * Completes a multipart upload. Idempotent: if the upload is gone (completed before, e.g. by a
   * run that crashed right after) and the object exists, that counts as done.
   */
  async completeMultipart(key: string, uploadId: string, parts: readonly UploadedPart[]): Promise<void> {
    try {
      await this.#retry(async () => {
        await this.#client.send(
          new CompleteMultipartUploadCommand({
            Bucket: this.bucket,
            Key: key,
            UploadId: uploadId,
            MultipartUpload: { Parts: [...parts] },
          }),
        );
      });
    } catch (error) {
      if (await this.exists(key)) return;
      throw error;
    }
  }

  /** Aborts an upload; `false` if the store refused (e.g. a stand-in without AbortMultipartUpload). */
  async abortMultipart(key: string, uploadId: string): Promise<boolean> {
    try {
      await this.#retry(async () => {
        await this.#client.send(
          new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }),
        );
      });
      return true;
    } catch (error) {
      if (isNotFound(error)) return true;
      return false;
    }
  }

  destroy(): void {
    if (this.#owned) this.#client.destroy();
  }

  #retry<R>(call: () => Promise<R>): Promise<R> {
    return withRetry(call, isRetryableS3Error, this.retry, this.clock);
  }
}
