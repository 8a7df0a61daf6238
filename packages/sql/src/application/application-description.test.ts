import { describe, expect, it } from "vitest";
import { awsSolutionApps } from "../../test/apps/index.ts";
import { parseApplicationDescription, readApplicationDescription } from "./application-description.ts";
import { ApplicationDescriptionError } from "./json-cursor.ts";

const ARN = {
  app: "arn:aws:kinesisanalytics:eu-west-1:123456789012:application/orders",
  stream: "arn:aws:kinesis:eu-west-1:123456789012:stream/orders-in",
  preprocess: "arn:aws:lambda:eu-west-1:123456789012:function:unzip-orders:live",
  out: "arn:aws:kinesis:eu-west-1:123456789012:stream/orders-out",
  firehose: "arn:aws:firehose:eu-west-1:123456789012:deliverystream/orders-archive",
  deliver: "arn:aws:lambda:eu-west-1:123456789012:function:deliver-orders",
  bucket: "arn:aws:s3:::orders-reference",
};

const inputSchema = {
  RecordFormat: {
    RecordFormatType: "JSON",
    MappingParameters: { JSONMappingParameters: { RecordRowPath: "$" } },
  },
  RecordEncoding: "UTF-8",
  RecordColumns: [
    { Name: "customer", SqlType: "VARCHAR(16)", Mapping: "$.customerName" },
    { Name: "ORDER_ID", SqlType: "INTEGER", Mapping: "$.orders[0:].orderId" },
  ],
};
const referenceSchema = {
  RecordFormat: {
    RecordFormatType: "CSV",
    MappingParameters: { CSVMappingParameters: { RecordColumnDelimiter: ";", RecordRowDelimiter: "\r\n" } },
  },
  RecordColumns: [
    { Name: "ID", SqlType: "INTEGER" },
    { Name: "NAME", SqlType: "VARCHAR(32)" },
  ],
};

/** A describe-application output using every part of the shape. */
function described(): { ApplicationDetail: Record<string, unknown> } {
  return {
    ApplicationDetail: {
      ApplicationName: "orders",
      ApplicationARN: ARN.app,
      ApplicationStatus: "READY",
      ApplicationVersionId: 4,
      ApplicationCode: "CREATE STREAM s (x INT);",
      InputDescriptions: [
        {
          InputId: "1.1",
          NamePrefix: "ORDERS",
          InAppStreamNames: ["ORDERS_001", "ORDERS_002"],
          InputProcessingConfigurationDescription: {
            InputLambdaProcessorDescription: {
              ResourceARN: ARN.preprocess,
              RoleARN: "arn:aws:iam::1:role/r",
            },
          },
          KinesisStreamsInputDescription: { ResourceARN: ARN.stream, RoleARN: "arn:aws:iam::1:role/r" },
          InputSchema: inputSchema,
          InputParallelism: { Count: 2 },
          InputStartingPositionConfiguration: { InputStartingPosition: "TRIM_HORIZON" },
        },
      ],
      OutputDescriptions: [
        {
          OutputId: "1.1",
          Name: "DESTINATION_SQL_STREAM",
          KinesisStreamsOutputDescription: { ResourceARN: ARN.out, RoleARN: "r" },
          DestinationSchema: { RecordFormatType: "JSON" },
        },
        {
          OutputId: "1.2",
          Name: "error_stream",
          KinesisFirehoseOutputDescription: { ResourceARN: ARN.firehose, RoleARN: "r" },
          DestinationSchema: { RecordFormatType: "CSV" },
        },
        {
          OutputId: "1.3",
          Name: "ALERTS",
          LambdaOutputDescription: { ResourceARN: ARN.deliver, RoleARN: "r" },
          DestinationSchema: { RecordFormatType: "JSON" },
        },
      ],
      ReferenceDataSourceDescriptions: [
        {
          ReferenceId: "1.1",
          TableName: "CUSTOMERS",
          S3ReferenceDataSourceDescription: {
            BucketARN: ARN.bucket,
            FileKey: "ref/customers.csv",
            ReferenceRoleARN: "r",
          },
          ReferenceSchema: referenceSchema,
        },
      ],
      CloudWatchLoggingOptionDescriptions: [],
    },
  };
}

