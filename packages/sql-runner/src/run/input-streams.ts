import type { KinesisClient } from "@aws-sdk/client-kinesis";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { type InitialPosition, kinesisSource } from "@eddy/connector-kinesis";
import { type DataStream, type Job, monotonous, OutputTag, type Source } from "@eddy/core";
import {
  type ApplicationInput,
  compileInputMapping,
  ERROR_STREAM_COLUMNS,
  type ErrorStreamRow,
  type InputRecord,
  inAppStreamOf,
  type PreprocessedRecord,
  preprocessedSource,
  type SqlRow,
} from "@eddy/sql";
import { ConfigError } from "../config-error.ts";

/**
 * How the streaming input is read: where a stream read for the first time starts, and how long a
 * quiet, caught-up shard may hold back the watermark.
 *
 * @example
 * const reading: InputReading = { initialPosition: "TRIM_HORIZON", shardIdleTimeoutMs: 10_000 };
 */
export interface InputReading {
  readonly initialPosition: InitialPosition;
  readonly shardIdleTimeoutMs: number;
}

/**
 * The in-application input streams of an application, as rows with ROWTIME, and the input's
 * error_stream rows.
 *
 * @example
 * declare const inputs: InputStreams;
 * inputs.streams.get("SOURCE_SQL_STREAM_001");
 */
export interface InputStreams {
  /** Rows of each in-application input stream (`<NamePrefix>_001` …), ROWTIME as timestamps. */
  readonly streams: ReadonlyMap<string, DataStream<SqlRow>>;
  /** error_stream rows of records that could not be preprocessed or mapped. */
  readonly errors: DataStream<SqlRow>;
}

/** An error_stream row in the order of `ERROR_STREAM_COLUMNS`. */
export function errorStreamRow(error: ErrorStreamRow): SqlRow {
  return ERROR_STREAM_COLUMNS.map(({ name }) => error[name as keyof ErrorStreamRow]);
}

/** A row of one in-application input stream: which one, and its values. */
interface RoutedRow {
  readonly stream: string;
  readonly row: SqlRow;
}

/** A record as the Kinesis source hands it on: its bytes and where and when it arrived. */
function kinesisRecords(
  input: ApplicationInput,
  client: KinesisClient,
  reading: InputReading,
): Source<InputRecord> {
  return kinesisSource<InputRecord>({
    stream: input.source.resource.name,
    client,
    initialPosition: reading.initialPosition,
    shardIdleTimeoutMs: reading.shardIdleTimeoutMs,
    decode: (data, record) => ({
      data,
      arrivalTime: record.arrivalTime,
      shardId: record.shardId,
      partitionKey: record.partitionKey,
      sequenceNumber: record.sequenceNumber,
    }),
  });
}

/**
 * Wires the application's streaming input: the Kinesis stream read from its shards with ROWTIME
 * = each record's `ApproximateArrivalTimestamp` and a watermark per shard (a shard's rows arrive in
 * ROWTIME order, so a row at `t` means none before `t` will come from it: watermark `t − 1`;
 * a quiet caught-up shard is idle and does not hold the others back), Lambda preprocessing in
 * front when the description has it, the schema's mapping of each record to rows, and each
 * shard's rows sent to its in-application stream (`inAppStreamOf`). Records that fail
 * preprocessing or mapping become error_stream rows; the job goes on.
 *
 * @example
 * declare const job: Job, app: SqlApplication, kinesis: KinesisClient;
 * const { streams, errors } = inputStreams(job, app.input!, {
 *   applicationArn: app.arn,
 *   kinesis,
 *   lambda: undefined,
 *   reading: { initialPosition: "TRIM_HORIZON", shardIdleTimeoutMs: 10_000 },
 * });
 */
export function inputStreams(
  job: Job,
  input: ApplicationInput,
  wiring: {
    readonly applicationArn: string;
    readonly kinesis: KinesisClient;
    readonly lambda: LambdaClient | undefined;
    readonly reading: InputReading;
  },
): InputStreams {
  const records = kinesisRecords(input, wiring.kinesis, wiring.reading);
  let source: Source<InputRecord | PreprocessedRecord> = records;
  if (input.preprocessor !== undefined) {
    if (wiring.lambda === undefined)
      throw new ConfigError(
        `the input is preprocessed by ${input.preprocessor.arn}: with --mode local give the endpoint of a local Lambda Invoke server with --lambda-endpoint`,
      );
    source = preprocessedSource(records, {
      functionArn: input.preprocessor.arn,
      applicationArn: wiring.applicationArn,
      streamArn: input.source.resource.arn,
      source: "kinesis",
      client: wiring.lambda,
    });
  }
  const mapping = compileInputMapping(input.schema);
  const names = input.streamNames;
  const failed = new OutputTag<SqlRow>("input-errors");
  const routed = job
    .source(source, { name: `input(${input.source.resource.name})` })
    .withWatermarks(monotonous(), undefined, { name: "rowtime" })
    .process<RoutedRow>(
      {
        processElement(value, context) {
          const outcome: PreprocessedRecord | undefined = "result" in value ? value : undefined;
          const record = outcome ? outcome.record : (value as InputRecord);
          if (outcome?.result === "ProcessingFailed") {
            context.output(failed, errorStreamRow(outcome.error), record.arrivalTime);
            return;
          }
          const mapped = mapping.map(outcome ? outcome.data : record.data, record.arrivalTime);
          if (mapped.error) {
            context.output(failed, errorStreamRow(mapped.error), record.arrivalTime);
            return;
          }
          const stream = names.length === 1 ? names[0]! : inAppStreamOf(record.shardId!, names);
          for (const row of mapped.rows) context.emit({ stream, row }, record.arrivalTime);
        },
      },
      { name: "map-input" },
    );
  const streams = new Map<string, DataStream<SqlRow>>();
  for (const name of names) {
    const rows =
      names.length === 1 ? routed : routed.filter((r) => r.stream === name, { name: `route(${name})` });
    streams.set(
      name,
      rows.map((r) => r.row, { name: `rows(${name})` }),
    );
  }
  return { streams, errors: routed.getSideOutput(failed) };
}
