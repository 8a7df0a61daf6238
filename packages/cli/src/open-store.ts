import type { CheckpointStore, CheckpointStoreAdmin } from "@eddy/core";
import { checkpointStoreAt, parseCheckpointStoreUrl } from "@eddy/state";
import type { CliIo } from "./cli-io.ts";
import { UsageError } from "./usage-error.ts";

/** A store the commands can list and delete in. */
export type AdminStore = CheckpointStore & CheckpointStoreAdmin;

/**
 * Runs `work` on the store at `url` (`redis://…`, `s3://<bucket>/<prefix>`, a directory) and closes
 * it after. A URL that cannot be read, or a store that lives in one process only, is a
 * {@link UsageError}.
 */
export async function withStore<T>(
  url: string,
  io: CliIo,
  work: (store: AdminStore) => Promise<T>,
): Promise<T> {
  let location: ReturnType<typeof parseCheckpointStoreUrl>;
  try {
    location = parseCheckpointStoreUrl(url);
  } catch (error) {
    throw new UsageError(`--store ${url}: ${(error as Error).message}`);
  }
  if (location.kind === "none" || location.kind === "memory") {
    throw new UsageError(
      `--store ${url} names no stored checkpoints: give redis://<host>:<port>[/<db>], s3://<bucket>/<prefix> or a directory`,
    );
  }
  // What the store reports on the way (a manifest it cannot read) goes to stderr after the output;
  // when the command fails, the report of a lost connection says why better than the error does.
  const reports: string[] = [];
  const report = (message: string) => reports.push(message);
  const store = checkpointStoreAt(location, { logger: { info: () => {}, warn: report, error: report } })!;
  try {
    const result = await work(store);
    for (const message of reports) io.err(`eddy: ${message}\n`);
    return result;
  } catch (error) {
    const unreachable = reports.find((message) => message.includes(" is unreachable ("));
    if ((error as Error).name === "MaxRetriesPerRequestError" && unreachable !== undefined) {
      throw new Error(unreachable.replace(/; .*$/, ""));
    }
    throw error;
  } finally {
    await store.close?.();
  }
}
