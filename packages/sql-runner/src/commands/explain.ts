import { readFile } from "node:fs/promises";
import { explainPlan, explainTypeScript } from "@eddy/sql";
import type { Command } from "commander";
import { loadApplication } from "../load-application.ts";
import type { RunnerIo } from "../runner-io.ts";

/**
 * `eddy-sql explain`: the application's plan, one node a line, without running anything; with
 * `--typescript`, the equivalent TypeScript DSL program instead (a file to start from when moving
 * the application off SQL).
 */
export function explainCommand(program: Command, io: RunnerIo): void {
  program
    .command("explain")
    .description(
      "print the plan of an application (one node a line, with its window and columns) without running it",
    )
    .requiredOption(
      "-a, --application <file>",
      "the application description JSON (aws kinesisanalytics describe-application)",
    )
    .option("-s, --sql <file>", "the application's SQL (default: the description's ApplicationCode)")
    .option("--typescript", "print the equivalent @eddy/core TypeScript program instead of the plan")
    .action(async (options: { application: string; sql?: string; typescript?: boolean }) => {
      // A VALUES row may read the query's start (CURRENT_TIMESTAMP): explain as if it started now.
      const { app, plan } = await loadApplication({ ...options, queryStart: Date.now() });
      if (options.typescript !== true) {
        io.out(`${explainPlan(plan)}\n`);
        return;
      }
      // loadApplication has read both files already, so neither read can fail for a new reason.
      const sql = options.sql === undefined ? (app.code ?? "") : await readFile(options.sql, "utf8");
      io.out(explainTypeScript(plan, sql, app.name));
    });
}