/** The same application as a CreateApplication request (plus its reference data source). */
function createRequest(): Record<string, unknown> {
  return {
    ApplicationName: "orders",
    ApplicationCode: "CREATE STREAM s (x INT);",
    Inputs: [
      {
        NamePrefix: "ORDERS",
        InputProcessingConfiguration: { InputLambdaProcessor: { ResourceARN: ARN.preprocess, RoleARN: "r" } },
        KinesisStreamsInput: { ResourceARN: ARN.stream, RoleARN: "r" },
        InputParallelism: { Count: 2 },
        InputSchema: inputSchema,
        InputStartingPositionConfiguration: { InputStartingPosition: "TRIM_HORIZON" },
      },
    ],
    Outputs: [
      {
        Name: "DESTINATION_SQL_STREAM",
        KinesisStreamsOutput: { ResourceARN: ARN.out, RoleARN: "r" },
        DestinationSchema: { RecordFormatType: "JSON" },
      },
      {
        Name: "error_stream",
        KinesisFirehoseOutput: { ResourceARN: ARN.firehose, RoleARN: "r" },
        DestinationSchema: { RecordFormatType: "CSV" },
      },
      {
        Name: "ALERTS",
        LambdaOutput: { ResourceARN: ARN.deliver, RoleARN: "r" },
        DestinationSchema: { RecordFormatType: "JSON" },
      },
    ],
    ReferenceDataSources: [
      {
        TableName: "CUSTOMERS",
        S3ReferenceDataSource: { BucketARN: ARN.bucket, FileKey: "ref/customers.csv", ReferenceRoleARN: "r" },
        ReferenceSchema: referenceSchema,
      },
    ],
  };
}

/** The message readApplicationDescription throws for `json`. */
function errorOf(json: unknown): string {
  try {
    readApplicationDescription(json);
  } catch (error) {
    expect(error).toBeInstanceOf(ApplicationDescriptionError);
    return (error as Error).message;
  }
  throw new Error("expected an ApplicationDescriptionError");
}

describe("readApplicationDescription", () => {
  it("reads every part of a describe-application output into the model", () => {
    const app = readApplicationDescription(described());
    expect(app).toEqual({
      name: "orders",
      arn: ARN.app,
      code: "CREATE STREAM s (x INT);",
      input: {
        namePrefix: "ORDERS",
        streamNames: ["ORDERS_001", "ORDERS_002"],
        source: {
          kind: "kinesis",
          resource: { arn: ARN.stream, name: "orders-in", region: "eu-west-1" },
        },
        preprocessor: { arn: ARN.preprocess, name: "unzip-orders:live", region: "eu-west-1" },
        schema: {
          format: { kind: "JSON", rowPath: "$" },
          encoding: "UTF-8",
          columns: [
            {
              name: "customer",
              sqlType: "VARCHAR(16)",
              type: { name: "VARCHAR", length: 16, nullable: true },
              mapping: "$.customerName",
            },
            {
              name: "ORDER_ID",
              sqlType: "INTEGER",
              type: { name: "INTEGER", nullable: true },
              mapping: "$.orders[0:].orderId",
            },
          ],
        },
        startingPosition: "TRIM_HORIZON",
      },
      outputs: [
        {
          stream: "DESTINATION_SQL_STREAM",
          kind: "kinesis",
          resource: { arn: ARN.out, name: "orders-out", region: "eu-west-1" },
          format: "JSON",
        },
        {
          stream: "error_stream",
          kind: "firehose",
          resource: { arn: ARN.firehose, name: "orders-archive", region: "eu-west-1" },
          format: "CSV",
        },
        {
          stream: "ALERTS",
          kind: "lambda",
          resource: { arn: ARN.deliver, name: "deliver-orders", region: "eu-west-1" },
          format: "JSON",
        },
      ],
      referenceData: [
        {
          table: "CUSTOMERS",
          bucket: "orders-reference",
          key: "ref/customers.csv",
          schema: {
            format: { kind: "CSV", columnDelimiter: ";", rowDelimiter: "\r\n" },
            encoding: "UTF-8",
            columns: [
              { name: "ID", sqlType: "INTEGER", type: { name: "INTEGER", nullable: true } },
              { name: "NAME", sqlType: "VARCHAR(32)", type: { name: "VARCHAR", length: 32, nullable: true } },
            ],
          },
        },
      ],
    });
  });

  it("reads a CreateApplication request into the same model, with an ARN in the input's region and account", () => {
    const fromDescribe = readApplicationDescription(described());
    const fromCreate = readApplicationDescription(createRequest());
    expect(fromCreate).toEqual({ ...fromDescribe, arn: ARN.app });
  });

  it("reads the ApplicationDetail alone, without its wrapper", () => {
    expect(readApplicationDescription(described().ApplicationDetail)).toEqual(
      readApplicationDescription(described()),
    );
  });

  it("defaults what KDA defaults: parallelism 1, JSON row path $, CSV delimiters , and \\n", () => {
    const app = readApplicationDescription({
      ApplicationName: "minimal",
      Inputs: [
        {
          NamePrefix: "IN",
          KinesisFirehoseInput: { ResourceARN: ARN.firehose },
          InputSchema: {
            RecordFormat: { RecordFormatType: "CSV" },
            RecordColumns: [{ Name: "A", SqlType: "VARCHAR(4)" }],
          },
        },
      ],
    });
    expect(app.input?.streamNames).toEqual(["IN_001"]);
    expect(app.input?.schema.format).toEqual({ kind: "CSV", columnDelimiter: ",", rowDelimiter: "\n" });
    expect(app.input?.startingPosition).toBeUndefined();
    expect(app.outputs).toEqual([]);
    expect(app.arn).toBe("arn:aws:kinesisanalytics:eu-west-1:123456789012:application/minimal");
  });

  it("reads the two AWS Solutions applications' descriptions", () => {
    const [web, iot] = awsSolutionApps;
    const webApp = readApplicationDescription(web!.description);
    expect(webApp.code).toBe(web!.description.ApplicationDetail.ApplicationCode);
    expect(webApp.input?.streamNames).toEqual(["WASA_001"]);
    expect(webApp.input?.source.kind).toBe("firehose");
    expect(webApp.input?.schema.columns.map((c) => [c.name, c.type.name, c.mapping])).toContainEqual([
      "custom_metric_float_value",
      "DOUBLE",
      "$.custom_metric_float_value",
    ]);
    expect(webApp.outputs.map((o) => [o.stream, o.kind, o.format])).toEqual([
      ["DESTINATION_SQL_STREAM", "kinesis", "JSON"],
    ]);
    const iotApp = readApplicationDescription(iot!.description);
    expect(iotApp.input?.schema.columns[0]).toEqual({
      name: "COL_time",
      sqlType: "TIMESTAMP",
      type: { name: "TIMESTAMP", nullable: true },
      mapping: "$.ts",
    });
    expect(iotApp.outputs.map((o) => [o.stream, o.kind, o.resource.name, o.format])).toEqual([
      [
        "PROCESSED_METRICS_S3_STREAM",
        "firehose",
        "iot-monitoring-ProcessedMetricsDeliveryStream-EXAMPLE",
        "CSV",
      ],
      ["UPDATE_DDB_LAMBDA_STREAM", "lambda", "iot-monitoring-UpdateDDBLambda-EXAMPLE", "CSV"],
    ]);
  });
});

