import { existsSync } from "node:fs";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Job } from "@eddy/core";
import { UsageError } from "./usage-error.ts";

/** TypeScript modules go through tsx; JavaScript ones are imported as they are. */
const TYPESCRIPT = new Set([".ts", ".mts", ".cts", ".tsx"]);

/**
 * The job a module exports, built but not run: its default export or its export named `job`,
 * either a Job or a function (maybe async) returning one. A module that runs its job when
 * imported would run it here: export the job from a module of its own.
 */
export async function loadJob(modulePath: string, cwd: string): Promise<Job> {
  const path = resolve(cwd, modulePath);
  if (!existsSync(path)) throw new UsageError(`${modulePath}: no such module`);
  const url = pathToFileURL(path).href;
  let loaded: Record<string, unknown>;
  try {
    loaded = TYPESCRIPT.has(extname(path))
      ? ((await (await import("tsx/esm/api")).tsImport(url, import.meta.url)) as Record<string, unknown>)
      : ((await import(url)) as Record<string, unknown>);
  } catch (error) {
    throw new Error(`${modulePath} failed to load: ${(error as Error).message ?? String(error)}`, {
      cause: error,
    });
  }
  const exported = loaded.default ?? loaded.job;
  if (exported === undefined) {
    throw new UsageError(`${modulePath} exports no job: export it as default or as "job"`);
  }
  const job = typeof exported === "function" && !isJob(exported) ? await exported() : exported;
  if (!isJob(job)) {
    throw new UsageError(
      `${modulePath}: its ${loaded.default === undefined ? '"job"' : "default"} export is not a Job`,
    );
  }
  return job;
}

/** A Job recognized by its shape, so a job built by another copy of @eddy/core is one too. */
function isJob(value: unknown): value is Job {
  const job = value as Partial<Job> | null;
  return (
    typeof job === "object" &&
    job !== null &&
    typeof job.connectors === "function" &&
    typeof job.run === "function"
  );
}
