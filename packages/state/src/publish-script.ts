import type { CommitPlan } from "./commit-plan.ts";
import type { CheckpointKeyLayout } from "./key-layout.ts";

/**
 * Publishes a checkpoint in one atomic step (a Lua script runs alone on the server): it checks that
 * nobody else published since the plan was made and that every referenced blob exists, then stores
 * the manifest, applies retention, pins savepoint blobs, deletes garbage that no savepoint pins, and
 * clears the pending bookkeeping. It answers `OK`, `CONFLICT` or `MISSING <key>`.
 *
 * KEYS: checkpoints, savepoints, pinned, pending index, latest, rev, then the referenced blobs,
 * the garbage blobs and the pending sets to clear.
 * ARGV: expected rev, id, manifest JSON, savepoint name (or ""), "reset" to rebuild the pinned set,
 * then the counts of referenced, garbage, pending sets, dropped ids and pins, then the dropped ids,
 * the pending ids and the keys to pin.
 */
export const PUBLISH_SCRIPT = `
local rev = redis.call('GET', KEYS[6]) or '0'
if rev ~= ARGV[1] then return 'CONFLICT' end
local nReferenced, nGarbage, nPending = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local nDrop, nPins = tonumber(ARGV[9]), tonumber(ARGV[10])
local k = 7
for i = k, k + nReferenced - 1 do
  if redis.call('EXISTS', KEYS[i]) == 0 then return 'MISSING ' .. KEYS[i] end
end
k = k + nReferenced
local garbageFrom = k
k = k + nGarbage
local pendingFrom = k

redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
local a = 11
for i = a, a + nDrop - 1 do redis.call('HDEL', KEYS[1], ARGV[i]) end
a = a + nDrop
local pendingIdsFrom = a
a = a + nPending
if ARGV[4] ~= '' then redis.call('HSET', KEYS[2], ARGV[4], ARGV[3]) end
if ARGV[5] == 'reset' then redis.call('DEL', KEYS[3]) end
for i = a, a + nPins - 1 do redis.call('SADD', KEYS[3], ARGV[i]) end
for i = garbageFrom, garbageFrom + nGarbage - 1 do
  if redis.call('SISMEMBER', KEYS[3], KEYS[i]) == 0 then redis.call('UNLINK', KEYS[i]) end
end
for i = 0, nPending - 1 do
  redis.call('DEL', KEYS[pendingFrom + i])
  redis.call('SREM', KEYS[4], ARGV[pendingIdsFrom + i])
end
redis.call('SET', KEYS[5], ARGV[2])
redis.call('INCR', KEYS[6])
return 'OK'
`;

/** The `EVAL` arguments (after the script) that carry out `plan` for `manifestJson`. */
export function publishArguments(
  layout: CheckpointKeyLayout,
  job: string,
  plan: CommitPlan,
  publish: {
    revision: string;
    checkpointId: number;
    manifestJson: string;
    savepointName: string | undefined;
  },
): (string | number)[] {
  const keys = [
    layout.checkpoints(job),
    layout.savepoints(job),
    layout.pinned(job),
    layout.pendingIndex(job),
    layout.latest(job),
    layout.revision(job),
    ...plan.referenced,
    ...plan.garbage,
    ...plan.sweptPending.map((id) => layout.pending(job, id)),
  ];
  const args = [
    publish.revision,
    String(publish.checkpointId),
    publish.manifestJson,
    publish.savepointName ?? "",
    plan.pins.reset ? "reset" : "",
    plan.referenced.length,
    plan.garbage.length,
    plan.sweptPending.length,
    plan.dropIds.length,
    plan.pins.keys.length,
    ...plan.dropIds.map(String),
    ...plan.sweptPending.map(String),
    ...plan.pins.keys,
  ];
  return [keys.length, ...keys, ...args];
}
