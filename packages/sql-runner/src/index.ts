/**
 * The `eddy-sql` command: `eddy-sql explain` prints the plan of a Kinesis Data Analytics SQL
 * application, read from its SQL and its application description, one node a line. Installed as
 * a `bin`; {@link runEddySql} runs it from code.
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
