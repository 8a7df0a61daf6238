import type { SqlType } from "../types/sql-type.ts";

/**
 * One column of a record schema (KDA's `RecordColumn`): the in-application column it fills, its
 * SQL type, and for JSON records the JSONPath it is read from.
 *
 * @example
 * const price: RecordColumn = {
 *   name: "PRICE",
 *   sqlType: "DECIMAL(5,2)",
 *   type: { name: "DECIMAL", precision: 5, scale: 2, nullable: true },
 *   mapping: "$.PRICE",
 * };
 */
export interface RecordColumn {
  /** The column's name, exact case (KDA quotes input column names). */
  readonly name: string;
  /** The type as the description writes it (`VARCHAR(16)`). */
  readonly sqlType: string;
  /** The type, parsed. */
  readonly type: SqlType;
  /** JSONPath of the value (JSON records only). */
  readonly mapping?: string;
}

/**
 * How a record's bytes split into rows: JSON documents (columns found by JSONPath under the row
 * path) or delimited text (columns taken in order).
 *
 * @example
 * const json: RecordFormat = { kind: "JSON", rowPath: "$" };
 * const csv: RecordFormat = { kind: "CSV", columnDelimiter: ",", rowDelimiter: "\n" };
 */
export type RecordFormat =
  | {
      /** JSON documents. */
      readonly kind: "JSON";
      /** `RecordRowPath`: where the rows are in a document (`$`, or `$.records[0:]` for each element). */
      readonly rowPath: string;
    }
  | {
      /** Delimited text. */
      readonly kind: "CSV";
      /** `RecordColumnDelimiter`, one or more characters. */
      readonly columnDelimiter: string;
      /** `RecordRowDelimiter`, one or more characters. */
      readonly rowDelimiter: string;
    };

/**
 * A source's schema (KDA's `SourceSchema`): the format and the columns of the rows it gives, for
 * the streaming input and for reference data alike.
 *
 * @example
 * const schema: RecordSchema = {
 *   format: { kind: "JSON", rowPath: "$" },
 *   encoding: "UTF-8",
 *   columns: [{ name: "TICKER", sqlType: "VARCHAR(4)", type: { name: "VARCHAR", length: 4, nullable: true }, mapping: "$.ticker" }],
 * };
 */
export interface RecordSchema {
  /** How records split into rows and columns. */
  readonly format: RecordFormat;
  /** Always UTF-8, the only encoding KDA accepts. */
  readonly encoding: "UTF-8";
  /** 1 to 1000 columns, in the order of the in-application stream. */
  readonly columns: readonly RecordColumn[];
}

/**
 * An AWS resource named by its ARN, with the parts Eddy needs to reach it.
 *
 * @example
 * const stream: AwsResource = {
 *   arn: "arn:aws:kinesis:eu-west-1:123456789012:stream/ticks",
 *   name: "ticks",
 *   region: "eu-west-1",
 * };
 */
export interface AwsResource {
  /** As the description gives it. */
  readonly arn: string;
  /** The stream, delivery stream or function name (a Lambda qualifier kept: `name:alias`). */
  readonly name: string;
  /** The ARN's region (empty when the ARN has none). */
  readonly region: string;
}

/**
 * Where the streaming input's records come from.
 *
 * @example
 * const source: InputSource = {
 *   kind: "kinesis",
 *   resource: { arn: "arn:aws:kinesis:us-east-1:123456789012:stream/ticks", name: "ticks", region: "us-east-1" },
 * };
 */
export interface InputSource {
  /** A Kinesis data stream or a Firehose delivery stream. */
  readonly kind: "kinesis" | "firehose";
  /** The stream. */
  readonly resource: AwsResource;
}

/**
 * Where KDA starts reading the input when the application starts.
 *
 * @example
 * const position: InputStartingPosition = "TRIM_HORIZON";
 */
export type InputStartingPosition = "NOW" | "TRIM_HORIZON" | "LAST_STOPPED_POINT";

