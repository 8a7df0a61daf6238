/**
 * The application layer of `eddy-sql run`: KDA's application description read into one model,
 * and everything around the SQL that KDA did for an application — the input's record mapping
 * (JSON with KDA's JSONPath subset, CSV) and parallelism, Lambda preprocessing, reference data
 * from S3, output serialisation (JSON, CSV) and Lambda destinations, with records that cannot be
 * mapped turned into `error_stream` rows. The planner reads what this layer gives; see
 * `docs/sql/applications.md` for the decisions where AWS documents nothing (A6, A7).
 * @module
 */

export {
  parseApplicationDescription,
  readApplicationDescription,
} from "./application-description.ts";
export type {
  ApplicationInput,
  ApplicationOutput,
  AwsResource,
  InputSource,
  InputStartingPosition,
  RecordColumn,
  RecordFormat,
  RecordSchema,
  ReferenceDataSource,
  SqlApplication,
} from "./application-model.ts";
export { type ErrorStreamRow, type InputErrorName, inputErrorRow } from "./input-error.ts";
export {
  APPROXIMATE_ARRIVAL_TIME,
  compileInputMapping,
  type InputMapping,
  inputStreamColumns,
  type MappedRecord,
} from "./input-mapping.ts";
export { inAppStreamNames, inAppStreamOf } from "./input-parallelism.ts";
export type { InputRecord } from "./input-record.ts";
export { ApplicationDescriptionError } from "./json-cursor.ts";
export { isLambdaClientLike, type LambdaClientLike, LambdaInvocationError } from "./lambda-invoker.ts";
export {
  LAMBDA_OUTPUT_DEFAULTS,
  type LambdaOutputSinkOptions,
  lambdaOutputSink,
} from "./lambda-output-sink.ts";
export {
  LAMBDA_PREPROCESSOR_DEFAULTS,
  type LambdaPreprocessor,
  type LambdaPreprocessorOptions,
  lambdaPreprocessor,
  type PreprocessOutcome,
} from "./lambda-preprocessor.ts";
export { compileOutputFormat, type OutputSerializer } from "./output-format.ts";
export { type PreprocessedRecord, preprocessedSource } from "./preprocessed-source.ts";
export {
  type LoadReferenceDataOptions,
  loadReferenceData,
  ReferenceDataError,
  type ReferenceTable,
  type S3ClientLike,
} from "./reference-data.ts";
