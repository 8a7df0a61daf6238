import { silentLogger } from "@eddy/core";
import { sinkContract, uniqueName } from "@eddy/core/testing";
import { type LocalS3, LocalS3Objects, localS3ClientConfig, startLocalS3 } from "@eddy/local-stack";
import { afterAll, beforeAll, describe, test } from "vitest";
import { s3Sink } from "./s3-sink.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

let s3: LocalS3;
let objects: LocalS3Objects;
const bucket = `s3-sink-contract-${process.pid}`;

beforeAll(async () => {
  s3 = await startLocalS3();
  objects = new LocalS3Objects(s3.endpoint);
  await objects.createBucket(bucket);
});

afterAll(async () => {
  await objects?.empty(bucket).catch(() => {});
  objects?.close();
  await s3?.stop();
});

interface Click {
  readonly id: number;
  readonly page: string;
}

describe("s3Sink keeps the Sink contract", () => {
  const cases = sinkContract<Click>({
    guarantee: "exactly-once",
    destination: () => {
      const prefix = `${uniqueName("contract")}/`;
      return {
        sink: () =>
          s3Sink<Click>({
            bucket,
            prefix,
            logger: silentLogger,
            client: localS3ClientConfig(s3.endpoint),
            retry: { initialBackoffMS: 5, maxBackoffMS: 50, maxAttempts: 10 },
          }),
        // What a reader of the prefix sees: committed objects, not the error objects under `_errors/`.
        readBack: async () =>
          (await objects.readAll(bucket, prefix))
            .filter((o) => !o.key.includes("/_"))
            .flatMap((o) =>
              o.text
                .split("\n")
                .filter((line) => line !== "")
                .map((line) => JSON.parse(line) as Click),
            ),
        remove: async () => {
          await objects.empty(bucket, prefix);
          await objects.empty(bucket, `_eddy-staging/${prefix}`);
        },
      };
    },
    record: (i) => ({ id: i, page: `/p/${i % 4}` }),
  });
  for (const c of cases) test(c.name, c.run);
});
