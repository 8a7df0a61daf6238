import { createRequire } from "node:module";
import { Command, CommanderError } from "commander";
import { type CliIo, processIo } from "./cli-io.ts";
import { checkpointsCommand } from "./commands/checkpoints.ts";
import { controlCommands } from "./commands/control.ts";
import { iamPolicyCommand } from "./commands/iam-policy.ts";
import { savepointsCommand } from "./commands/savepoints.ts";
import { UsageError } from "./usage-error.ts";

/** This package's version (`eddy --version`); `../package.json` from `src/` and from `dist/`. */
const VERSION = (createRequire(import.meta.url)("../package.json") as { version: string }).version;

/** Commander's codes for help and version requested: not errors. */
const ASKED_FOR = new Set(["commander.helpDisplayed", "commander.version"]);

/**
 * Runs the `eddy` command with `argv` (the arguments after `eddy`) and resolves with its exit
 * code: 0 when it did what was asked, 1 when it failed (a store or job that cannot be reached, a
 * refused deletion), 2 for a usage or configuration error. Every failure is one line on stderr,
 * `eddy: <what went wrong>`, never a stack trace.
 *
 * @example
 * const code = await runEddy(["checkpoints", "list", "--store", ".eddy/checkpoints", "--json"]);
 * process.exitCode = code;
 */
export async function runEddy(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = new Command("eddy")
    .description(
      "operate Eddy jobs: their checkpoints and savepoints, a running job's control port, and the IAM policy a job needs",
    )
    .version(VERSION, "-v, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput(output(io, "eddy"));
  checkpointsCommand(program, io);
  savepointsCommand(program, io);
  controlCommands(program, io);
  iamPolicyCommand(program, io);
  for (const command of allCommands(program)) {
    command
      .exitOverride()
      .configureOutput(output(io, pathOf(command)))
      .showSuggestionAfterError(true);
  }

  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return ASKED_FOR.has(error.code) ? 0 : 2;
    if (error instanceof UsageError) {
      io.err(`eddy: ${error.message}\n`);
      return 2;
    }
    io.err(`eddy: ${oneLine(error)}\n`);
    return 1;
  }
}

/** Where commander writes, and its usage errors as one line in the house style. */
function output(io: CliIo, path: string) {
  return {
    writeOut: (text: string) => io.out(text),
    writeErr: (text: string) => io.err(text),
    outputError: (text: string, write: (text: string) => void) =>
      write(`eddy: ${text.replace(/^error: /, "").replace(/\n+$/, "")} (see ${path} --help)\n`),
  };
}

/** `eddy checkpoints delete` for the command `delete` under `checkpoints`. */
function pathOf(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((sub) => [sub, ...allCommands(sub)]);
}

/** An error's message on one line (a store's error may span several). */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, " ").trim() || (error as Error).name;
}
