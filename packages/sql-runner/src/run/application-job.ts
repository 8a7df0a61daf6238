import {
  type DataStream,
  fromIterable,
  type Job,
  type Logger,
  type PipelineOptions,
  pipeline,
} from "@eddy/core";
import type { DashboardView } from "@eddy/observability";
import {
  ERROR_STREAM,
  ERROR_STREAM_COLUMNS,
  type LogicalPlan,
  lowerPlan,
  type SqlApplication,
  type SqlField,
  type SqlRow,
} from "@eddy/sql";
import { ConfigError } from "../config-error.ts";
import type { AwsClients } from "./aws-clients.ts";
import { type InputReading, inputStreams } from "./input-streams.ts";
import { sinkOutput } from "./output-sinks.ts";
import { streamView } from "./stream-views.ts";

/**
 * Everything {@link applicationJob} wires a job from.
 *
 * @example
 * declare const parts: Omit<ApplicationJobParts, "views">;
 * const { job } = applicationJob({ ...parts, views: false });
 */
export interface ApplicationJobParts {
  readonly app: SqlApplication;
  readonly plan: LogicalPlan;
  readonly clients: AwsClients;
  /** Rows of each reference table, loaded from S3 before the job is built. */
  readonly referenceRows: ReadonlyMap<string, readonly SqlRow[]>;
  readonly reading: InputReading;
  /** The job's name (its checkpoints are stored under it) and options. */
  readonly name: string;
  readonly pipeline: PipelineOptions;
  /** When the application started: `CURRENT_TIMESTAMP`'s first value, VALUES rows' ROWTIME. */
  readonly queryStart: number;
  /** Where error_stream rows go when no output of the description takes them. */
  readonly logger: Logger;
  /** Whether to add a live table per in-application stream for the dashboard. */
  readonly views: boolean;
}

/**
 * A KDA application as an Eddy job: its streaming input ({@link inputStreams}), its SQL plan
 * lowered onto Eddy's operators with the reference tables' rows, one sink per output of the
 * description, and `error_stream` — written to the output that names it when the description has
 * one (as KDA let an application do), otherwise each row logged as a warning (Eddy's dead-letter
 * output for a KDA application). With `views`, a dashboard table per in-application stream.
 *
 * @example
 * declare const parts: ApplicationJobParts;
 * const { job, views } = applicationJob(parts);
 * await job.run();
 */
export function applicationJob(parts: ApplicationJobParts): { job: Job; views: DashboardView[] } {
  const { app, plan } = parts;
  const job = pipeline(parts.name, parts.pipeline);
  const input = app.input
    ? inputStreams(job, app.input, {
        applicationArn: app.arn,
        kinesis: parts.clients.kinesis,
        lambda: parts.clients.lambda,
        reading: parts.reading,
      })
    : undefined;
  let values = 0;
  const lowered = lowerPlan(
    plan,
    {
      input: (name) => {
        const rows = input?.streams.get(name);
        if (!rows)
          throw new ConfigError(`the SQL reads input stream ${name}, which the description does not give`);
        return rows;
      },
      values: (node) =>
        job.source(
          fromIterable(node.rows, { name: `values-${++values}`, timestampOf: () => parts.queryStart }),
        ),
      referenceRows: (table) => parts.referenceRows.get(table) ?? [],
    },
    { queryStart: parts.queryStart },
  );
  const errorSources = [input?.errors, lowered.errors].filter(
    (s): s is DataStream<SqlRow> => s !== undefined,
  );
  const errors = errorSources.length === 0 ? undefined : errorSources[0]!.union(...errorSources.slice(1));

  const columnsOf = new Map<string, readonly SqlField[]>([[ERROR_STREAM, ERROR_STREAM_COLUMNS]]);
  for (const stream of [...plan.inputs, ...plan.streams]) columnsOf.set(stream.name, stream.columns);
  for (const query of plan.queries) columnsOf.set(query.name, query.query.columns);
  const rowsOf = (name: string) =>
    name === ERROR_STREAM ? errors : (lowered.streams.get(name) ?? lowered.queries.get(name));

  app.outputs.forEach((output, index) => {
    const rows = rowsOf(output.stream);
    // A stream the SQL creates but no pump fills, or an error_stream that nothing can feed, has no rows.
    if (rows)
      sinkOutput(rows, output, columnsOf.get(output.stream)!, {
        clients: parts.clients,
        applicationArn: app.arn,
        index,
      });
  });
  if (errors && !app.outputs.some((output) => output.stream === ERROR_STREAM)) {
    errors.sink(
      {
        name: "error_stream-log",
        write(rows) {
          for (const row of rows)
            parts.logger.warn(`error_stream: ${String(row[2])}: ${String(row[3])}`, {
              errorName: row[2],
              message: row[3],
              dataRowtime: row[4],
              dataRow: row[5],
              pump: row[6],
            });
        },
      },
      { name: "error_stream-log" },
    );
  }

  const views: DashboardView[] = [];
  if (parts.views) {
    const shown = new Map<string, DataStream<SqlRow>>([...lowered.streams, ...lowered.queries]);
    if (errors) shown.set(ERROR_STREAM, errors);
    for (const [name, rows] of shown)
      views.push(streamView(name || "query", rows, columnsOf.get(name) ?? []));
  }
  return { job, views };
}
