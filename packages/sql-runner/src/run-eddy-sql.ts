import { createRequire } from "node:module";
import { Command, CommanderError } from "commander";
import { explainCommand } from "./commands/explain.ts";
import { runCommand } from "./commands/run.ts";
import { ConfigError } from "./config-error.ts";
import { processIo, type RunnerIo } from "./runner-io.ts";

/** This package's version (`eddy-sql --version`); `../package.json` from `src/` and from `dist/`. */
const VERSION = (createRequire(import.meta.url)("../package.json") as { version: string }).version;

/** Commander's codes for help and version requested: not errors. */
const ASKED_FOR = new Set(["commander.helpDisplayed", "commander.version"]);

/**
 * Runs the `eddy-sql` command with `argv` (the arguments after `eddy-sql`) and resolves with its
 * exit code: 0 when it did what was asked, 2 for a usage or configuration error (a missing file,
 * a description that is not KDA's, SQL that does not compile), 1 for any other failure. A
 * configuration error is printed as `eddy-sql: <what and where>` (SQL errors add the line with a
 * caret under the offending part), never with a stack trace.
 *
 * @example
 * process.exitCode = await runEddySql(["explain", "--application", "describe.json", "--sql", "app.sql"]);
 */
export async function runEddySql(argv: readonly string[], io: RunnerIo = processIo): Promise<number> {
  const program = new Command("eddy-sql")
    .description("run Kinesis Data Analytics SQL applications on Eddy")
    .version(VERSION, "-v, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .showSuggestionAfterError(true)
    .exitOverride();
  explainCommand(program, io);
  runCommand(program, io);
  for (const command of [program, ...program.commands]) {
    command.exitOverride().configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      outputError: (text, write) =>
        write(
          `eddy-sql: ${text.replace(/^error: /, "").replace(/\n+$/, "")} (see ${command === program ? "eddy-sql" : `eddy-sql ${command.name()}`} --help)\n`,
        ),
    });
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return ASKED_FOR.has(error.code) ? 0 : 2;
    if (error instanceof ConfigError) {
      io.err(`eddy-sql: ${error.message}\n`);
      return 2;
    }
    io.err(`eddy-sql: ${error instanceof Error ? error.message.replace(/\s*\n\s*/g, " ") : String(error)}\n`);
    return 1;
  }
}
