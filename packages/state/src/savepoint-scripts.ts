// The Lua scripts of the Redis lease store's savepoints of the whole job: each request, decision
// and restore is one script, so its checks and writes are one step. They keep the rules of
// MemoryLeaseStore (which documents them); leaseStoreContract checks that both do. Staging is
// part of the PUBLISH script in lease-scripts.ts.

const HELPERS = `
local function read(key)
  local flat = redis.call('HGETALL', key)
  if #flat == 0 then return nil end
  local record = {}
  for i = 1, #flat, 2 do record[flat[i]] = flat[i + 1] end
  return record
end
local function answer(code, message, requestKey, stagedKey)
  return {code, message, redis.call('HGETALL', requestKey), redis.call('HKEYS', stagedKey)}
end
-- The keys a client passed for the job's leases must be exactly the job's leases.
local function sameLeases(setKey, names)
  if redis.call('SCARD', setKey) ~= #names then return false end
  for _, name in ipairs(names) do
    if redis.call('SISMEMBER', setKey, name) == 0 then return false end
  end
  return true
end
local function copyHash(from, to)
  redis.call('DEL', to)
  local flat = redis.call('HGETALL', from)
  for i = 1, #flat, 2 do redis.call('HSET', to, flat[i], flat[i + 1]) end
end
`;

/**
 * KEYS request, staged leases, staged key groups, staged committables, revision.
 * ARGV name, stop ("1" or "0"). Answers {code, message, request fields, staged lease keys}.
 */
export const REQUEST_SAVEPOINT = `${HELPERS}
local current = read(KEYS[1])
if current and current.state == 'pending' then
  return answer('exists', 'savepoint "' .. current.name .. '" (request ' .. current.id .. ') is being taken; one savepoint of the job at a time', KEYS[1], KEYS[2])
end
local id = 1
if current then id = tonumber(current.id) + 1 end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
redis.call('HSET', KEYS[1], 'id', id, 'name', ARGV[1], 'stop', ARGV[2], 'state', 'pending')
redis.call('INCR', KEYS[5])
return answer('ok', '', KEYS[1], KEYS[2])
`;

/** The leader fence and the pending-request check of a decision: KEYS[1] leader, KEYS[2] request, KEYS[3] staged leases. */
const DECISION = `
local lock = read(KEYS[1]) or {}
local request = read(KEYS[2])
if lock.leader ~= ARGV[1] or tonumber(lock.token) ~= tonumber(ARGV[2]) then
  local seen = 'free'
  if lock.leader then seen = '"' .. lock.leader .. '" with token ' .. lock.token end
  return answer('leader', '"' .. ARGV[1] .. '" with token ' .. ARGV[2] .. ' is not the leader (the lock says ' .. seen .. '); it cannot decide savepoint request ' .. ARGV[3], KEYS[2], KEYS[3])
end
if not request or request.state ~= 'pending' or tonumber(request.id) ~= tonumber(ARGV[3]) then
  local code, seen = 'missing', 'there is none'
  if request then code, seen = 'counter', 'request ' .. request.id .. ' is ' .. request.state end
  return answer(code, 'savepoint request ' .. ARGV[3] .. ' is not pending (' .. seen .. ')', KEYS[2], KEYS[3])
end
`;

/**
 * KEYS leader, request, staged leases, staged key groups, staged committables, leases set, live
 * key groups, live committables, savepoints set, revision, savepoint meta, savepoint leases,
 * savepoint key groups, savepoint committables, then the n lease hashes.
 * ARGV leader, token, request id, request name, n, then the n lease keys.
 */
export const COMPLETE_SAVEPOINT = `${HELPERS}${DECISION}
if request.name ~= ARGV[4] then
  return answer('counter', 'savepoint request ' .. ARGV[3] .. ' is named "' .. request.name .. '", not "' .. ARGV[4] .. '"', KEYS[2], KEYS[3])
end
local n = tonumber(ARGV[5])
local names = {}
for i = 1, n do names[i] = ARGV[5 + i] end
if not sameLeases(KEYS[6], names) then
  return answer('counter', 'the leases of the job changed while savepoint request ' .. ARGV[3] .. ' was being completed', KEYS[2], KEYS[3])
end
local unstaged = {}
for i = 1, n do
  local lease = read(KEYS[14 + i])
  if lease.checkpoint ~= 'SHARD_END' and redis.call('HEXISTS', KEYS[3], lease.leaseKey) == 0 then
    table.insert(unstaged, '"' .. lease.leaseKey .. '"')
  end
end
if #unstaged > 0 then
  return answer('savepoint', 'savepoint "' .. request.name .. '" (request ' .. request.id .. ') is not complete: no position of ' .. table.concat(unstaged, ', ') .. ' was staged yet', KEYS[2], KEYS[3])
end
redis.call('DEL', KEYS[11], KEYS[12])
for i = 1, n do
  local lease = read(KEYS[14 + i])
  local checkpoint, sub = lease.checkpoint, lease.checkpointSubSequenceNumber
  if checkpoint ~= 'SHARD_END' then
    local staged = cjson.decode(redis.call('HGET', KEYS[3], lease.leaseKey))
    checkpoint, sub = staged.checkpoint, staged.sub
  end
  -- Nested JSON stays text: decoding and encoding it here could change it.
  redis.call('HSET', KEYS[12], lease.leaseKey, cjson.encode({checkpoint = checkpoint, sub = sub, parentShardIds = lease.parentShardIds or '[]', keyGroups = lease.keyGroups or '[]'}))
end
copyHash(KEYS[7], KEYS[13])
local staged = redis.call('HGETALL', KEYS[4])
for i = 1, #staged, 2 do redis.call('HSET', KEYS[13], staged[i], staged[i + 1]) end
copyHash(KEYS[8], KEYS[14])
staged = redis.call('HGETALL', KEYS[5])
for i = 1, #staged, 2 do redis.call('HSET', KEYS[14], staged[i], staged[i + 1]) end
redis.call('HSET', KEYS[11], 'name', request.name, 'id', request.id)
redis.call('SADD', KEYS[9], request.name)
redis.call('HSET', KEYS[2], 'state', 'completed')
redis.call('INCR', KEYS[10])
return answer('ok', '', KEYS[2], KEYS[3])
`;

