import type { CheckpointKeyLayout } from "./key-layout.ts";

/**
 * Deletes a checkpoint or a savepoint of a job in one atomic step: it checks that nobody published
 * since the deletion was planned (the job's revision), removes the manifest, moves the `latest`
 * pointer, rebuilds the pinned set when a savepoint goes, deletes the freed blobs that no savepoint
 * pins, and bumps the revision (so a publish planned before it is re-planned). It answers `OK` or
 * `CONFLICT`.
 *
 * KEYS: checkpoints, savepoints, pinned, latest, rev, then the freed blobs.
 * ARGV: expected rev, checkpoint id to remove (or ""), savepoint name to remove (or ""), the new
 * latest id ("" to leave it, "-" to delete it), "reset" to rebuild the pinned set, the count of
 * pins, then the pins.
 */
export const DELETE_SCRIPT = `
local rev = redis.call('GET', KEYS[5]) or '0'
if rev ~= ARGV[1] then return 'CONFLICT' end
if ARGV[2] ~= '' then redis.call('HDEL', KEYS[1], ARGV[2]) end
if ARGV[3] ~= '' then redis.call('HDEL', KEYS[2], ARGV[3]) end
if ARGV[4] == '-' then redis.call('DEL', KEYS[4]) elseif ARGV[4] ~= '' then redis.call('SET', KEYS[4], ARGV[4]) end
if ARGV[5] == 'reset' then
  redis.call('DEL', KEYS[3])
  for i = 7, 6 + tonumber(ARGV[6]) do redis.call('SADD', KEYS[3], ARGV[i]) end
end
for i = 6, #KEYS do
  if redis.call('SISMEMBER', KEYS[3], KEYS[i]) == 0 then redis.call('UNLINK', KEYS[i]) end
end
redis.call('INCR', KEYS[5])
return 'OK'
`;

/** What one deletion removes and frees, planned from the job's keys read at `revision`. */
export interface DeletionPlan {
  readonly revision: string;
  readonly checkpointId?: number | undefined;
  readonly savepointName?: string | undefined;
  /** The id of the newest checkpoint left; `undefined` when none is. */
  readonly latest: number | undefined;
  /** Blob keys of the savepoints left, when a savepoint is removed (the pinned set is rebuilt). */
  readonly pins: readonly string[] | undefined;
  /** Blob keys nothing left references. */
  readonly freed: readonly string[];
}

/** The `EVAL` arguments (after the script) that carry out `plan` for `job`. */
export function deleteArguments(
  layout: CheckpointKeyLayout,
  job: string,
  plan: DeletionPlan,
): (string | number)[] {
  const keys = [
    layout.checkpoints(job),
    layout.savepoints(job),
    layout.pinned(job),
    layout.latest(job),
    layout.revision(job),
    ...plan.freed,
  ];
  const args = [
    plan.revision,
    plan.checkpointId === undefined ? "" : String(plan.checkpointId),
    plan.savepointName ?? "",
    plan.latest === undefined ? "-" : String(plan.latest),
    plan.pins === undefined ? "" : "reset",
    plan.pins?.length ?? 0,
    ...(plan.pins ?? []),
  ];
  return [keys.length, ...keys, ...args];
}
