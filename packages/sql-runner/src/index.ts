/**
 * The `eddy-sql` command for Kinesis Data Analytics SQL applications, read from their SQL and
 * their application description: `eddy-sql run` runs one on Eddy (its Kinesis input, Lambda
 * preprocessing, reference data, outputs and error_stream, with checkpoints and a dashboard), and
 * `eddy-sql explain` prints its plan, one node a line. Installed as a `bin`; {@link runEddySql}
 * runs it from code.
 *
 * @example
 * import { runEddySql } from "@eddy/sql-runner";
 *
 * process.exitCode = await runEddySql(["explain", "--application", "describe.json", "--sql", "app.sql"]);
 * @packageDocumentation
 * @module @eddy/sql-runner
 */

export { ConfigError } from "./config-error.ts";
export { runEddySql } from "./run-eddy-sql.ts";
export type { RunnerIo } from "./runner-io.ts";
