import { LambdaClient } from "@aws-sdk/client-lambda";
import { systemClock } from "@eddy/core";
import { type LocalLambda, localClientConfig, startLocalLambda } from "@eddy/local-stack";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSqlTypeText } from "../functions/conversion/sql-type-text.ts";
import { compileInputMapping } from "./input-mapping.ts";
import type { InputRecord } from "./input-record.ts";
import { LambdaInvocationError } from "./lambda-invoker.ts";
import { type LambdaPreprocessorOptions, lambdaPreprocessor } from "./lambda-preprocessor.ts";

const APP = "arn:aws:kinesisanalytics:us-east-1:123456789012:application/orders";
const STREAM = "arn:aws:kinesis:us-east-1:123456789012:stream/orders-in";
const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const text = (value: string) => new TextEncoder().encode(value);
const base64 = (value: string) => Buffer.from(value).toString("base64");

interface KdaRequest {
  invocationId: string;
  applicationArn: string;
  streamArn: string;
  records: { recordId: string; data: string; [key: string]: unknown }[];
}

/** A preprocessor function KDA's templates would be: answers per record from its decoded text. */
function perRecord(answer: (text: string) => { result: string; data?: string }) {
  return (event: unknown) => ({
    records: (event as KdaRequest).records.map((r) => ({
      recordId: r.recordId,
      ...answer(Buffer.from(r.data, "base64").toString("utf8")),
    })),
  });
}

function record(data: string, sequence: number): InputRecord {
  return {
    data: text(data),
    arrivalTime: Date.UTC(2024, 0, 1, 0, 0, sequence),
    shardId: "shardId-000000000001",
    partitionKey: `key-${sequence}`,
    sequenceNumber: `4959033827149025660855969253836157109592157598913658${String(sequence).padStart(4, "0")}`,
  };
}

