import type {
  ApplicationInput,
  ApplicationOutput,
  InputSource,
  ReferenceDataSource,
  SqlApplication,
} from "./application-model.ts";
import { readArn } from "./aws-arn.ts";
import { inAppStreamNames } from "./input-parallelism.ts";
import { ApplicationDescriptionError, JsonCursor } from "./json-cursor.ts";
import { readRecordSchema } from "./record-schema-reader.ts";

/**
 * The two JSON shapes carry the same facts under different names: `describe-application`'s
 * `…Description` objects and CreateApplication's request objects (what CloudFormation's
 * `AWS::KinesisAnalytics::Application` and Terraform hold too).
 */
interface Vocabulary {
  readonly inputs: string;
  readonly outputs: string;
  readonly references: string;
  readonly kinesisInput: string;
  readonly firehoseInput: string;
  readonly processing: string;
  readonly lambdaProcessor: string;
  readonly kinesisOutput: string;
  readonly firehoseOutput: string;
  readonly lambdaOutput: string;
  readonly s3Reference: string;
}

const DESCRIBE: Vocabulary = {
  inputs: "InputDescriptions",
  outputs: "OutputDescriptions",
  references: "ReferenceDataSourceDescriptions",
  kinesisInput: "KinesisStreamsInputDescription",
  firehoseInput: "KinesisFirehoseInputDescription",
  processing: "InputProcessingConfigurationDescription",
  lambdaProcessor: "InputLambdaProcessorDescription",
  kinesisOutput: "KinesisStreamsOutputDescription",
  firehoseOutput: "KinesisFirehoseOutputDescription",
  lambdaOutput: "LambdaOutputDescription",
  s3Reference: "S3ReferenceDataSourceDescription",
};

const CREATE: Vocabulary = {
  inputs: "Inputs",
  outputs: "Outputs",
  references: "ReferenceDataSources",
  kinesisInput: "KinesisStreamsInput",
  firehoseInput: "KinesisFirehoseInput",
  processing: "InputProcessingConfiguration",
  lambdaProcessor: "InputLambdaProcessor",
  kinesisOutput: "KinesisStreamsOutput",
  firehoseOutput: "KinesisFirehoseOutput",
  lambdaOutput: "LambdaOutput",
  s3Reference: "S3ReferenceDataSource",
};

/** KDA's limits on an application's configuration (its limits page and API reference). */
const LIMITS = { inputs: 1, outputs: 3, referenceData: 1, namePrefix: 32, parallelism: 64 } as const;

const EXPECTED_SHAPE =
  "expected the output of `aws kinesisanalytics describe-application` ({ ApplicationDetail: { … } }) " +
  "or a CreateApplication request ({ ApplicationName, Inputs, Outputs, … })";

function atMost(cursor: JsonCursor, max: number, what: string): JsonCursor[] {
  const items = cursor.items();
  if (items.length > max) cursor.fail(`KDA allows at most ${max} ${what}, found ${items.length}`);
  return items;
}

/** Exactly one of `keys` must be present: the kind of resource, named by the key found. */
function oneOf<K extends string>(cursor: JsonCursor, keys: Readonly<Record<K, string>>, what: string): K {
  const present = (Object.keys(keys) as K[]).filter((kind) => cursor.has(keys[kind]));
  if (present.length !== 1) {
    const names = Object.values<string>(keys).join(", ");
    cursor.fail(
      present.length === 0
        ? `expected ${what}: one of ${names}`
        : `expected one ${what}, found ${present.map((k) => keys[k]).join(" and ")}`,
    );
  }
  return present[0]!;
}

