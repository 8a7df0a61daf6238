import { type Clock, systemClock } from "../time/clock.ts";
import type { Millis } from "../time/duration.ts";
import type { JobSavepoint } from "./job-savepoint.ts";
import { LEASE_DEFAULTS } from "./lease-defaults.ts";
import type { LeaseStore } from "./lease-store.ts";

/**
 * Options of {@link takeJobSavepoint}.
 *
 * @example
 * const options: TakeJobSavepointOptions = { name: "before-upgrade", stop: true };
 */
export interface TakeJobSavepointOptions {
  /** The savepoint's name; a completed savepoint replaces one of the same name. */
  readonly name: string;
  /** Stop the job once the savepoint is complete (Flink's stop-with-savepoint). Default false. */
  readonly stop?: boolean;
  /** How often the request is read while waiting (default 200 ms). */
  readonly pollIntervalMs?: Millis;
  /**
   * Gives up waiting after this long (default twice `LEASE_DEFAULTS.savepointTimeoutMs`): the
   * leader fails a request it cannot complete in its savepoint timeout, so this only ends a wait
   * for a job none of whose workers runs.
   */
  readonly timeoutMs?: Millis;
  /** Where the waiting's time comes from (default the system clock). */
  readonly clock?: Clock;
}

/**
 * Takes a savepoint of the whole job run on several workers: writes the request into the job's
 * lease table (refused while another is pending) and resolves once the leader has completed it —
 * every worker savepointed its splits and paused; the savepoint names, per split, its position
 * and, per key group, its state. Rejects with the leader's reason when it fails (a timeout). Any
 * worker, a tool, or a test may call it; a job starts from the savepoint with
 * `startFrom: { savepoint: name }`, on any number of workers.
 *
 * @example
 * const leases = redisLeases("redis://127.0.0.1:6379", { job: "fx-pricing" });
 * const savepoint = await takeJobSavepoint(leases, { name: "before-upgrade", stop: true });
 * console.log(`${savepoint.leases.length} splits saved`);
 * declare function redisLeases(url: string, options: { job: string }): LeaseStore;
 */
export async function takeJobSavepoint(
  leases: LeaseStore,
  options: TakeJobSavepointOptions,
): Promise<JobSavepoint> {
  const { requestSavepoint, readSavepointRequest, readJobSavepoint } = leases;
  if (!requestSavepoint || !readSavepointRequest || !readJobSavepoint) {
    throw new Error(`the lease store ${leases.description} keeps no savepoints of the whole job`);
  }
  const clock = options.clock ?? systemClock;
  const asked = await requestSavepoint.call(leases, { name: options.name, stop: options.stop ?? false });
  if (!asked.ok) throw new Error(`savepoint "${options.name}" was not requested: ${asked.message}`);
  const { id } = asked.request;
  const pollIntervalMs = options.pollIntervalMs ?? 200;
  const deadline = clock.now() + (options.timeoutMs ?? LEASE_DEFAULTS.savepointTimeoutMs * 2);
  for (;;) {
    const request = await readSavepointRequest.call(leases);
    if (request?.id !== id) {
      throw new Error(`savepoint "${options.name}" (request ${id}) was superseded by request ${request?.id}`);
    }
    if (request.state === "failed") {
      throw new Error(`savepoint "${options.name}" failed: ${request.message ?? "no reason given"}`);
    }
    if (request.state === "completed") {
      const savepoint = await readJobSavepoint.call(leases, options.name);
      if (savepoint?.id !== id) throw new Error(`savepoint "${options.name}" was replaced by a newer one`);
      return savepoint;
    }
    const now = clock.now();
    if (now >= deadline) {
      throw new Error(
        `savepoint "${options.name}" (request ${id}) is still pending: is any worker of the job running? (${request.staged.length} splits staged)`,
      );
    }
    await new Promise<void>((resolve) => clock.schedule(now + pollIntervalMs, resolve));
  }
}