/**
 * The application's one streaming input: its source, optional Lambda preprocessing, its schema,
 * and the in-application streams it fills (`<namePrefix>_001` … one per `InputParallelism`).
 *
 * @example
 * declare const schema: RecordSchema;
 * const input: ApplicationInput = {
 *   namePrefix: "SOURCE_SQL_STREAM",
 *   streamNames: ["SOURCE_SQL_STREAM_001"],
 *   source: { kind: "kinesis", resource: { arn: "arn:aws:kinesis:us-east-1:1:stream/s", name: "s", region: "us-east-1" } },
 *   schema,
 * };
 */
export interface ApplicationInput {
  /** `NamePrefix` of the in-application streams (1–32 characters). */
  readonly namePrefix: string;
  /** The in-application streams, `<namePrefix>_001` to `_<count>` (`InputParallelism.Count`, 1–64). */
  readonly streamNames: readonly string[];
  /** Where the records come from. */
  readonly source: InputSource;
  /** The Lambda function that preprocesses records before they are mapped, if any. */
  readonly preprocessor?: AwsResource;
  /** `InputSchema`: how records map to the streams' rows. */
  readonly schema: RecordSchema;
  /** As the description gives it; absent when it gives none (a CreateApplication request). */
  readonly startingPosition?: InputStartingPosition;
}

/**
 * One destination: the in-application stream whose rows it receives, where they go, and as what.
 *
 * @example
 * const output: ApplicationOutput = {
 *   stream: "DESTINATION_SQL_STREAM",
 *   kind: "lambda",
 *   resource: { arn: "arn:aws:lambda:us-east-1:1:function:deliver", name: "deliver", region: "us-east-1" },
 *   format: "JSON",
 * };
 */
export interface ApplicationOutput {
  /** The in-application stream, exact case (KDA compares output names case-sensitively). */
  readonly stream: string;
  /** A Kinesis data stream, a Firehose delivery stream or a Lambda function. */
  readonly kind: "kinesis" | "firehose" | "lambda";
  /** The destination. */
  readonly resource: AwsResource;
  /** `DestinationSchema.RecordFormatType`: how rows are written (see `compileOutputFormat`). */
  readonly format: "JSON" | "CSV";
}

/**
 * A reference table loaded from one S3 object when the application starts.
 *
 * @example
 * declare const schema: RecordSchema;
 * const companies: ReferenceDataSource = { table: "COMPANIES", bucket: "ref-data", key: "companies.csv", schema };
 */
export interface ReferenceDataSource {
  /** The table's name in SQL, exact case. */
  readonly table: string;
  /** The bucket of `S3ReferenceDataSource.BucketARN`. */
  readonly bucket: string;
  /** `FileKey`: the object's key. */
  readonly key: string;
  /** `ReferenceSchema`: how the object maps to the table's rows. */
  readonly schema: RecordSchema;
}

/**
 * A Kinesis Data Analytics SQL application as Eddy runs it: what `describe-application` prints or
 * a `CreateApplication` request says, read into one model ({@link readApplicationDescription}).
 * KDA's limits hold: at most one streaming input, three outputs and one reference data source.
 *
 * @example
 * declare const json: unknown;
 * const app: SqlApplication = readApplicationDescription(json);
 * app.input?.streamNames; // ["SOURCE_SQL_STREAM_001"]
 */
export interface SqlApplication {
  /** `ApplicationName`. */
  readonly name: string;
  /** The application's ARN (a CreateApplication request has none: one is made up from the name). */
  readonly arn: string;
  /** The SQL, when the description carries it. */
  readonly code?: string;
  /** The streaming input; an application without one reads only reference data and VALUES. */
  readonly input?: ApplicationInput;
  /** Up to three destinations. */
  readonly outputs: readonly ApplicationOutput[];
  /** Up to one reference table. */
  readonly referenceData: readonly ReferenceDataSource[];
}
