import { randomUUID } from "node:crypto";
import { request } from "node:http";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { localS3ClientConfig } from "../aws-config.ts";
import { type LocalS3, startLocalS3 } from "../s3rver.ts";

// S3's conditional writes as AWS documents them (and as AWS answered the same requests in tests
// recorded against it): the layer in front of s3rver against a plain s3rver, which ignores them.

let layered: LocalS3;
let plain: LocalS3;
let client: S3Client;
let plainClient: S3Client;
const bucket = `conditional-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  [layered, plain] = await Promise.all([startLocalS3(), startLocalS3({ conditionalWrites: false })]);
  client = new S3Client({ ...localS3ClientConfig(layered.endpoint), maxAttempts: 1 });
  plainClient = new S3Client({ ...localS3ClientConfig(plain.endpoint), maxAttempts: 1 });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  await plainClient.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(async () => {
  client?.destroy();
  plainClient?.destroy();
  await Promise.all([layered?.stop(), plain?.stop()]);
});

const put = (
  s3: S3Client,
  key: string,
  body: string,
  condition: { IfMatch?: string; IfNoneMatch?: string } = {},
) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...condition }));

async function read(s3: S3Client, key: string): Promise<{ text: string; etag: string }> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return { text: await object.Body!.transformToString(), etag: object.ETag! };
}

/** The S3 error a failed call ends with: its code, HTTP status and the element it names. */
async function failure(
  call: Promise<unknown>,
): Promise<{ name: string; status: number | undefined; condition?: string }> {
  try {
    await call;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number }; Condition?: string };
    return {
      name: e.name,
      status: e.$metadata?.httpStatusCode,
      ...(e.Condition ? { condition: e.Condition } : {}),
    };
  }
  throw new Error("the call succeeded");
}

describe("S3's conditional writes on the local S3", () => {
  test("plain s3rver ignores them: why the layer exists", async () => {
    await put(plainClient, "ignored", "first", { IfNoneMatch: "*" });
    await put(plainClient, "ignored", "second", { IfNoneMatch: "*" });
    await put(plainClient, "ignored", "third", { IfMatch: '"not-its-etag"' });
    expect((await read(plainClient, "ignored")).text).toBe("third");
  });

  test("If-None-Match: * creates once; then 412 PreconditionFailed and the object is unchanged", async () => {
    const key = `create-${randomUUID()}`;
    const created = await put(client, key, "first", { IfNoneMatch: "*" });
    expect(await failure(put(client, key, "second", { IfNoneMatch: "*" }))).toEqual({
      name: "PreconditionFailed",
      status: 412,
      condition: "If-None-Match",
    });
    expect(await read(client, key)).toEqual({ text: "first", etag: created.ETag });
  });

  test("If-Match writes over the ETag given (quoted or not); a stale one gets 412, a missing key 404 NoSuchKey", async () => {
    const key = `swap-${randomUUID()}`;
    const first = await put(client, key, "v1");
    const second = await put(client, key, "v2", { IfMatch: first.ETag });
    expect(second.ETag).not.toBe(first.ETag);
    expect(await failure(put(client, key, "stale", { IfMatch: first.ETag }))).toEqual({
      name: "PreconditionFailed",
      status: 412,
      condition: "If-Match",
    });
    await put(client, key, "v3", { IfMatch: second.ETag!.replaceAll('"', "") });
    expect((await read(client, key)).text).toBe("v3");

    const missing = `missing-${randomUUID()}`;
    expect(await failure(put(client, missing, "x", { IfMatch: first.ETag }))).toMatchObject({
      name: "NoSuchKey",
      status: 404,
    });
    expect(await failure(read(client, missing))).toMatchObject({ name: "NoSuchKey" });
  });

  test("of concurrent creates of one key exactly one succeeds; the others get 412 or 409 and nothing of theirs is stored", async () => {
    const key = `race-${randomUUID()}`;
    const attempts = Array.from({ length: 12 }, (_, i) =>
      put(client, key, `writer ${i}`, { IfNoneMatch: "*" }).then(
        () => ({ writer: i, ok: true as const }),
        (error: Error) => ({ writer: i, ok: false as const, name: error.name }),
      ),
    );
    const results = await Promise.all(attempts);
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    for (const r of results) {
      if (!r.ok) expect(["PreconditionFailed", "ConditionalRequestConflict"]).toContain(r.name);
    }
    expect((await read(client, key)).text).toBe(`writer ${winners[0]!.writer}`);
  });

  test("compare-and-swap is atomic: concurrent read-increment-write loops lose no increment", async () => {
    const key = `counter-${randomUUID()}`;
    await put(client, key, "0");
    const increment = async () => {
      for (;;) {
        const { text, etag } = await read(client, key);
        try {
          await put(client, key, String(Number(text) + 1), { IfMatch: etag });
          return;
        } catch (error) {
          if (!["PreconditionFailed", "ConditionalRequestConflict"].includes((error as Error).name))
            throw error;
        }
      }
    };
    const workers = Array.from({ length: 4 }, async () => {
      for (let i = 0; i < 10; i++) await increment();
    });
    await Promise.all(workers);
    expect((await read(client, key)).text).toBe("40");
  }, 60_000);

  test("a conditional write while another write of the key is under way gets 409 ConditionalRequestConflict", async () => {
    const key = `busy-${randomUUID()}`;
    // An anonymous PUT (s3rver takes those) whose body is sent in two halves: the conditional write
    // arrives between them, while the first write is under way.
    const url = new URL(`/${bucket}/${key}`, layered.endpoint);
    const slow = request(url, { method: "PUT", headers: { "content-length": "8" } });
    const answered = new Promise<number>((resolve, reject) => {
      slow.once("response", (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      slow.once("error", reject);
    });
    slow.write("first");
    await new Promise((resolve) => setTimeout(resolve, 200));
    const conflict = await failure(put(client, key, "second", { IfNoneMatch: "*" }));
    slow.end("...");
    expect(await answered).toBe(200);
    expect(conflict).toEqual({ name: "ConditionalRequestConflict", status: 409 });
    expect((await read(client, key)).text).toBe("first...");
    // Once it is done, the key takes conditional writes again.
    expect(await failure(put(client, key, "third", { IfNoneMatch: "*" }))).toMatchObject({ status: 412 });
  });

  test("conditional forms the layer does not implement are refused with 501, never carried out unconditionally", async () => {
    const key = `unsupported-${randomUUID()}`;
    const { ETag } = await put(client, key, "kept");
    const notImplemented = { name: "NotImplemented", status: 501 };
    expect(
      await failure(
        client.send(
          new CopyObjectCommand({
            Bucket: bucket,
            Key: key,
            CopySource: `${bucket}/${key}`,
            IfNoneMatch: "*",
          }),
        ),
      ),
    ).toMatchObject(notImplemented);
    expect(
      await failure(client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, IfMatch: '"other"' }))),
    ).toMatchObject(notImplemented);
    expect(
      await failure(
        client.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: key, ETag: '"other"' }] } }),
        ),
      ),
    ).toMatchObject(notImplemented);
    expect(await failure(put(client, key, "x", { IfNoneMatch: ETag }))).toMatchObject(notImplemented);
    const upload = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    const part = await client.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId: upload.UploadId,
        PartNumber: 1,
        Body: "part",
      }),
    );
    expect(
      await failure(
        client.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            UploadId: upload.UploadId,
            MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
            IfNoneMatch: "*",
          }),
        ),
      ),
    ).toMatchObject(notImplemented);
    expect((await read(client, key)).text).toBe("kept");
  });

  test("unconditional requests pass through: writes, multipart uploads, batch deletes", async () => {
    const key = `plain-${randomUUID()}`;
    await put(client, key, "one");
    await put(client, key, "two");
    const upload = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: `${key}/mp` }));
    const part = await client.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: `${key}/mp`,
        UploadId: upload.UploadId,
        PartNumber: 1,
        Body: "parts",
      }),
    );
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: `${key}/mp`,
        UploadId: upload.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    expect((await read(client, key)).text).toBe("two");
    expect((await read(client, `${key}/mp`)).text).toBe("parts");
    await client.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: key }, { Key: `${key}/mp` }] } }),
    );
    expect(await failure(read(client, key))).toMatchObject({ name: "NoSuchKey" });
    expect(await failure(read(client, `${key}/mp`))).toMatchObject({ name: "NoSuchKey" });
  });
});