function readInput(cursor: JsonCursor, words: Vocabulary): ApplicationInput {
  cursor.object();
  const namePrefix = cursor.at("NamePrefix").string();
  if (namePrefix.length < 1 || namePrefix.length > LIMITS.namePrefix)
    cursor.at("NamePrefix").fail(`expected 1 to ${LIMITS.namePrefix} characters, found ${namePrefix.length}`);
  const kind = oneOf(
    cursor,
    { kinesis: words.kinesisInput, firehose: words.firehoseInput },
    "streaming source",
  );
  const sourceKey = kind === "kinesis" ? words.kinesisInput : words.firehoseInput;
  const source: InputSource = { kind, resource: readArn(cursor.at(sourceKey).at("ResourceARN"), kind) };
  const count = cursor.has("InputParallelism")
    ? cursor.at("InputParallelism").at("Count").integer(1, LIMITS.parallelism)
    : 1;
  const streamNames = inAppStreamNames(namePrefix, count);
  if (cursor.has("InAppStreamNames")) {
    const given = cursor
      .at("InAppStreamNames")
      .items()
      .map((item) => item.string());
    if (given.join("\n") !== streamNames.join("\n")) {
      cursor
        .at("InAppStreamNames")
        .fail(
          `expected ${JSON.stringify(streamNames)} (NamePrefix and InputParallelism.Count), found ${JSON.stringify(given)}`,
        );
    }
  }
  const preprocessor = cursor.has(words.processing)
    ? readArn(cursor.at(words.processing).at(words.lambdaProcessor).at("ResourceARN"), "lambda")
    : undefined;
  const schema = readRecordSchema(cursor.at("InputSchema"));
  const startingPosition = cursor.has("InputStartingPositionConfiguration")
    ? cursor
        .at("InputStartingPositionConfiguration")
        .at("InputStartingPosition")
        .oneOf(["NOW", "TRIM_HORIZON", "LAST_STOPPED_POINT"] as const)
    : undefined;
  if (startingPosition === "TRIM_HORIZON" && kind === "firehose") {
    cursor
      .at("InputStartingPositionConfiguration")
      .fail("TRIM_HORIZON is not a starting position for a Firehose source (NOW or LAST_STOPPED_POINT)");
  }
  return {
    namePrefix,
    streamNames,
    source,
    ...(preprocessor === undefined ? {} : { preprocessor }),
    schema,
    ...(startingPosition === undefined ? {} : { startingPosition }),
  };
}

function readOutput(cursor: JsonCursor, words: Vocabulary): ApplicationOutput {
  cursor.object();
  const stream = cursor.at("Name").string();
  if (stream.length === 0) cursor.at("Name").fail("expected the name of an in-application stream");
  const kind = oneOf(
    cursor,
    { kinesis: words.kinesisOutput, firehose: words.firehoseOutput, lambda: words.lambdaOutput },
    "destination",
  );
  const key = { kinesis: words.kinesisOutput, firehose: words.firehoseOutput, lambda: words.lambdaOutput }[
    kind
  ];
  const resource = readArn(cursor.at(key).at("ResourceARN"), kind);
  const format = cursor
    .at("DestinationSchema")
    .at("RecordFormatType")
    .oneOf(["JSON", "CSV"] as const);
  return { stream, kind, resource, format };
}

function readReference(cursor: JsonCursor, words: Vocabulary): ReferenceDataSource {
  cursor.object();
  const table = cursor.at("TableName").string();
  if (table.length === 0) cursor.at("TableName").fail("expected the reference table's name");
  const s3 = cursor.at(words.s3Reference).object();
  const bucket = readArn(s3.at("BucketARN"), "s3").name;
  const key = s3.at("FileKey").string();
  if (key.length === 0) s3.at("FileKey").fail("expected the S3 object's key");
  return { table, bucket, key, schema: readRecordSchema(cursor.at("ReferenceSchema")) };
}

