import { Readable } from "node:stream";
import { type Clock, type RetryOptions, retrying } from "@eddy/core";
import type { S3Proxy, UploadedPart } from "./s3-client.ts";
import { isNotFound, isRetryableS3Error } from "./s3-error-classifier.ts";

/**
 * S3 as the sink and the source use it: every call through the {@link S3Proxy} is retried on
 * throttling (`SlowDown`, 503), 5xx and network errors with core's retry policy (bounded backoff
 * with jitter, on the job's clock); other errors are thrown at once. Also the idempotent forms the
 * two-phase commit needs (a copy or completion already done counts as done).
 */
export class S3Objects {
  constructor(
    readonly bucket: string,
    private readonly proxy: S3Proxy,
    private readonly retry: RetryOptions,
    private readonly clock: Clock,
    /** Stops a pending backoff (the call rejects with the signal's reason); default never. */
    private readonly signal?: AbortSignal,
  ) {}

  put(key: string, body: Uint8Array): Promise<void> {
    return this.#retry(`PutObject ${key}`, () => this.proxy.putObject(key, body));
  }

  /** Copies `from` to `to`; `false` when `from` does not exist. */
  copy(from: string, to: string): Promise<boolean> {
    return this.#retry(`CopyObject ${from}`, () => this.proxy.copyObject(from, to).then(yes, noIfNotFound));
  }

  delete(key: string): Promise<void> {
    return this.#retry(`DeleteObject ${key}`, () => this.proxy.deleteObject(key));
  }

  exists(key: string): Promise<boolean> {
    return this.#retry(`HeadObject ${key}`, () => this.proxy.headObject(key).then(yes, noIfNotFound));
  }

  readText(key: string): Promise<string> {
    return this.#retry(`GetObject ${key}`, async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of await this.proxy.getObject(key, 0))
        chunks.push(Buffer.from(chunk as Uint8Array));
      return Buffer.concat(chunks).toString("utf8");
    });
  }

  /** The object's bytes from `offset` on, as a stream (empty when `offset` is its size). */
  stream(key: string, offset: number): Promise<Readable> {
    return this.#retry(`GetObject ${key}`, async () => {
      try {
        return await this.proxy.getObject(key, offset);
      } catch (error) {
        if ((error as Error).name === "InvalidRange") return Readable.from([]);
        throw error;
      }
    });
  }

  /** One page of keys under `prefix`, in key order. */
  listPage(
    prefix: string,
    continuationToken: string | undefined,
    startAfter?: string,
  ): Promise<{ keys: string[]; next: string | undefined }> {
    return this.#retry(`ListObjectsV2 ${prefix}`, () =>
      this.proxy.listObjects(prefix, continuationToken, startAfter),
    );
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
    return this.#retry(`CreateMultipartUpload ${key}`, () => this.proxy.createMultipartUpload(key));
  }

  uploadPart(key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<UploadedPart> {
    return this.#retry(`UploadPart ${key} #${partNumber}`, () =>
      this.proxy.uploadPart(key, uploadId, partNumber, body),
    );
  }

  /**
   * Completes a multipart upload. Idempotent: if the upload is gone (completed before, e.g. by a
   * run that crashed right after) and the object exists, that counts as done.
   */
  async completeMultipart(key: string, uploadId: string, parts: readonly UploadedPart[]): Promise<void> {
    try {
      await this.#retry(`CompleteMultipartUpload ${key}`, () =>
        this.proxy.completeMultipartUpload(key, uploadId, parts),
      );
    } catch (error) {
      if (await this.exists(key)) return;
      throw error;
    }
  }

  /** Aborts an upload; `false` if the store refused (e.g. a stand-in without AbortMultipartUpload). */
  async abortMultipart(key: string, uploadId: string): Promise<boolean> {
    try {
      await this.#retry(`AbortMultipartUpload ${key}`, () => this.proxy.abortMultipartUpload(key, uploadId));
      return true;
    } catch (error) {
      return isNotFound(error);
    }
  }

  destroy(): void {
    this.proxy.close();
  }

  #retry<R>(operation: string, call: () => Promise<R>): Promise<R> {
    return retrying(call, {
      operation: `${operation} (s3://${this.bucket})`,
      retry: this.retry,
      clock: this.clock,
      signal: this.signal,
      isRetryable: isRetryableS3Error,
    });
  }
}

const yes = (): boolean => true;
function noIfNotFound(error: unknown): boolean {
  if (isNotFound(error)) return false;
  throw error;
}
