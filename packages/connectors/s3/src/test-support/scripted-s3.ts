import { Readable } from "node:stream";
import type { S3Proxy } from "../s3-client.ts";

/** An S3 error as the SDK throws it: a name and an HTTP status. */
export const s3Error = (name: string, status: number): Error =>
  Object.assign(new Error(`${name} (scripted)`), { name, $metadata: { httpStatusCode: status } });

/** How a {@link scriptedS3} behaves. */
export interface ScriptedS3Options {
  /** Makes the `n`th call named `call` ("put", "get", "list", …) throw this error instead. */
  readonly fail?: (call: string, n: number) => Error | undefined;
  /** Keys per ListObjectsV2 page, as S3's `MaxKeys` (default: all in one page). */
  readonly pageSize?: number;
}

/**
 * An {@link S3Proxy} over a map of objects, for unit tests: listings in key order, in pages of
 * `pageSize` with continuation tokens and `StartAfter`, as S3 answers; ranged GETs; every call's
 * name in `calls` and every GET's key and offset in `gets`.
 */
export function scriptedS3(options: ScriptedS3Options = {}) {
  const { fail = () => undefined, pageSize = Number.POSITIVE_INFINITY } = options;
  const objects = new Map<string, Buffer>();
  const calls: string[] = [];
  const gets: { key: string; offset: number }[] = [];
  const step = async (call: string) => {
    calls.push(call);
    const error = fail(call, calls.filter((c) => c === call).length);
    if (error) throw error;
  };
  const missing = () => s3Error("NotFound", 404);
  const proxy: S3Proxy = {
    async putObject(key, body) {
      await step("put");
      objects.set(key, Buffer.from(body));
    },
    async copyObject(from, to) {
      await step("copy");
      const body = objects.get(from);
      if (!body) throw missing();
      objects.set(to, body);
    },
    async deleteObject(key) {
      await step("delete");
      objects.delete(key);
    },
    async headObject(key) {
      await step("head");
      if (!objects.has(key)) throw missing();
    },
    async getObject(key, offset) {
      await step("get");
      gets.push({ key, offset });
      const body = objects.get(key);
      if (!body) throw s3Error("NoSuchKey", 404);
      return Readable.from([body.subarray(offset)]);
    },
    async listObjects(prefix, continuationToken, startAfter) {
      await step("list");
      // The token is the last key of the previous page, as good as S3's opaque one here.
      const after = continuationToken ?? startAfter;
      const keys = [...objects.keys()]
        .filter(
          (k) =>
            k.startsWith(prefix) &&
            (after === undefined || Buffer.compare(Buffer.from(k), Buffer.from(after)) > 0),
        )
        .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      const page = keys.slice(0, pageSize);
      return { keys: page, next: keys.length > page.length ? page.at(-1) : undefined };
    },
    async createMultipartUpload() {
      await step("create");
      return "upload-1";
    },
    async uploadPart(_key, _id, partNumber) {
      await step("part");
      return { PartNumber: partNumber, ETag: `etag-${partNumber}` };
    },
    async completeMultipartUpload(key) {
      await step("complete");
      objects.set(key, Buffer.from("done"));
    },
    async abortMultipartUpload() {
      await step("abort");
    },
    close() {
      calls.push("close");
    },
  };
  return { proxy, objects, calls, gets };
}
