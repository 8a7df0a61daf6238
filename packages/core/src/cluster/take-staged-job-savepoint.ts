import type { JobSavepoint } from "./job-savepoint.ts";
import type { LeaseStore } from "./lease-store.ts";
import { type TakeJobSavepointOptions, takeJobSavepoint } from "./take-job-savepoint.ts";

/**
 * Takes a savepoint of the whole job run on several workers whose graph is cut by repartitions:
 * the same-named {@link takeJobSavepoint} on every stage's lease table, one after the other, stage
 * 0 (the job's own table) first. Resolves with each stage's savepoint, in stage order; the job
 * starts again from them with `startFrom: { savepoint: name }`, which restores every stage from
 * its own table.
 *
 * The stages need no common cut: barriers do not cross the shuffle, so each stage's savepoint is
 * exact on its own. Stage 0 restored from its savepoint numbers the records after it with the same
 * ids as before (the counts are kept in its splits' positions), and a later stage restored from
 * its own reads its repartition stream from its savepoint's positions, its dedupe dropping every
 * id it applied already — also the copies stage 0 writes again. The repartition streams must
 * still hold the records after the later stages' positions when the job is restored (Kinesis
 * retention: 24 hours by default). Taking stage 0 first, with `stop`, stops the writing first, so
 * the later stages' savepoints are taken at least as far along and less is read again.
 *
 * Rejects when a stage's savepoint fails, naming the stage; the stages before it have taken theirs
 * (and, with `stop`, their workers stopped), the ones after it were not asked.
 *
 * @example
 * const url = "redis://127.0.0.1:6379";
 * const tables = [redisLeases(url, { job: "clicks" }), redisLeases(url, { job: "clicks/stage-1" })];
 * const stages = await takeStagedJobSavepoint(tables, { name: "before-upgrade", stop: true });
 * console.log(stages.map((savepoint, stage) => `stage ${stage}: ${savepoint.leases.length} splits`));
 * declare function redisLeases(url: string, options: { job: string }): LeaseStore;
 */
export async function takeStagedJobSavepoint(
  tables: readonly LeaseStore[],
  options: TakeJobSavepointOptions,
): Promise<readonly JobSavepoint[]> {
  if (tables.length === 0) throw new Error("takeStagedJobSavepoint: give the lease table of every stage");
  const savepoints: JobSavepoint[] = [];
  for (const [stage, table] of tables.entries()) {
    try {
      savepoints.push(await takeJobSavepoint(table, options));
    } catch (error) {
      const taken =
        stage === 0 ? "" : stage === 1 ? " (stage 0 took its)" : ` (stages 0–${stage - 1} took theirs)`;
      throw new Error(`stage ${stage}: ${(error as Error).message}${taken}`);
    }
  }
  return savepoints;
}
