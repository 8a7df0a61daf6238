import { explainPlan } from "@eddy/sql";
import type { Command } from "commander";
import { loadApplication } from "../load-application.ts";
import type { RunnerIo } from "../runner-io.ts";

/** `eddy-sql explain`: the application's plan, one node a line, without running anything. */
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
    .action(async (options: { application: string; sql?: string }) => {
      const { plan } = await loadApplication(options);
      io.out(`${explainPlan(plan)}\n`);
    });
}