describe("readApplicationDescription errors name the JSON path and what was expected", () => {
  const input = (change: (input: Record<string, unknown>) => void) => {
    const json = described();
    change((json.ApplicationDetail.InputDescriptions as Record<string, unknown>[])[0]!);
    return json;
  };
  const column = (index: number, change: (column: Record<string, unknown>) => void) =>
    input((i) => {
      const columns = structuredClone(inputSchema.RecordColumns) as Record<string, unknown>[];
      change(columns[index]!);
      i.InputSchema = { ...inputSchema, RecordColumns: columns };
    });
  const where = "ApplicationDetail.InputDescriptions[0]";

  it.each([
    [
      "an unknown SQL type",
      column(1, (c) => {
        c.SqlType = "INTEGRAL";
      }),
      `${where}.InputSchema.RecordColumns[1].SqlType: expected a SQL column type such as VARCHAR(16) or DECIMAL(5,2): Unknown SQL type 'INTEGRAL'`,
    ],
    [
      "a NOT NULL input column",
      column(0, (c) => {
        c.SqlType = "VARCHAR(16) NOT NULL";
      }),
      `${where}.InputSchema.RecordColumns[0].SqlType: input columns cannot be declared NOT NULL in KDA (declare it on a downstream CREATE STREAM), found "VARCHAR(16) NOT NULL"`,
    ],
    [
      "a JSON column without a Mapping",
      column(0, (c) => {
        delete c.Mapping;
      }),
      `${where}.InputSchema.RecordColumns[0].Mapping: expected the JSONPath of column "customer" (JSON records need a Mapping per column)`,
    ],
    [
      "a JSONPath outside KDA's subset",
      column(1, (c) => {
        c.Mapping = "$.orders[1].orderId";
      }),
      `${where}.InputSchema.RecordColumns[1].Mapping: JSONPath "$.orders[1].orderId" at character 9: the only index expression KDA supports is [0:] (KDA's JSONPath subset: $, .name or ['name'] members, and at most one [0:])`,
    ],
    [
      "two flattened arrays",
      column(0, (c) => {
        c.Mapping = "$.lines[0:].sku";
      }),
      `${where}.InputSchema.RecordColumns[1].Mapping: only one array can be flattened in a schema: $.orders[0:].orderId flattens another array than $.lines[0:].sku`,
    ],
    [
      "a duplicate column",
      column(1, (c) => {
        c.Name = "customer";
      }),
      `${where}.InputSchema.RecordColumns[1].Name: column "customer" is declared twice`,
    ],
    [
      "an InputParallelism above 64",
      input((i) => {
        i.InputParallelism = { Count: 65 };
      }),
      `${where}.InputParallelism.Count: expected an integer from 1 to 64, found the number 65`,
    ],
    [
      "InAppStreamNames that do not follow the prefix",
      input((i) => {
        i.InAppStreamNames = ["ORDERS_001"];
      }),
      `${where}.InAppStreamNames: expected ["ORDERS_001","ORDERS_002"] (NamePrefix and InputParallelism.Count), found ["ORDERS_001"]`,
    ],
    [
      "a source ARN of the wrong service",
      input((i) => {
        i.KinesisStreamsInputDescription = { ResourceARN: ARN.firehose };
      }),
      `${where}.KinesisStreamsInputDescription.ResourceARN: expected an ARN like arn:aws:kinesis:us-east-1:123456789012:stream/NAME, found "${ARN.firehose}"`,
    ],
    [
      "two streaming sources in one input",
      input((i) => {
        i.KinesisFirehoseInputDescription = { ResourceARN: ARN.firehose };
      }),
      `${where}: expected one streaming source, found KinesisStreamsInputDescription and KinesisFirehoseInputDescription`,
    ],
    [
      "TRIM_HORIZON on a Firehose source",
      input((i) => {
        delete i.KinesisStreamsInputDescription;
        i.KinesisFirehoseInputDescription = { ResourceARN: ARN.firehose };
      }),
      `${where}.InputStartingPositionConfiguration: TRIM_HORIZON is not a starting position for a Firehose source (NOW or LAST_STOPPED_POINT)`,
    ],
    [
      "a format KDA does not read",
      input((i) => {
        i.InputSchema = { ...inputSchema, RecordFormat: { RecordFormatType: "PARQUET" } };
      }),
      `${where}.InputSchema.RecordFormat.RecordFormatType: expected one of "JSON", "CSV", found the string "PARQUET"`,
    ],
    [
      "no columns",
      input((i) => {
        i.InputSchema = { ...inputSchema, RecordColumns: [] };
      }),
      `${where}.InputSchema.RecordColumns: expected 1 to 1000 columns, found 0`,
    ],
  ])("%s", (_, json, message) => {
    expect(errorOf(json)).toBe(message);
  });

  it("an output without a destination, and four outputs", () => {
    const json = described();
    const outputs = json.ApplicationDetail.OutputDescriptions as Record<string, unknown>[];
    delete outputs[2]!.LambdaOutputDescription;
    expect(errorOf(json)).toBe(
      "ApplicationDetail.OutputDescriptions[2]: expected destination: one of KinesisStreamsOutputDescription, KinesisFirehoseOutputDescription, LambdaOutputDescription",
    );
    const four = described();
    (four.ApplicationDetail.OutputDescriptions as unknown[]).push(outputs[0]);
    expect(errorOf(four)).toBe("ApplicationDetail.OutputDescriptions: KDA allows at most 3 outputs, found 4");
  });

  it("a reference source in a bucket named by something else than an S3 ARN", () => {
    const request = createRequest();
    const [source] = request.ReferenceDataSources as Record<string, unknown>[];
    source!.S3ReferenceDataSource = { BucketARN: "orders-reference", FileKey: "k" };
    expect(errorOf(request)).toBe(
      'ReferenceDataSources[0].S3ReferenceDataSource.BucketARN: expected an ARN like arn:aws:s3:::BUCKET, found "orders-reference"',
    );
  });

  it("a document of neither shape, and text that is not JSON", () => {
    const expected =
      "expected the output of `aws kinesisanalytics describe-application` ({ ApplicationDetail: { … } }) or a CreateApplication request ({ ApplicationName, Inputs, Outputs, … })";
    expect(errorOf({ Name: "x" })).toBe(expected);
    expect(errorOf([])).toBe(expected);
    expect(() => parseApplicationDescription("{ ApplicationName: 1 }")).toThrow(
      /^the application description is not JSON: /,
    );
    expect(errorOf({ ApplicationDetail: { ApplicationName: 7 } })).toBe(
      "ApplicationDetail.ApplicationName: expected a string, found the number 7",
    );
  });
});
