import { readFileSync } from "node:fs";

/**
 * The application the integration tests run: JSON ticks from a Kinesis stream, a tumbling
 * GROUP BY STEP per second to a Kinesis stream (JSON), a join with a CSV reference table from S3
 * whose integer division fails on a zero quantity (error_stream) to a Firehose delivery stream
 * (CSV), and error_stream to a Kinesis stream (JSON).
 */
export const TICKS_SQL = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (TICKER VARCHAR(4), N BIGINT, TOTAL DOUBLE, FIRST_ARRIVAL TIMESTAMP);
CREATE OR REPLACE PUMP "PER_SECOND" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM TICKER, COUNT(*), SUM(PRICE), MIN(APPROXIMATE_ARRIVAL_TIME)
  FROM "SOURCE_SQL_STREAM_001"
  GROUP BY TICKER, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '1' SECOND);
CREATE OR REPLACE STREAM "ENRICHED" (TICKER VARCHAR(4), COMPANY VARCHAR(32), PER_UNIT INTEGER);
CREATE OR REPLACE PUMP "ENRICH" AS INSERT INTO "ENRICHED"
  SELECT STREAM s.TICKER, c.COMPANY, 100 / s.QTY
  FROM "SOURCE_SQL_STREAM_001" AS s JOIN "COMPANIES" AS c ON s.TICKER = c.TICKER;
`;

/** Where the fixture's application reads and writes. */
export interface TicksResources {
  readonly input: string;
  readonly output: string;
  readonly errors: string;
  readonly deliveryStream: string;
  readonly bucket: string;
  readonly referenceKey: string;
}

/** JSON records, one row per document. */
const JSON_RECORDS = {
  RecordFormatType: "JSON",
  MappingParameters: { JSONMappingParameters: { RecordRowPath: "$" } },
};

const arn = (service: string, resource: string) => `arn:aws:${service}:us-east-1:000000000000:${resource}`;

/** `describe-application`'s output for the fixture's application. */
export function ticksDescription(r: TicksResources, name = "ticks"): object {
  return {
    ApplicationDetail: {
      ApplicationName: name,
      ApplicationARN: arn("kinesisanalytics", `application/${name}`),
      ApplicationStatus: "RUNNING",
      InputDescriptions: [
        {
          InputId: "1.1",
          NamePrefix: "SOURCE_SQL_STREAM",
          InAppStreamNames: ["SOURCE_SQL_STREAM_001"],
          KinesisStreamsInputDescription: { ResourceARN: arn("kinesis", `stream/${r.input}`) },
          InputSchema: {
            RecordFormat: JSON_RECORDS,
            RecordEncoding: "UTF-8",
            RecordColumns: [
              { Name: "TICKER", SqlType: "VARCHAR(4)", Mapping: "$.ticker" },
              { Name: "PRICE", SqlType: "DOUBLE", Mapping: "$.price" },
              { Name: "QTY", SqlType: "INTEGER", Mapping: "$.qty" },
            ],
          },
          InputParallelism: { Count: 1 },
          InputStartingPositionConfiguration: { InputStartingPosition: "TRIM_HORIZON" },
        },
      ],
      OutputDescriptions: [
        {
          Name: "DESTINATION_SQL_STREAM",
          KinesisStreamsOutputDescription: { ResourceARN: arn("kinesis", `stream/${r.output}`) },
          DestinationSchema: { RecordFormatType: "JSON" },
        },
        {
          Name: "ENRICHED",
          KinesisFirehoseOutputDescription: {
            ResourceARN: arn("firehose", `deliverystream/${r.deliveryStream}`),
          },
          DestinationSchema: { RecordFormatType: "CSV" },
        },
        {
          Name: "error_stream",
          KinesisStreamsOutputDescription: { ResourceARN: arn("kinesis", `stream/${r.errors}`) },
          DestinationSchema: { RecordFormatType: "JSON" },
        },
      ],
      ReferenceDataSourceDescriptions: [
        {
          TableName: "COMPANIES",
          S3ReferenceDataSourceDescription: {
            BucketARN: `arn:aws:s3:::${r.bucket}`,
            FileKey: r.referenceKey,
          },
          ReferenceSchema: {
            RecordFormat: {
              RecordFormatType: "CSV",
              MappingParameters: {
                CSVMappingParameters: { RecordColumnDelimiter: ",", RecordRowDelimiter: "\n" },
              },
            },
            RecordColumns: [
              { Name: "TICKER", SqlType: "VARCHAR(4)" },
              { Name: "COMPANY", SqlType: "VARCHAR(32)" },
            ],
          },
        },
      ],
    },
  };
}

/** The reference file: ticker → company. */
export const COMPANIES_CSV = "AMZN,Amazon\nMSFT,Microsoft\n";

/**
 * A fixture derived from the ticks application: its input with `input`'s fields over it, `outputs`
 * (default: its Kinesis output alone), and no reference data.
 */
function derivedDescription(
  r: { readonly input: string; readonly output?: string },
  name: string,
  input: Record<string, unknown>,
  outputs?: readonly unknown[],
): object {
  const resources = { output: "", errors: "", deliveryStream: "", bucket: "b", referenceKey: "k", ...r };
  const detail = (ticksDescription(resources, name) as { ApplicationDetail: Record<string, unknown[]> })
    .ApplicationDetail;
  return {
    ApplicationDetail: {
      ...detail,
      InputDescriptions: [{ ...(detail.InputDescriptions![0] as object), ...input }],
      OutputDescriptions: outputs ?? [detail.OutputDescriptions![0]],
      ReferenceDataSourceDescriptions: [],
    },
  };
}

/**
 * The Lambda application: records `TICKER:price:qty` are turned into JSON by a preprocessing
 * function (which drops `drop` records and fails `fail` ones), and the doubled prices of
 * positive quantities go to a Lambda destination as JSON.
 */
export const LAMBDA_SQL = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (TICKER VARCHAR(4), DOUBLED DOUBLE);
CREATE OR REPLACE PUMP "DOUBLE_UP" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM TICKER, PRICE * 2 FROM "SOURCE_SQL_STREAM_001" WHERE QTY > 0;
`;

