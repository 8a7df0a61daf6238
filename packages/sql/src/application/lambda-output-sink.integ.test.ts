import { LambdaClient } from "@aws-sdk/client-lambda";
import { fromIterable, pipeline, SinkWriteError, silentLogger } from "@eddy/core";
import { type LocalLambda, localClientConfig, startLocalLambda } from "@eddy/local-stack";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlField } from "../types/sql-type.ts";
import type { SqlValue } from "../types/sql-value.ts";
import { type LambdaOutputSinkOptions, lambdaOutputSink } from "./lambda-output-sink.ts";
import { compileOutputFormat } from "./output-format.ts";

const APP = "arn:aws:kinesisanalytics:us-east-1:123456789012:application/alerts";
const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const quiet = { logger: silentLogger, stopOnSignals: false } as const;

interface DeliveryRequest {
  invocationId: string;
  applicationArn: string;
  records: { recordId: string; lambdaDeliveryRecordMetadata: { retryHint: number }; data: string }[];
}

const COLUMNS: SqlField[] = [
  { name: "TICKER", type: { name: "VARCHAR", length: 4, nullable: true } },
  { name: "PRICE", type: { name: "DOUBLE", nullable: true } },
];
const ROWS: SqlValue[][] = Array.from({ length: 7 }, (_, i) => [`T${i}`, i + 0.5]);

describe("lambdaOutputSink against the local Lambda, through the real LambdaClient", () => {
  let lambda: LocalLambda;
  let client: LambdaClient;

  const run = async (name: string, more: Partial<LambdaOutputSinkOptions<SqlValue[]>> = {}) => {
    const job = pipeline(`deliver-${name}`, quiet);
    job.source(fromIterable(ROWS, { batchSize: 3 })).sink(
      lambdaOutputSink({
        functionArn: fn(name),
        applicationArn: APP,
        serializer: compileOutputFormat(COLUMNS, "JSON"),
        client,
        maxBatchSize: 4,
        retry: { maxAttempts: 4, initialBackoffMS: 1, maxBackoffMS: 2 },
        ...more,
      }),
    );
    await job.run();
  };
  const requests = (name: string) =>
    lambda.invocations.filter((i) => i.functionName === name).map((i) => i.event as DeliveryRequest);
  const decoded = (request: DeliveryRequest) =>
    request.records.map((r) => Buffer.from(r.data, "base64").toString("utf8"));

  beforeAll(async () => {
    lambda = await startLocalLambda();
    client = new LambdaClient({ ...localClientConfig(lambda.endpoint), maxAttempts: 1 });
  });
  afterAll(async () => {
    client.destroy();
    await lambda.stop();
  });

  it("delivers every row as KDA's delivery request, in order, in batches of maxBatchSize", async () => {
    lambda.register("deliver", (event) => ({
      records: (event as DeliveryRequest).records.map((r) => ({ recordId: r.recordId, result: "Ok" })),
    }));
    await run("deliver");
    const sent = requests("deliver");
    expect(sent.map((r) => r.records.length)).toEqual([4, 3]);
    expect(sent.flatMap(decoded)).toEqual(ROWS.map(([t, p]) => `{"TICKER":"${t}","PRICE":${p}}`));
    for (const request of sent) {
      expect(request.invocationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(request.applicationArn).toBe(APP);
      for (const record of request.records) {
        expect(record.recordId).toMatch(/^[0-9a-f-]{36}$/);
        expect(record.lambdaDeliveryRecordMetadata).toEqual({ retryHint: 0 });
      }
    }
  });

  it("sends records answered DeliveryFailed or left out again, alone, with their retryHint counted", async () => {
    const failures = new Map<string, number>();
    lambda.register("choosy", (event) => ({
      records: (event as DeliveryRequest).records.flatMap((r) => {
        const text = Buffer.from(r.data, "base64").toString("utf8");
        const failedBefore = failures.get(text) ?? 0;
        // T1 fails twice, T4 is left out once, T6 gets an answer KDA does not know once.
        const fails = (text.includes("T1") && failedBefore < 2) || (text.includes("T6") && failedBefore < 1);
        if (text.includes("T4") && failedBefore < 1) {
          failures.set(text, failedBefore + 1);
          return [];
        }
        if (fails) failures.set(text, failedBefore + 1);
        return [
          { recordId: r.recordId, result: fails ? (text.includes("T6") ? "Maybe" : "DeliveryFailed") : "Ok" },
        ];
      }),
    }));
    await run("choosy");
    // Every row's deliveries, in order, by the retryHint each carried.
    const hints = new Map<string, number[]>();
    for (const request of requests("choosy")) {
      for (const record of request.records) {
        const ticker = (JSON.parse(Buffer.from(record.data, "base64").toString("utf8")) as { TICKER: string })
          .TICKER;
        hints.set(ticker, [...(hints.get(ticker) ?? []), record.lambdaDeliveryRecordMetadata.retryHint]);
      }
    }
    expect(Object.fromEntries(hints)).toEqual({
      T0: [0],
      T1: [0, 1, 2],
      T2: [0],
      T3: [0],
      T4: [0, 1],
      T5: [0],
      T6: [0, 1],
    });
  });

  it("retries a function error, then fails the job naming the function when it does not recover", async () => {
    let calls = 0;
    lambda.register("down", () => {
      calls += 1;
      throw new Error("database unreachable");
    });
    const failure = await run("down").then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(SinkWriteError);
    expect((failure as Error).message).toContain(fn("down"));
    expect((failure as Error).message).toContain("database unreachable");
    expect(calls).toBe(4);
  });

  it("fails the job at once when the function does not exist", async () => {
    const before = lambda.invocations.length;
    const failure = await run("absent").then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((failure as Error).message).toContain(
      `Lambda function ${fn("absent")}: Invoke was refused: ResourceNotFoundException`,
    );
    expect(lambda.invocations.length).toBe(before);
  });
});