describe("lambdaPreprocessor against the local Lambda, through the real LambdaClient", () => {
  let lambda: LocalLambda;
  let client: LambdaClient;
  const options = (
    name: string,
    more: Partial<LambdaPreprocessorOptions> = {},
  ): LambdaPreprocessorOptions => ({
    functionArn: fn(name),
    applicationArn: APP,
    streamArn: STREAM,
    source: "kinesis",
    client,
    clock: systemClock,
    retry: { maxAttempts: 3, initialBackoffMS: 1, maxBackoffMS: 2 },
    ...more,
  });
  const failureOf = async (name: string, records: InputRecord[] = [record("x", 1)]) => {
    const error = await lambdaPreprocessor(options(name))
      .process(records)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(LambdaInvocationError);
    return error as LambdaInvocationError;
  };

  beforeAll(async () => {
    lambda = await startLocalLambda();
    client = new LambdaClient({ ...localClientConfig(lambda.endpoint), maxAttempts: 1 });
  });
  afterAll(async () => {
    client.destroy();
    await lambda.stop();
  });

  it("sends KDA's request and maps Ok, Dropped and ProcessingFailed", async () => {
    lambda.register(
      "triage",
      perRecord((t) =>
        t === "drop"
          ? { result: "Dropped" }
          : t === "bad"
            ? { result: "ProcessingFailed" }
            : { result: "Ok", data: base64(`{"id":"${t}"}\n{"id":"${t}${t}"}`) },
      ),
    );
    const records = [record("7", 1), record("drop", 2), record("bad", 3), record("8", 4)];
    const outcomes = await lambdaPreprocessor(options("triage")).process(records);

    const request = lambda.invocations.at(-1)!.event as KdaRequest;
    expect(request.invocationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(request.applicationArn).toBe(APP);
    expect(request.streamArn).toBe(STREAM);
    expect(request.records[0]).toEqual({
      recordId: records[0]!.sequenceNumber,
      approximateArrivalTimestamp: records[0]!.arrivalTime,
      kinesisStreamRecordMetadata: {
        sequenceNumber: records[0]!.sequenceNumber,
        partitionKey: "key-1",
        shardId: "shardId-000000000001",
        approximateArrivalTimestamp: records[0]!.arrivalTime,
      },
      data: base64("7"),
    });

    expect(outcomes.map((o) => [o.result, o.record])).toEqual([
      ["Ok", records[0]],
      ["Dropped", records[1]],
      ["ProcessingFailed", records[2]],
      ["Ok", records[3]],
    ]);
    const failed = outcomes[2]!;
    expect(failed.result === "ProcessingFailed" && failed.error).toEqual({
      ERROR_TIME: records[2]!.arrivalTime,
      ERROR_LEVEL: "ERROR",
      ERROR_NAME: "PREPROCESSING_FAILED",
      MESSAGE: `Lambda preprocessor ${fn("triage")} answered ProcessingFailed for the record`,
      DATA_ROWTIME: records[2]!.arrivalTime,
      DATA_ROW: Buffer.from("bad").toString("hex"),
      PUMP_NAME: null,
    });

    // An Ok payload may hold several JSON documents: the input mapping reads each as a row.
    const mapping = compileInputMapping({
      format: { kind: "JSON", rowPath: "$" },
      encoding: "UTF-8",
      columns: [{ name: "ID", sqlType: "INTEGER", type: parseSqlTypeText("INTEGER"), mapping: "$.id" }],
    });
    const first = outcomes[0]!;
    expect(first.result === "Ok" && mapping.map(first.data, first.record.arrivalTime).rows).toEqual([
      [7, records[0]!.arrivalTime],
      [77, records[0]!.arrivalTime],
    ]);
  });

  it("tells a Firehose source's records by kinesisFirehoseRecordMetadata and random record ids", async () => {
    lambda.register(
      "identity",
      perRecord((t) => ({ result: "Ok", data: base64(t) })),
    );
    const outcomes = await lambdaPreprocessor(options("identity", { source: "firehose" })).process([
      { data: text("a,b"), arrivalTime: 1_000 },
    ]);
    const sent = (lambda.invocations.at(-1)!.event as KdaRequest).records[0]!;
    expect(sent).toEqual({
      recordId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      approximateArrivalTimestamp: 1_000,
      kinesisFirehoseRecordMetadata: { approximateArrivalTimestamp: 1_000 },
      data: base64("a,b"),
    });
    expect(outcomes).toEqual([
      { result: "Ok", record: { data: text("a,b"), arrivalTime: 1_000 }, data: text("a,b") },
    ]);
  });

  it("splits records into invocations by count and by payload size, keeping their order", async () => {
    lambda.register(
      "batches",
      perRecord((t) => ({ result: "Ok", data: base64(t.toUpperCase()) })),
    );
    const before = lambda.invocations.length;
    const records = ["a", "b", "c", "d", "e"].map((t, i) => record(t, i));
    const outcomes = await lambdaPreprocessor(options("batches", { maxRecordsPerInvocation: 2 })).process(
      records,
    );
    expect(outcomes.map((o) => o.result === "Ok" && new TextDecoder().decode(o.data))).toEqual([
      "A",
      "B",
      "C",
      "D",
      "E",
    ]);
    const sizes = lambda.invocations.slice(before).map((i) => (i.event as KdaRequest).records.length);
    expect(sizes).toEqual([2, 2, 1]);

    const big = ["x".repeat(2_000), "y".repeat(2_000), "z"].map((t, i) => record(t, i));
    const start = lambda.invocations.length;
    await lambdaPreprocessor(options("batches", { maxPayloadBytes: 1024 + 200 + 4_000 })).process(big);
    expect(lambda.invocations.slice(start).map((i) => (i.event as KdaRequest).records.length)).toEqual([
      1, 2,
    ]);
  });

  it("retries a function error and goes on when the function recovers", async () => {
    let calls = 0;
    lambda.register("flaky", (event) => {
      calls += 1;
      if (calls < 3) throw new Error(`cold start ${calls}`);
      return perRecord((t) => ({ result: "Ok", data: base64(t) }))(event);
    });
    const outcomes = await lambdaPreprocessor(options("flaky")).process([record("ok", 1)]);
    expect(outcomes.map((o) => o.result)).toEqual(["Ok"]);
    expect(calls).toBe(3);
  });

  it("gives up on a function that keeps failing, naming it and its error", async () => {
    lambda.register("broken", () => {
      throw new RangeError("index out of range");
    });
    const error = await failureOf("broken");
    expect(error.message).toBe(
      `Lambda function ${fn("broken")}: input preprocessing failed 3 times in a row, the last time: ` +
        "the function failed (Unhandled): RangeError: index out of range",
    );
    expect(lambda.invocations.filter((i) => i.functionName === "broken")).toHaveLength(3);
  });

  it("fails at once for a function that does not exist", async () => {
    const error = await failureOf("missing");
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(
      new RegExp(
        `^Lambda function ${fn("missing")}: Invoke was refused: ResourceNotFoundException: Function not found`,
      ),
    );
  });

  it.each([
    [
      "no records array",
      () => ({ result: "Ok" }),
      'the function answered {"result":"Ok"} instead of { records: [...] }',
    ],
    [
      "a record without recordId",
      () => ({ records: [{ result: "Ok", data: "" }] }),
      "records[0] has no recordId",
    ],
    [
      "an unknown recordId",
      () => ({ records: [{ recordId: "other", result: "Ok", data: "" }] }),
      'records[0] answers recordId "other", which was not sent',
    ],
    [
      "a result KDA does not know",
      (event: unknown) => ({
        records: [{ recordId: (event as KdaRequest).records[0]!.recordId, result: "Failed" }],
      }),
      'records[0] has result "Failed", expected "Ok", "Dropped" or "ProcessingFailed"',
    ],
    [
      "an Ok without data",
      (event: unknown) => ({
        records: [{ recordId: (event as KdaRequest).records[0]!.recordId, result: "Ok" }],
      }),
      "records[0] is Ok without base64 data",
    ],
    [
      "a record left out",
      () => ({ records: [] }),
      /^the answer leaves out 1 of 1 records \(recordId \d+ first\)$/,
    ],
  ])("fails at once, naming the function, for a response with %s", async (_, handler, problem) => {
    const name = `shape-${Math.random().toString(36).slice(2)}`;
    lambda.register(name, handler);
    const error = await failureOf(name);
    const prefix = `Lambda function ${fn(name)}: as input preprocessor, `;
    expect(error.message.startsWith(prefix)).toBe(true);
    if (typeof problem === "string") expect(error.message.slice(prefix.length)).toBe(problem);
    else expect(error.message.slice(prefix.length)).toMatch(problem);
    expect(lambda.invocations.filter((i) => i.functionName === name)).toHaveLength(1);
  });
});
