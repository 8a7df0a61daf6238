import { randomUUID } from "node:crypto";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { VirtualClock } from "@eddy/core";
import { type LocalS3, localS3ClientConfig, startLocalS3 } from "@eddy/local-stack";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readApplicationDescription } from "./application-description.ts";
import type { ReferenceDataSource } from "./application-model.ts";
import { loadReferenceData, ReferenceDataError } from "./reference-data.ts";

/** The reference source of a CreateApplication request, read as eddy-sql reads it. */
function referenceSource(bucket: string, key: string, schema: object): ReferenceDataSource {
  return readApplicationDescription({
    ApplicationName: "ref",
    ReferenceDataSources: [
      {
        TableName: "COMPANIES",
        S3ReferenceDataSource: { BucketARN: `arn:aws:s3:::${bucket}`, FileKey: key },
        ReferenceSchema: schema,
      },
    ],
  }).referenceData[0]!;
}

const CSV_SCHEMA = {
  RecordFormat: {
    RecordFormatType: "CSV",
    MappingParameters: { CSVMappingParameters: { RecordColumnDelimiter: ",", RecordRowDelimiter: "\n" } },
  },
  RecordColumns: [
    { Name: "Ticker", SqlType: "VARCHAR(4)" },
    { Name: "Company", SqlType: "VARCHAR(32)" },
    { Name: "EMPLOYEES", SqlType: "INTEGER" },
  ],
};
const JSON_SCHEMA = {
  RecordFormat: {
    RecordFormatType: "JSON",
    MappingParameters: { JSONMappingParameters: { RecordRowPath: "$" } },
  },
  RecordColumns: [
    { Name: "Ticker", SqlType: "VARCHAR(4)", Mapping: "$.ticker" },
    { Name: "Company", SqlType: "VARCHAR(32)", Mapping: "$.company.name" },
    { Name: "EMPLOYEES", SqlType: "INTEGER", Mapping: "$.company.employees" },
  ],
};

describe("loadReferenceData from s3rver, through the real S3Client", () => {
  let s3: LocalS3;
  let client: S3Client;
  const bucket = `eddy-ref-${randomUUID().slice(0, 8)}`;
  const put = (key: string, body: string | Uint8Array) =>
    client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  const clock = new VirtualClock(Date.UTC(2024, 5, 1));

  beforeAll(async () => {
    s3 = await startLocalS3();
    client = new S3Client({ ...localS3ClientConfig(s3.endpoint), maxAttempts: 1 });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    client.destroy();
    await s3.stop();
  });

  it("maps a CSV object with its reference schema, exactly like input", async () => {
    await put(
      "ref/companies.csv",
      "AMZN,Amazon.com Inc.,1525000\nMSFT,Microsoft,221000,extra\nGOOGL,Alphabet,\n",
    );
    const table = await loadReferenceData(referenceSource(bucket, "ref/companies.csv", CSV_SCHEMA), {
      client,
      clock,
    });
    expect(table).toEqual({
      name: "COMPANIES",
      columns: [
        { name: "Ticker", type: { name: "VARCHAR", length: 4, nullable: true } },
        { name: "Company", type: { name: "VARCHAR", length: 32, nullable: true } },
        { name: "EMPLOYEES", type: { name: "INTEGER", nullable: true } },
      ],
      rows: [
        ["AMZN", "Amazon.com Inc.", 1_525_000],
        ["MSFT", "Microsoft", 221_000],
        ["GOOG", "Alphabet", null],
      ],
      errors: [],
    });
  });

  it("maps the JSON documents of an object (JSON lines) through the JSONPaths", async () => {
    await put(
      "ref/companies.json",
      '{"ticker":"AMZN","company":{"name":"Amazon.com Inc.","employees":1525000}}\n{"ticker":"MSFT","company":{"name":"Microsoft"}}\n',
    );
    const table = await loadReferenceData(referenceSource(bucket, "ref/companies.json", JSON_SCHEMA), {
      client,
      clock,
    });
    expect(table.rows).toEqual([
      ["AMZN", "Amazon.com Inc.", 1_525_000],
      ["MSFT", "Microsoft", null],
    ]);
  });

  it("leaves out rows that cannot be mapped, as error_stream rows naming the table, the row and the object", async () => {
    await put("ref/bad.csv", "AMZN,Amazon,many\nMSFT,Microsoft,221000\n");
    const table = await loadReferenceData(referenceSource(bucket, "ref/bad.csv", CSV_SCHEMA), {
      client,
      clock,
    });
    expect(table.rows).toEqual([["MSFT", "Microsoft", 221_000]]);
    expect(table.errors).toEqual([
      {
        ERROR_TIME: clock.now(),
        ERROR_LEVEL: "ERROR",
        ERROR_NAME: "COERCION_FAILED",
        MESSAGE: `reference table COMPANIES (s3://${bucket}/ref/bad.csv), row 1: column "EMPLOYEES" INTEGER from field 3: Cannot coerce JSON string "many" to INTEGER: not a number`,
        DATA_ROWTIME: clock.now(),
        DATA_ROW: Buffer.from("AMZN,Amazon,many").toString("hex"),
        PUMP_NAME: null,
      },
    ]);
  });

  it("fails naming the object when it is missing, its bucket is missing, or it is not JSON", async () => {
    const missing = loadReferenceData(referenceSource(bucket, "ref/none.csv", CSV_SCHEMA), { client, clock });
    await expect(missing).rejects.toThrow(ReferenceDataError);
    await expect(missing).rejects.toThrow(
      new RegExp(
        `^reference table COMPANIES \\(s3://${bucket}/ref/none.csv\\): cannot read the object: NoSuchKey`,
      ),
    );
    await expect(
      loadReferenceData(referenceSource(`${bucket}-gone`, "k.csv", CSV_SCHEMA), { client, clock }),
    ).rejects.toThrow(/cannot read the object: NoSuchBucket/);
    await put("ref/garbled.json", '{"ticker":"AMZN"}\n{"ticker":');
    await expect(
      loadReferenceData(referenceSource(bucket, "ref/garbled.json", JSON_SCHEMA), { client, clock }),
    ).rejects.toThrow(
      new RegExp(
        `^reference table COMPANIES \\(s3://${bucket}/ref/garbled.json\\): the reference data is not JSON: JSON document 2`,
      ),
    );
    await put("ref/binary.csv", Uint8Array.of(0x41, 0xff, 0x0a));
    await expect(
      loadReferenceData(referenceSource(bucket, "ref/binary.csv", CSV_SCHEMA), { client, clock }),
    ).rejects.toThrow("the object is not UTF-8 text");
  });
});
