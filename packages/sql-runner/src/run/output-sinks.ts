import { createHash } from "node:crypto";
import { firehoseSink } from "@eddy/connector-firehose";
import { kinesisSink } from "@eddy/connector-kinesis";
import type { DataStream } from "@eddy/core";
import {
  type ApplicationOutput,
  compileOutputFormat,
  lambdaOutputSink,
  type SqlField,
  type SqlRow,
} from "@eddy/sql";
import { ConfigError } from "../config-error.ts";
import type { AwsClients } from "./aws-clients.ts";

/**
 * A Kinesis partition key for a record: the MD5 of its bytes in hex, so equal rows land on the
 * same shard and a replay puts a row where it went the first time (KDA does not say how it
 * chose keys).
 */
const partitionKeyOf = (record: string) => createHash("md5").update(record).digest("hex");

/**
 * Sinks an in-application stream's rows into one destination of the description: serialised as
 * its `RecordFormatType` says (`compileOutputFormat`), one record a row, written by Eddy's Kinesis
 * or Firehose sink or the Lambda output sink with the run's client. All three are at least once:
 * they flush at every checkpoint barrier, so after a crash the rows since the last checkpoint are
 * written again.
 *
 * @example
 * declare const rows: DataStream<SqlRow>, output: ApplicationOutput, columns: SqlField[], clients: AwsClients;
 * sinkOutput(rows, output, columns, { clients, applicationArn: "arn:aws:kinesisanalytics:…", index: 0 });
 */
export function sinkOutput(
  rows: DataStream<SqlRow>,
  output: ApplicationOutput,
  columns: readonly SqlField[],
  wiring: { readonly clients: AwsClients; readonly applicationArn: string; readonly index: number },
): void {
  const serialize = compileOutputFormat(columns, output.format);
  // Stable across runs: a sink's checkpointed state is found again by its name.
  const name = `output-${wiring.index + 1}(${output.stream})`;
  const records = rows.map((row) => serialize(row), { name: `serialize-${wiring.index + 1}` });
  switch (output.kind) {
    case "kinesis":
      records.sink(
        kinesisSink<string>({
          stream: output.resource.name,
          client: wiring.clients.kinesis,
          partitionKey: partitionKeyOf,
          serialize: (record) => record,
        }),
        { name },
      );
      return;
    case "firehose":
      records.sink(
        firehoseSink<string>({
          name,
          deliveryStreamName: output.resource.name,
          client: wiring.clients.firehose,
          serializer: (record) => record,
        }),
        { name },
      );
      return;
    case "lambda":
      if (wiring.clients.lambda === undefined)
        throw new ConfigError(
          `output ${output.stream} goes to ${output.resource.arn}: with --mode local give the endpoint of a local Lambda Invoke server with --lambda-endpoint`,
        );
      records.sink(
        lambdaOutputSink<string>({
          name,
          functionArn: output.resource.arn,
          applicationArn: wiring.applicationArn,
          serializer: (record) => record,
          client: wiring.clients.lambda,
        }),
        { name },
      );
  }
}
