import { gzipSync } from "node:zlib";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { type FailedRecord, OutputTag } from "@eddy/core";
import { sourceContract } from "@eddy/core/testing";
import { type LocalS3, LocalS3Objects, localS3ClientConfig, startLocalS3 } from "@eddy/local-stack";
import { afterAll, beforeAll, describe, test } from "vitest";
import { s3Source } from "./s3-source.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

let s3: LocalS3;
let objects: LocalS3Objects;
const bucket = `s3-source-contract-${process.pid}`;
const records = Array.from({ length: 60 }, (_, id) => ({ id }));
const lines = (from: number, to: number) => records.slice(from, to).map((r) => JSON.stringify(r));

beforeAll(async () => {
  s3 = await startLocalS3();
  objects = new LocalS3Objects(s3.endpoint);
  await objects.createBucket(bucket);
  const put = (key: string, body: string | Buffer) =>
    objects.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  // Plain, gzipped, without a final newline, a line that is not JSON, a hidden object: positions
  // must resume inside and across all of them.
  await put("in/dt=2026-11-21/hh=13/a.jsonl", `${lines(0, 20).join("\n")}\n{not json\n`);
  await put("in/dt=2026-11-21/hh=14/b.jsonl.gz", gzipSync(`${lines(20, 45).join("\r\n")}\r\n\n`));
  await put("in/dt=2026-11-21/hh=15/c.jsonl", lines(45, 60).join("\n"));
  await put("in/dt=2026-11-21/hh=15/.hidden", "{not json}\n");
});

afterAll(async () => {
  await objects?.empty(bucket).catch(() => {});
  objects?.close();
  await s3?.stop();
});

describe("s3Source keeps the Source contract", () => {
  const deadLetters = new OutputTag<FailedRecord<string>>("bad-lines");
  const source = () =>
    s3Source<{ id: number }>({
      bucket,
      prefix: "in/",
      client: localS3ClientConfig(s3.endpoint),
      batchSize: 7,
      deadLetters,
    });
  for (const c of sourceContract({ source, expected: records })) test(c.name, c.run);
});
