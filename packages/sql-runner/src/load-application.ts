import { readFile } from "node:fs/promises";
import {
  ApplicationDescriptionError,
  type LogicalPlan,
  parseApplicationDescription,
  planSqlApplication,
  type SqlApplication,
  SqlError,
  SqlPlanError,
} from "@eddy/sql";
import { ConfigError } from "./config-error.ts";

/** What `eddy-sql` is pointed at: the description JSON and, optionally, the SQL apart from it. */
export interface ApplicationFiles {
  /** What `aws kinesisanalytics describe-application` printed (or a CreateApplication request). */
  readonly application: string;
  /** The SQL; without it, the description's `ApplicationCode`. */
  readonly sql?: string;
  /**
   * When the application starts, epoch ms, from the job's clock: `VALUES` rows and the
   * `CURRENT_TIMESTAMP` they read are computed at it. Default: the wall clock when planning.
   */
  readonly queryStart?: number;
}

/** An application read from its files, with its SQL planned. */
export interface LoadedApplication {
  readonly app: SqlApplication;
  readonly plan: LogicalPlan;
}

async function readText(option: string, path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `${option} ${path}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`,
    );
  }
}

/**
 * Reads the description and the SQL and plans the application; every problem with them is a
 * {@link ConfigError} naming the file (and, for SQL, the line and column).
 */
export async function loadApplication(files: ApplicationFiles): Promise<LoadedApplication> {
  const description = await readText("--application", files.application);
  const sql = files.sql === undefined ? undefined : await readText("--sql", files.sql);
  let app: SqlApplication;
  try {
    app = parseApplicationDescription(description);
  } catch (error) {
    if (error instanceof ApplicationDescriptionError || error instanceof SyntaxError)
      throw new ConfigError(`--application ${files.application}: ${error.message}`);
    throw error;
  }
  const source = files.sql ?? `${files.application} (ApplicationCode)`;
  if (sql === undefined && app.code === undefined)
    throw new ConfigError(
      `--application ${files.application} has no ApplicationCode: give the SQL with --sql FILE`,
    );
  try {
    const options = files.queryStart === undefined ? {} : { queryStart: files.queryStart };
    return { app, plan: planSqlApplication(app, sql ?? app.code, options) };
  } catch (error) {
    // One line: where (file:line:column, as compilers print it) and why.
    if (error instanceof SqlError)
      throw new ConfigError(`${source}:${error.line}:${error.column}: ${error.reason}`);
    if (error instanceof SqlPlanError) throw new ConfigError(`${source}: ${error.message}`);
    throw error;
  }
}
