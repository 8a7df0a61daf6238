import { LambdaClient } from "@aws-sdk/client-lambda";
import { collectSink, fromIterable, pipeline, silentLogger } from "@eddy/core";
import { type LocalLambda, localClientConfig, startLocalLambda } from "@eddy/local-stack";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { SqlValue } from "../types/sql-value.ts";
import { readApplicationDescription } from "./application-description.ts";
import type { ErrorStreamRow } from "./input-error.ts";
import { compileInputMapping } from "./input-mapping.ts";
import type { InputRecord } from "./input-record.ts";
import { preprocessedSource } from "./preprocessed-source.ts";

/** An application whose producers write `ticker,price;…` text, which its preprocessor turns into JSON lines. */
const app = readApplicationDescription({
  ApplicationName: "csv-to-json",
  Inputs: [
    {
      NamePrefix: "SOURCE_SQL_STREAM",
      KinesisStreamsInput: { ResourceARN: "arn:aws:kinesis:us-east-1:123456789012:stream/raw" },
      InputProcessingConfiguration: {
        InputLambdaProcessor: { ResourceARN: "arn:aws:lambda:us-east-1:123456789012:function:csv-to-json" },
      },
      InputSchema: {
        RecordFormat: { RecordFormatType: "JSON" },
        RecordColumns: [
          { Name: "TICKER", SqlType: "VARCHAR(4)", Mapping: "$.t" },
          { Name: "PRICE", SqlType: "DOUBLE", Mapping: "$.p" },
        ],
      },
    },
  ],
});
const input = app.input!;

let lambda: LocalLambda;
let client: LambdaClient;
beforeAll(async () => {
  lambda = await startLocalLambda({
    functions: {
      "csv-to-json": (event) => ({
        records: (event as { records: { recordId: string; data: string }[] }).records.map((r) => {
          const lines = Buffer.from(r.data, "base64").toString("utf8").split(";");
          if (lines[0] === "skip") return { recordId: r.recordId, result: "Dropped" };
          if (lines[0] === "fail") return { recordId: r.recordId, result: "ProcessingFailed" };
          const json = lines.map((line) => {
            const [t, p] = line.split(",");
            return JSON.stringify({ t, p: Number(p) });
          });
          return {
            recordId: r.recordId,
            result: "Ok",
            data: Buffer.from(json.join("\n")).toString("base64"),
          };
        }),
      }),
    },
  });
  client = new LambdaClient({ ...localClientConfig(lambda.endpoint), maxAttempts: 1 });
});
afterAll(async () => {
  client.destroy();
  await lambda.stop();
});

it("a source behind the application's preprocessor feeds the input mapping, in a running pipeline", async () => {
  const records: InputRecord[] = ["AMZN,1.5;MSFT,2", "skip", "fail", "GOOG,3"].map((text, i) => ({
    data: new TextEncoder().encode(text),
    arrivalTime: 1_000 * (i + 1),
    shardId: "shardId-000000000000",
    partitionKey: "p",
    sequenceNumber: String(100 + i),
  }));
  const mapping = compileInputMapping(input.schema);
  const rows = collectSink<SqlValue[]>();
  const errors = collectSink<ErrorStreamRow>();
  const job = pipeline("preprocessed", { logger: silentLogger, stopOnSignals: false });
  const outcomes = job.source(
    preprocessedSource(fromIterable(records, { batchSize: 3, timestampOf: (r) => r.arrivalTime }), {
      functionArn: input.preprocessor!.arn,
      applicationArn: app.arn,
      streamArn: input.source.resource.arn,
      source: input.source.kind,
      client,
    }),
  );
  outcomes
    .flatMap((o) => (o.result === "Ok" ? mapping.map(o.data, o.record.arrivalTime).rows : []))
    .sink(rows.sink);
  outcomes.flatMap((o) => (o.result === "ProcessingFailed" ? [o.error] : [])).sink(errors.sink);
  await job.run();

  expect(rows.records()).toEqual([
    { value: ["AMZN", 1.5, 1_000], timestamp: 1_000 },
    { value: ["MSFT", 2, 1_000], timestamp: 1_000 },
    { value: ["GOOG", 3, 4_000], timestamp: 4_000 },
  ]);
  expect(errors.values().map((e) => [e.ERROR_NAME, e.DATA_ROWTIME, e.DATA_ROW])).toEqual([
    ["PREPROCESSING_FAILED", 3_000, Buffer.from("fail").toString("hex")],
  ]);
  expect(lambda.invocations.map((i) => (i.event as { records: unknown[] }).records.length)).toEqual([3, 1]);
});
