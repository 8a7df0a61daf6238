import {
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointManifest,
  type CheckpointStore,
} from "../checkpoint/checkpoint-store.ts";
import { type RestoredCheckpoint, restoreFirstUsable } from "../checkpoint/restore.ts";
import type { Logger } from "../logging/logger.ts";
import { PipelineDefinitionError } from "../runtime/errors.ts";
import type { Serde } from "../state/serde.ts";

/**
 * Where a job starts from: the latest checkpoint (default), a named savepoint, or nothing.
 * Only consulted when the job has a checkpoint store. `{ savepoint }` names a savepoint taken with
 * `job.savepoint(name)`.
 *
 * @example
 * const job = pipeline("fx-pricing", {
 *   checkpoints: { every: seconds(10), store },
 *   startFrom: { savepoint: "before-upgrade" },
 * });
 */
export type StartFrom = { readonly savepoint: string } | "latest" | "fresh";

/** What {@link restoreJob} checks a checkpoint against. */
export interface JobRestore {
  readonly job: string;
  readonly store: CheckpointStore;
  readonly startFrom: StartFrom;
  readonly keyGroups: number;
  readonly serde: Serde<unknown>;
  readonly logger: Logger;
  /** Every operator id of the job's graph. */
  readonly operatorIds: ReadonlySet<string>;
  /** Start even if the checkpoint holds state of operators the job no longer has. */
  readonly allowNonRestoredState: boolean;
}

/**
 * A job was asked to restore a checkpoint that holds state of operators it does not have (its
 * graph changed, or an operator's id did), and `allowNonRestoredState` is off: starting would
 * drop that state. Tools built on Eddy catch it to say what to do in their own words (the SQL
 * runner: the SQL changed, start over with `--fresh`). Its `name` stays `PipelineDefinitionError`.
 *
 * @example
 * try {
 *   await job.run();
 * } catch (error) {
 *   if (error instanceof UnmatchedStateError) console.error(`${error.operators.join(", ")}: run with --fresh`);
 *   else throw error;
 * }
 */
export class UnmatchedStateError extends PipelineDefinitionError {
  /**
   * @param job the job restoring
   * @param checkpointId the checkpoint it restores
   * @param operators the checkpoint's operator ids the job does not have
   */
  constructor(
    readonly job: string,
    readonly checkpointId: number,
    readonly operators: readonly string[],
  ) {
    super(
      `job "${job}": checkpoint ${checkpointId} holds state of operators this job does not have (${operators.join(", ")}); name stateful operators with { name } to keep them stable, or set allowNonRestoredState`,
    );
  }
}

/**
 * The checkpoint a job starts from: `startFrom` picks the candidates, the newest usable one is
 * restored (a corrupt one is skipped), and it must fit the job (format version, key groups, and
 * its operators unless `allowNonRestoredState`); a mismatch is a {@link PipelineDefinitionError}.
 */
export async function restoreJob(restore: JobRestore): Promise<RestoredCheckpoint | undefined> {
  const { job, store } = restore;
  const restored = await restoreFirstUsable(store, await candidatesOf(restore), {
    job,
    serde: restore.serde,
    logger: restore.logger,
    check: (manifest) => checkCompatible(manifest, job, restore.keyGroups),
  });
  if (restored && !restore.allowNonRestoredState) {
    const unknown = [...restored.operators.keys()].filter((id) => !restore.operatorIds.has(id));
    if (unknown.length > 0) {
      throw new UnmatchedStateError(job, restored.manifest.checkpointId, unknown);
    }
  }
  return restored;
}

async function candidatesOf({ job, store, startFrom }: JobRestore): Promise<CheckpointManifest[]> {
  if (startFrom === "fresh") return [];
  if (startFrom === "latest") return store.checkpoints(job);
  const savepoint = await store.savepoint(job, startFrom.savepoint);
  if (!savepoint) {
    throw new PipelineDefinitionError(
      `job "${job}": no savepoint named "${startFrom.savepoint}" in ${store.description}`,
    );
  }
  return [savepoint];
}

function checkCompatible(manifest: CheckpointManifest, job: string, keyGroups: number): void {
  if (manifest.version !== CHECKPOINT_FORMAT_VERSION) {
    throw new PipelineDefinitionError(
      `job "${job}": checkpoint ${manifest.checkpointId} has format version ${String(manifest.version)}, this Eddy reads version ${CHECKPOINT_FORMAT_VERSION}`,
    );
  }
  if (manifest.keyGroups !== keyGroups) {
    throw new PipelineDefinitionError(
      `job "${job}": checkpoint ${manifest.checkpointId} was taken with ${manifest.keyGroups} key groups, the job is configured with ${keyGroups}; the number of key groups is fixed for a job's life`,
    );
  }
}
