/** A column of an input schema, as KDA describes it (`RecordColumn`). */
export interface RecordColumn {
  readonly Name: string;
  readonly SqlType: string;
  /** JSONPath of the column for JSON records; absent for CSV. */
  readonly Mapping?: string;
}

/** A source's record format and columns (`SourceSchema`). */
export interface SourceSchema {
  readonly RecordFormat: {
    readonly RecordFormatType: "JSON" | "CSV";
    readonly MappingParameters?: {
      readonly JSONMappingParameters?: { readonly RecordRowPath: string };
      readonly CSVMappingParameters?: {
        readonly RecordColumnDelimiter: string;
        readonly RecordRowDelimiter: string;
      };
    };
  };
  readonly RecordEncoding?: string;
  readonly RecordColumns: readonly RecordColumn[];
}

/** An ARN and the role KDA uses to reach it. */
interface ResourceDescription {
  readonly ResourceARN: string;
  readonly RoleARN: string;
}

/** One streaming source (`InputDescription`). */
export interface InputDescription {
  readonly InputId: string;
  readonly NamePrefix: string;
  readonly InAppStreamNames: readonly string[];
  readonly KinesisStreamsInputDescription?: ResourceDescription;
  readonly KinesisFirehoseInputDescription?: ResourceDescription;
  readonly InputSchema: SourceSchema;
  readonly InputParallelism: { readonly Count: number };
  readonly InputStartingPositionConfiguration: {
    readonly InputStartingPosition: "NOW" | "TRIM_HORIZON" | "LAST_STOPPED_POINT";
  };
}

/** One destination (`OutputDescription`). */
export interface OutputDescription {
  readonly OutputId: string;
  /** The in-application stream whose rows are delivered. */
  readonly Name: string;
  readonly KinesisStreamsOutputDescription?: ResourceDescription;
  readonly KinesisFirehoseOutputDescription?: ResourceDescription;
  readonly LambdaOutputDescription?: ResourceDescription;
  readonly DestinationSchema: { readonly RecordFormatType: "JSON" | "CSV" };
}

/**
 * The subset of `aws kinesisanalytics describe-application` output that the test applications
 * carry (API version 2015-08-14, `ApplicationDetail`).
 */
export interface DescribeApplicationOutput {
  readonly ApplicationDetail: {
    readonly ApplicationName: string;
    readonly ApplicationDescription?: string;
    readonly ApplicationARN: string;
    readonly ApplicationStatus: string;
    readonly ApplicationVersionId: number;
    readonly ApplicationCode?: string;
    readonly InputDescriptions?: readonly InputDescription[];
    readonly OutputDescriptions?: readonly OutputDescription[];
    readonly ReferenceDataSourceDescriptions?: readonly unknown[];
    readonly CloudWatchLoggingOptionDescriptions?: readonly unknown[];
  };
}
