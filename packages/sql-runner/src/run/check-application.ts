import { ERROR_STREAM, type LogicalPlan, type SqlApplication } from "@eddy/sql";
import { ConfigError } from "../config-error.ts";
import type { ClientTarget } from "./aws-clients.ts";

/**
 * What makes an application impossible to run, found before any client is built or resource
 * touched, each a one-line {@link ConfigError}:
 *
 * - an input from a Firehose delivery stream: KDA could read one because AWS wired it in;
 *   Firehose has no API to read from, so Eddy cannot;
 * - an output whose in-application stream the SQL does not create (names are case-sensitive, as
 *   in KDA);
 * - in local mode, a Lambda preprocessor or destination without `--lambda-endpoint` (the local
 *   stack has no Lambda).
 *
 * @example
 * declare const app: SqlApplication, plan: LogicalPlan;
 * checkApplication(app, plan, { mode: "aws" });
 */
export function checkApplication(app: SqlApplication, plan: LogicalPlan, target: ClientTarget): void {
  const source = app.input?.source;
  if (source?.kind === "firehose")
    throw new ConfigError(
      `the input reads the Firehose delivery stream ${source.resource.arn}: Eddy cannot read a delivery stream (Firehose has no read API; AWS wired KDA into it): point the input at a Kinesis data stream the producers write to (KinesisStreamsInput)`,
    );
  const streams = new Set([
    ...plan.streams.map((s) => s.name),
    ...plan.queries.map((q) => q.name),
    ERROR_STREAM,
  ]);
  app.outputs.forEach((output, index) => {
    if (!streams.has(output.stream))
      throw new ConfigError(
        `output ${index + 1} takes the in-application stream "${output.stream}", which the SQL does not create (streams: ${[...streams].join(", ")}; names are case-sensitive)`,
      );
  });
  if (target.mode === "local" && target.lambdaEndpoint === undefined) {
    const lambda = [
      ...(app.input?.preprocessor ? [app.input.preprocessor.arn] : []),
      ...app.outputs.filter((o) => o.kind === "lambda").map((o) => o.resource.arn),
    ];
    if (lambda.length > 0)
      throw new ConfigError(
        `the application calls ${lambda.join(" and ")}: with --mode local give the endpoint of a local Lambda Invoke server with --lambda-endpoint (the local stack has no Lambda)`,
      );
  }
}
