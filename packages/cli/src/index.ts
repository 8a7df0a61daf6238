/**
 * The `eddy` command: list, inspect and delete an Eddy job's checkpoints and savepoints in Redis,
 * S3 or a directory, and take a savepoint, stop a job or read its status through its HTTP port.
 * Installed as a `bin`; {@link runEddy} runs it from code.
 *
 * @example
 * import { runEddy } from "@eddy/cli";
 *
 * process.exitCode = await runEddy(["checkpoints", "list", "fx-pricing", "--store", "redis://127.0.0.1:6379"]);
 * @packageDocumentation
 * @module @eddy/cli
 */

export type { CliIo } from "./cli-io.ts";
export { runEddy } from "./run-eddy.ts";
export { UsageError } from "./usage-error.ts";
