import type {
  DeleteObjectsCommandOutput,
  GetObjectCommandOutput,
  ListObjectsV2CommandOutput,
  PutObjectCommandOutput,
} from "@aws-sdk/client-s3";
import { type AwsSdkClient, type Clock, type RetryOptions, retrying } from "@eddy/core";

type Sdk = typeof import("@aws-sdk/client-s3");
let sdk: Promise<Sdk> | undefined;

/**
 * `@aws-sdk/client-s3`, loaded on first use: it is an optional peer dependency, so an application
 * that keeps its checkpoints elsewhere neither installs nor loads it.
 */
function loadSdk(): Promise<Sdk> {
  sdk ??= import("@aws-sdk/client-s3").catch((error: unknown) => {
    sdk = undefined;
    throw new Error("s3Checkpoints needs the AWS SDK's S3 client: npm install @aws-sdk/client-s3", {
      cause: error,
    });
  });
  return sdk;
}

/** A conditional write lost: the object changed (412), is gone (404) or is being written (409). */
export const CONFLICT = Symbol("conflict");

/** At most this many keys per `DeleteObjects` request (S3's limit). */
const DELETE_BATCH = 1_000;

/**
 * The one place the S3 checkpoint store talks to S3. Every call is retried with core's policy on
 * throttling (`SlowDown`, 503), other 5xx answers and network errors; the client's own attempts
 * run inside each. A client given is used as given; without one, the first call builds one with
 * `maxAttempts: 1` (Eddy retries, the SDK does not) and the SDK's default region, credentials and
 * endpoint, which {@link S3Objects.close} destroys. Other errors are thrown at once.
 */
export class S3Objects {
  #client: Promise<AwsSdkClient> | undefined;
  #built: AwsSdkClient | undefined;

  constructor(
    given: AwsSdkClient | undefined,
    readonly bucket: string,
    private readonly retry: { readonly policy: RetryOptions; readonly clock: Clock },
  ) {
    if (given !== undefined) this.#client = Promise.resolve(given);
  }

  /** Destroys the client this seam built (a client given is left open). */
  close(): void {
    this.#built?.destroy();
  }

  /** The object's bytes and ETag; `undefined` when there is no such key (a missing bucket throws). */
  async get(key: string): Promise<{ bytes: Uint8Array; etag: string } | undefined> {
    return this.#retried(`GetObject s3://${this.bucket}/${key}`, async () => {
      let response: GetObjectCommandOutput;
      try {
        const { GetObjectCommand } = await loadSdk();
        response = (await this.#send(
          new GetObjectCommand({ Bucket: this.bucket, Key: key }),
        )) as GetObjectCommandOutput;
      } catch (error) {
        if (nameOf(error) === "NoSuchKey" || (statusOf(error) === 404 && nameOf(error) !== "NoSuchBucket")) {
          return undefined;
        }
        throw error;
      }
      return { bytes: await response.Body!.transformToByteArray(), etag: response.ETag ?? "" };
    });
  }

  /** Writes `bytes` at `key` unconditionally; resolves with the new ETag. */
  async put(key: string, bytes: Uint8Array): Promise<string> {
    return this.#retried(`PutObject s3://${this.bucket}/${key}`, async () => {
      const { PutObjectCommand } = await loadSdk();
      const response = (await this.#send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentLength: bytes.byteLength }),
      )) as PutObjectCommandOutput;
      return response.ETag ?? "";
    });
  }

  /**
   * Writes `bytes` at `key` only if the object there still has ETag `expected` (`undefined`: only
   * if there is none), in one step on S3's side (`If-Match` / `If-None-Match: *`). Resolves with
   * the new ETag, or {@link CONFLICT} when the object is not as expected.
   */
  async putIfUnchanged(
    key: string,
    bytes: Uint8Array,
    expected: string | undefined,
  ): Promise<string | typeof CONFLICT> {
    const condition = expected === undefined ? { IfNoneMatch: "*" } : { IfMatch: expected };
    try {
      return await this.#retried(`conditional PutObject s3://${this.bucket}/${key}`, async () => {
        const { PutObjectCommand } = await loadSdk();
        const response = (await this.#send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Body: bytes,
            ContentLength: bytes.byteLength,
            ...condition,
          }),
        )) as PutObjectCommandOutput;
        return response.ETag ?? "";
      });
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || status === 409 || (status === 404 && expected !== undefined)) return CONFLICT;
      throw error;
    }
  }

  /**
   * Deletes `keys` (a missing key counts as deleted), in batches; resolves with the keys S3 could
   * not delete.
   */
  async deleteAll(keys: readonly string[]): Promise<string[]> {
    const failed: string[] = [];
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const response = await this.#retried(`DeleteObjects s3://${this.bucket}`, async () => {
        const { DeleteObjectsCommand } = await loadSdk();
        return (await this.#send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        )) as DeleteObjectsCommandOutput;
      });
      for (const error of response.Errors ?? []) if (error.Key !== undefined) failed.push(error.Key);
    }
    return failed;
  }

  /** Every key under `prefix`, page by page (S3 answers at most 1,000 keys a page). */
  async keys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.#retried(`ListObjectsV2 s3://${this.bucket}/${prefix}`, async () => {
        const { ListObjectsV2Command } = await loadSdk();
        return (await this.#send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
        )) as ListObjectsV2CommandOutput;
      });
      for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys;
  }

  async #send(command: object): Promise<unknown> {
    this.#client ??= loadSdk().then(({ S3Client }) => {
      this.#built = new S3Client({ maxAttempts: 1 });
      return this.#built;
    });
    return (await this.#client).send(command);
  }

  #retried<T>(operation: string, attempt: () => Promise<T>): Promise<T> {
    return retrying(attempt, {
      operation,
      retry: this.retry.policy,
      clock: this.retry.clock,
      isRetryable: isTransientS3Error,
    });
  }
}

/**
 * Whether another attempt of a failed S3 call may succeed: throttling (`SlowDown` is a 503),
 * other 5xx answers, 429 and 408, and failures without an answer (a reset connection, a timeout).
 * Refusals (4xx: a missing bucket, denied access, a failed precondition) and missing credentials
 * are final.
 */
export function isTransientS3Error(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return status >= 500 || status === 429 || status === 408;
  return !(error instanceof TypeError) && nameOf(error) !== "CredentialsProviderError";
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function nameOf(error: unknown): string | undefined {
  return (error as { name?: string } | undefined)?.name;
}