function readApplication(cursor: JsonCursor, words: Vocabulary): SqlApplication {
  cursor.object();
  const name = cursor.at("ApplicationName").string();
  const code = cursor.at("ApplicationCode").optionalString();
  const inputs = atMost(cursor.at(words.inputs), LIMITS.inputs, "streaming input").map((i) =>
    readInput(i, words),
  );
  const outputs = atMost(cursor.at(words.outputs), LIMITS.outputs, "outputs").map((o) =>
    readOutput(o, words),
  );
  const referenceData = atMost(
    cursor.at(words.references),
    LIMITS.referenceData,
    "reference data source",
  ).map((r) => readReference(r, words));
  const tables = new Set<string>();
  referenceData.forEach((r, index) => {
    if (tables.has(r.table))
      cursor.at(words.references).items()[index]!.at("TableName").fail(`table ${r.table} is declared twice`);
    tables.add(r.table);
  });
  const input = inputs[0];
  const arn = cursor.at("ApplicationARN").optionalString() ?? madeUpArn(name, input);
  return {
    name,
    arn,
    ...(code === undefined ? {} : { code }),
    ...(input === undefined ? {} : { input }),
    outputs,
    referenceData,
  };
}

/** A CreateApplication request has no ARN yet: one in the input's region and account. */
function madeUpArn(name: string, input: ApplicationInput | undefined): string {
  const parts = input?.source.resource.arn.split(":");
  const region = parts?.[3] || "us-east-1";
  const account = parts?.[4] || "000000000000";
  return `arn:aws:kinesisanalytics:${region}:${account}:application/${name}`;
}

/**
 * Reads a Kinesis Data Analytics SQL application's configuration into Eddy's model: the JSON that
 * `aws kinesisanalytics describe-application` prints (`{ ApplicationDetail: … }`, or the detail
 * alone), or a `CreateApplication` request (`ApplicationName`, `Inputs`, `Outputs`, and
 * `ReferenceDataSources` in `AddApplicationReferenceDataSource`'s shape) as CloudFormation and
 * Terraform configurations hold it. Everything Eddy relies on is checked: ARNs, SQL types,
 * JSONPaths, KDA's limits (one input, three outputs, one reference source, parallelism 1–64).
 * Throws an {@link ApplicationDescriptionError} naming the JSON path and what was expected there.
 *
 * @example
 * const app = readApplicationDescription({
 *   ApplicationName: "ticker-stats",
 *   Inputs: [
 *     {
 *       NamePrefix: "SOURCE_SQL_STREAM",
 *       KinesisStreamsInput: { ResourceARN: "arn:aws:kinesis:us-east-1:123456789012:stream/ticks" },
 *       InputSchema: {
 *         RecordFormat: { RecordFormatType: "JSON", MappingParameters: { JSONMappingParameters: { RecordRowPath: "$" } } },
 *         RecordColumns: [{ Name: "TICKER", SqlType: "VARCHAR(4)", Mapping: "$.ticker" }],
 *       },
 *     },
 *   ],
 *   Outputs: [],
 * });
 * app.input?.streamNames; // ["SOURCE_SQL_STREAM_001"]
 */
export function readApplicationDescription(json: unknown): SqlApplication {
  const root = new JsonCursor(json, "");
  if (typeof json !== "object" || json === null || Array.isArray(json)) root.fail(EXPECTED_SHAPE);
  if (root.has("ApplicationDetail")) return readApplication(root.at("ApplicationDetail"), DESCRIBE);
  if (root.firstOf(["InputDescriptions", "OutputDescriptions", "ApplicationARN"]) !== undefined)
    return readApplication(root, DESCRIBE);
  if (root.firstOf(["Inputs", "Outputs", "ReferenceDataSources", "ApplicationName"]) !== undefined)
    return readApplication(root, CREATE);
  return root.fail(EXPECTED_SHAPE);
}

/**
 * {@link readApplicationDescription} of JSON text (a file's content); text that is not JSON is an
 * {@link ApplicationDescriptionError} too, with the parser's message.
 *
 * @example
 * import { readFileSync } from "node:fs";
 * const app = parseApplicationDescription(readFileSync("application.json", "utf8"));
 */
export function parseApplicationDescription(text: string): SqlApplication {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ApplicationDescriptionError(
      "",
      `the application description is not JSON: ${(error as Error).message}`,
    );
  }
  return readApplicationDescription(json);
}
