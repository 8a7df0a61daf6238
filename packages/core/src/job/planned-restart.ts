import type { Lease } from "../cluster/lease.ts";
import type { Logger } from "../logging/logger.ts";
import type { JobRun } from "./job-run.ts";

/**
 * Why a worker's pipeline must restart over a new set of leases, and whether the change was
 * planned. A planned change (a lease acquired, a handoff asked for, a split read to its end, the
 * worker leaving) lets the pipeline stop exactly at a published checkpoint, so nothing is read or
 * written twice; an unplanned one (a lease lost) cannot — a checkpoint of the splits it still
 * reads would be refused — and those splits replay from their last published checkpoint.
 *
 * @example
 * const change = leaseChange({ reading, held, handoffs: new Set(), ends: new Set() });
 * if (change?.planned) console.log(`restart at a checkpoint: ${change.reason}`);
 * declare const reading: readonly Lease[];
 * declare const held: readonly Lease[];
 */
export interface LeaseChange {
  /** Whether the pipeline can stop at a checkpoint first (no lease it reads was lost). */
  readonly planned: boolean;
  /** What changed, for the log: `acquired partition-3`, `handing off partition-1` … */
  readonly reason: string;
}

/**
 * What changed between the leases a pipeline reads and those its worker holds now; `undefined`
 * when nothing did. `handoffs` are leases to hand over, `ends` splits read to their end (both still
 * held: they are released after the restart's checkpoint).
 *
 * @example
 * const change = leaseChange({ reading, held, handoffs: new Set(["partition-1"]), ends: new Set() });
 * // { planned: true, reason: "handing off partition-1" }
 * declare const reading: readonly Lease[];
 * declare const held: readonly Lease[];
 */
export function leaseChange(leases: {
  readonly reading: readonly Lease[];
  readonly held: readonly Lease[];
  readonly handoffs: ReadonlySet<string>;
  readonly ends: ReadonlySet<string>;
}): LeaseChange | undefined {
  const reading = leases.reading.map((lease) => lease.leaseKey);
  const held = new Set(leases.held.map((lease) => lease.leaseKey));
  const lost = reading.filter((key) => !held.has(key));
  if (lost.length > 0) return { planned: false, reason: `lost ${lost.join(", ")}` };
  const readingNow = new Set(reading);
  const reasons = [
    describe(
      "acquired",
      [...held].filter((key) => !readingNow.has(key)),
    ),
    describe(
      "handing off",
      reading.filter((key) => leases.handoffs.has(key)),
    ),
    describe(
      "read to its end",
      reading.filter((key) => leases.ends.has(key)),
    ),
  ].filter((reason) => reason !== undefined);
  return reasons.length === 0 ? undefined : { planned: true, reason: reasons.join("; ") };
}

function describe(what: string, keys: readonly string[]): string | undefined {
  return keys.length === 0 ? undefined : `${what} ${keys.join(", ")}`;
}

/**
 * Stops a worker's pipeline at a published checkpoint ({@link JobRun.stopAtCheckpoint}) before a
 * planned restart. If that checkpoint fails (a store error, a refused publish) the pipeline is
 * stopped all the same, and it says so: the splits then replay from their last published
 * checkpoint — at-least-once sinks may write that stretch again. Resolves whether the stop was
 * exact.
 *
 * @example
 * const exact = await stopAtPublishedCheckpoint(run, { workerId: "worker-a", reason: "acquired partition-3", logger });
 * declare const run: JobRun;
 * declare const logger: Logger;
 */
export async function stopAtPublishedCheckpoint(
  run: JobRun,
  context: { readonly workerId: string; readonly reason: string; readonly logger: Logger },
): Promise<boolean> {
  context.logger.info(
    `"${context.workerId}" stops its pipeline at a published checkpoint: ${context.reason}`,
  );
  try {
    await run.stopAtCheckpoint();
    return true;
  } catch (error) {
    context.logger.warn(
      `"${context.workerId}" could not stop its pipeline at a published checkpoint (${context.reason}): ${(error as Error).message}; its splits replay from their last published checkpoint`,
    );
    return false;
  }
}