/** KEYS leader, request, staged leases, revision. ARGV leader, token, request id, message. */
export const FAIL_SAVEPOINT = `${HELPERS}${DECISION}
redis.call('HSET', KEYS[2], 'state', 'failed', 'message', ARGV[4])
redis.call('INCR', KEYS[4])
return answer('ok', '', KEYS[2], KEYS[3])
`;

/**
 * KEYS revision, restored-from, leases set, lease counters, live key groups, live committables,
 * request, savepoint meta, savepoint leases, savepoint key groups, savepoint committables, then the
 * n lease hashes (every lease of the table and of the savepoint).
 * ARGV name, expected revision, n, then the n lease keys.
 * Answers {code, message, outcome}.
 */
export const RESTORE_SAVEPOINT = `${HELPERS}
local meta = read(KEYS[8])
if not meta then
  return {'missing', 'there is no savepoint "' .. ARGV[1] .. '" of the job', ''}
end
local mark = meta.id .. ':' .. meta.name
if redis.call('GET', KEYS[2]) == mark then return {'ok', '', 'already'} end
local revision = tonumber(redis.call('GET', KEYS[1]) or '0')
if revision ~= tonumber(ARGV[2]) then
  return {'counter', 'the lease table has revision ' .. revision .. ', not ' .. ARGV[2] .. ': it changed since it was read (is a worker of the job running?)', ''}
end
local n = tonumber(ARGV[3])
local keyOf = {}
for i = 1, n do keyOf[ARGV[3 + i]] = KEYS[11 + i] end
for _, leaseKey in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  if not keyOf[leaseKey] then
    return {'counter', 'lease "' .. leaseKey .. '" was created while the restore was prepared', ''}
  end
end
local saved = redis.call('HGETALL', KEYS[9])
local kept = {}
for i = 1, #saved, 2 do
  local leaseKey = saved[i]
  if not keyOf[leaseKey] then
    return {'counter', 'lease "' .. leaseKey .. '" of the savepoint was not passed', ''}
  end
  kept[leaseKey] = cjson.decode(saved[i + 1])
end
local epochs = {}
for i = 1, n do
  local leaseKey, key = ARGV[3 + i], KEYS[11 + i]
  local counter = tonumber(redis.call('HGET', key, 'leaseCounter') or '0')
  redis.call('DEL', key)
  local lease = kept[leaseKey]
  if lease then
    counter = counter + 1
    epochs[leaseKey] = counter
    redis.call('HSET', key, 'leaseKey', leaseKey, 'leaseCounter', counter, 'ownerSwitchesSinceCheckpoint', 0,
      'parentShardIds', lease.parentShardIds, 'keyGroups', lease.keyGroups)
    if lease.checkpoint then redis.call('HSET', key, 'checkpoint', lease.checkpoint) end
    if lease.sub then redis.call('HSET', key, 'checkpointSubSequenceNumber', lease.sub) end
    redis.call('SADD', KEYS[3], leaseKey)
    redis.call('HSET', KEYS[4], leaseKey, counter)
  else
    redis.call('SREM', KEYS[3], leaseKey)
    redis.call('HDEL', KEYS[4], leaseKey)
  end
end
-- Pointers keep their JSON as written; their epoch becomes the restored lease's counter.
redis.call('DEL', KEYS[5])
local pointers = redis.call('HGETALL', KEYS[10])
for i = 1, #pointers, 2 do
  local pointer = pointers[i + 1]
  local leaseKey = cjson.decode(pointer).leaseKey
  local epoch = epochs[leaseKey] or 0
  local state = string.match(pointer, ',"state":(.*)}$')
  redis.call('HSET', KEYS[5], pointers[i], '{"leaseKey":' .. cjson.encode(leaseKey) .. ',"epoch":' .. epoch .. ',"state":' .. state .. '}')
end
copyHash(KEYS[11], KEYS[6])
local request = read(KEYS[7])
if request and request.state == 'pending' then
  redis.call('HSET', KEYS[7], 'state', 'failed', 'message', 'the job was restored from savepoint "' .. meta.name .. '"')
end
redis.call('SET', KEYS[2], mark)
redis.call('INCR', KEYS[1])
return {'ok', '', 'restored'}
`;