/** `describe-application`'s output for the Lambda application. */
export function lambdaDescription(
  r: { readonly input: string; readonly preprocess: string; readonly deliver: string },
  name: string,
): object {
  return derivedDescription(
    r,
    name,
    {
      InputProcessingConfigurationDescription: {
        InputLambdaProcessorDescription: { ResourceARN: arn("lambda", `function:${r.preprocess}`) },
      },
    },
    [
      {
        Name: "DESTINATION_SQL_STREAM",
        LambdaOutputDescription: { ResourceARN: arn("lambda", `function:${r.deliver}`) },
        DestinationSchema: { RecordFormatType: "JSON" },
      },
    ],
  );
}

/** The parallel application: each row with the in-application stream that read it. */
export const PARALLEL_SQL = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (IN_APP VARCHAR(24), TICKER VARCHAR(4));
CREATE OR REPLACE PUMP "FIRST" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM 'SOURCE_SQL_STREAM_001', TICKER FROM "SOURCE_SQL_STREAM_001";
CREATE OR REPLACE PUMP "SECOND" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM 'SOURCE_SQL_STREAM_002', TICKER FROM "SOURCE_SQL_STREAM_002";
`;

/** `describe-application`'s output for the parallel application: `InputParallelism` 2, one Kinesis output. */
export function parallelDescription(
  r: { readonly input: string; readonly output: string },
  name: string,
): object {
  return derivedDescription(r, name, {
    InAppStreamNames: ["SOURCE_SQL_STREAM_001", "SOURCE_SQL_STREAM_002"],
    InputParallelism: { Count: 2 },
  });
}

/**
 * The seed's FX query as `apps/fx-pricing/README.md` shows it, after the stream it inserts into.
 */
export const FX_SQL = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
  "symbol" VARCHAR(8), "timestamp" BIGINT, "price" DOUBLE,
  MIN_PRICE DOUBLE, MAX_PRICE DOUBLE, AVG_PRICE DOUBLE, PREVIOUS_PRICE DOUBLE, CHANGE DOUBLE);
${/```sql\n([\s\S]*?)```/.exec(readFileSync(new URL("../../../../apps/fx-pricing/README.md", import.meta.url), "utf8"))![1]}`;

/** `describe-application`'s output for the FX query: JSON ticks in, JSON rows out to Kinesis. */
export function fxDescription(r: { readonly input: string; readonly output: string }, name: string): object {
  return derivedDescription(r, name, {
    InputSchema: {
      RecordFormat: JSON_RECORDS,
      RecordEncoding: "UTF-8",
      RecordColumns: [
        { Name: "symbol", SqlType: "VARCHAR(8)", Mapping: "$.symbol" },
        { Name: "timestamp", SqlType: "BIGINT", Mapping: "$.timestamp" },
        { Name: "price", SqlType: "DOUBLE", Mapping: "$.price" },
      ],
    },
  });
}
