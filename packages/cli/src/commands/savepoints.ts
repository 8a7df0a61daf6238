import type { Command } from "commander";
import type { CliIo } from "../cli-io.ts";
import { withStore } from "../open-store.ts";
import { storeOption } from "../options.ts";
import { checkpointTable, json, summary } from "./checkpoints.ts";

/** `eddy savepoints list|delete`. */
export function savepointsCommand(program: Command, io: CliIo): void {
  const savepoints = program
    .command("savepoints")
    .description("list and delete the savepoints of a job in a checkpoint store");

  savepoints
    .command("list")
    .description("the savepoints of a job, newest first")
    .argument("<job>", "the job's name (pipeline(name))")
    .addOption(storeOption(io))
    .option("--json", "print JSON instead of a table")
    .action(async (job: string, options: { store: string; json?: boolean }) => {
      await withStore(options.store, io, async (store) => {
        const listed = await store.savepoints(job);
        io.out(options.json ? json(listed.map(summary)) : checkpointTable(listed));
      });
    });

  savepoints
    .command("delete")
    .description("delete savepoints of a job by name, and the blobs nothing else retained references")
    .argument("<job>", "the job's name")
    .argument("<names...>", "the savepoints' names")
    .addOption(storeOption(io))
    .action(async (job: string, names: string[], options: { store: string }) => {
      await withStore(options.store, io, async (store) => {
        const missing: string[] = [];
        for (const name of names) {
          if (await store.deleteSavepoint(job, name)) io.out(`deleted savepoint "${name}" of job "${job}"\n`);
          else missing.push(name);
        }
        if (missing.length > 0) {
          throw new Error(
            `job "${job}" has no savepoint ${missing.map((n) => `"${n}"`).join(", ")} in ${store.description}`,
          );
        }
      });
    });
}
