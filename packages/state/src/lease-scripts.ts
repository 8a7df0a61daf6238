// The Lua scripts of the Redis lease store: each conditional write is one script, so its checks and
// its writes happen in one step no other client can interleave with (Redis runs a script alone).
// Each answers {code, message, fields}: code "ok" or a LeaseRefusal, the message of a refusal, and
// the HGETALL of the record written or refused. They keep the rules of MemoryLeaseStore, which
// documents them; leaseStoreContract checks that both do.

/** Helpers every lease script starts with. */
const PRELUDE = `
local function read(key)
  local flat = redis.call('HGETALL', key)
  if #flat == 0 then return nil end
  local record = {}
  for i = 1, #flat, 2 do record[flat[i]] = flat[i + 1] end
  return record
end
local function holder(lease)
  if lease.checkpointOwner then return lease.checkpointOwner end
  return lease.leaseOwner
end
local function quoted(name)
  if name == nil then return 'nobody' end
  return '"' .. name .. '"'
end
local function answer(code, message, key)
  return {code, message, redis.call('HGETALL', key)}
end
local function missing(leaseKey)
  return {'missing', 'there is no lease "' .. leaseKey .. '"', {}}
end
local function stale(lease, expected, key)
  if tonumber(lease.leaseCounter) == tonumber(expected) then return nil end
  return answer('counter', 'lease "' .. lease.leaseKey .. '" has counter ' .. lease.leaseCounter .. ', not ' .. expected .. ': it was written since', key)
end
local function notHeld(lease, worker, expected, key)
  local current = holder(lease)
  if current ~= worker then
    return answer('holder', 'lease "' .. lease.leaseKey .. '" is held by ' .. quoted(current) .. ', not "' .. worker .. '"', key)
  end
  return stale(lease, expected, key)
end
local function notLeader(leaderKey, worker, token, lease, key)
  local lock = read(leaderKey) or {}
  if lock.leader == worker and tonumber(lock.token) == tonumber(token) then return nil end
  local seen = 'free'
  if lock.leader then seen = '"' .. lock.leader .. '" with token ' .. lock.token end
  return answer('leader', '"' .. worker .. '" with token ' .. token .. ' is not the leader (the lock says ' .. seen .. '); its write to "' .. lease.leaseKey .. '" is refused', key)
end
-- Moves a record's counter and copies it into the job's index of counters (read by counters()).
local function bump(key, field, index, name)
  local counter = redis.call('HINCRBY', key, field, 1)
  redis.call('HSET', index, name, counter)
  return counter
end
local function setCheckpoint(key, checkpoint, subSequence)
  redis.call('HSET', key, 'checkpoint', checkpoint, 'ownerSwitchesSinceCheckpoint', 0)
  if subSequence == '' then redis.call('HDEL', key, 'checkpointSubSequenceNumber')
  else redis.call('HSET', key, 'checkpointSubSequenceNumber', subSequence) end
end
`;

const script = (body: string): string => PRELUDE + body;

/** KEYS lease, index, revision, lease counters. ARGV leaseKey, parents JSON, key groups JSON, has checkpoint, checkpoint, sub-sequence. */
export const CREATE_LEASE = script(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  return answer('exists', 'lease "' .. ARGV[1] .. '" already exists', KEYS[1])
end
redis.call('HSET', KEYS[1], 'leaseKey', ARGV[1], 'leaseCounter', 0, 'ownerSwitchesSinceCheckpoint', 0,
  'parentShardIds', ARGV[2], 'keyGroups', ARGV[3])
if ARGV[4] == '1' then setCheckpoint(KEYS[1], ARGV[5], ARGV[6]) end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[1], 0)
redis.call('INCR', KEYS[3])
return answer('ok', '', KEYS[1])
`);

/** KEYS lease, worker record, revision, lease counters. ARGV leaseKey, worker, incarnation, expected counter. */
export const TAKE_LEASE = script(`
local lease = read(KEYS[1])
if not lease then return missing(ARGV[1]) end
local record = read(KEYS[2])
if not record or record.left == '1' or tonumber(record.incarnation) ~= tonumber(ARGV[3]) then
  local seen = 'no record'
  if record then
    seen = 'incarnation ' .. record.incarnation
    if record.left == '1' then seen = seen .. ' (left)' end
  end
  return answer('worker', 'worker "' .. ARGV[2] .. '" incarnation ' .. ARGV[3] .. ' may not take "' .. ARGV[1] .. '": its record has ' .. seen, KEYS[1])
end
local refusal = stale(lease, ARGV[4], KEYS[1])
if refusal then return refusal end
if lease.checkpointOwner and lease.checkpointOwner ~= ARGV[2] then
  return answer('holder', 'lease "' .. ARGV[1] .. '" is being handed from "' .. lease.checkpointOwner .. '" to ' .. quoted(lease.leaseOwner) .. '; it can be taken once released', KEYS[1])
end
local previous = holder(lease)
if lease.checkpointOwner ~= ARGV[2] then redis.call('HSET', KEYS[1], 'leaseOwner', ARGV[2]) end
bump(KEYS[1], 'leaseCounter', KEYS[4], ARGV[1])
if previous and previous ~= ARGV[2] then redis.call('HINCRBY', KEYS[1], 'ownerSwitchesSinceCheckpoint', 1) end
redis.call('INCR', KEYS[3])
return answer('ok', '', KEYS[1])
`);

/** KEYS lease, lease counters. ARGV leaseKey, worker, expected counter, throughput (or ''). */
export const RENEW_LEASE = script(`
local lease = read(KEYS[1])
if not lease then return missing(ARGV[1]) end
local refusal = notHeld(lease, ARGV[2], ARGV[3], KEYS[1])
if refusal then return refusal end
bump(KEYS[1], 'leaseCounter', KEYS[2], ARGV[1])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'throughput', ARGV[4]) end
return answer('ok', '', KEYS[1])
`);

/** KEYS lease. ARGV leaseKey, worker, expected counter, checkpoint, sub-sequence (or ''). */
export const CHECKPOINT_LEASE = script(`
local lease = read(KEYS[1])
if not lease then return missing(ARGV[1]) end
local refusal = notHeld(lease, ARGV[2], ARGV[3], KEYS[1])
if refusal then return refusal end
setCheckpoint(KEYS[1], ARGV[4], ARGV[5])
return answer('ok', '', KEYS[1])
`);

/** KEYS lease, revision, lease counters. ARGV leaseKey, worker, expected counter, has checkpoint, checkpoint, sub-sequence. */
export const RELEASE_LEASE = script(`
local lease = read(KEYS[1])
if not lease then return missing(ARGV[1]) end
local refusal = notHeld(lease, ARGV[2], ARGV[3], KEYS[1])
if refusal then return refusal end
if ARGV[4] == '1' then setCheckpoint(KEYS[1], ARGV[5], ARGV[6]) end
if lease.checkpointOwner then
  -- A handoff is pending: the lease passes to its target, who takes it next.
  redis.call('HDEL', KEYS[1], 'checkpointOwner')
  if lease.leaseOwner ~= ARGV[2] then redis.call('HINCRBY', KEYS[1], 'ownerSwitchesSinceCheckpoint', 1) end
else
  redis.call('HDEL', KEYS[1], 'leaseOwner')
end
bump(KEYS[1], 'leaseCounter', KEYS[3], ARGV[1])
redis.call('INCR', KEYS[2])
return answer('ok', '', KEYS[1])
`);

/** KEYS lease, leader, revision, lease counters. ARGV leaseKey, leader, token, expected counter, has target, target. */
export const ASSIGN_LEASE = script(`
local lease = read(KEYS[1])
if not lease then return missing(ARGV[1]) end
local refusal = notLeader(KEYS[2], ARGV[2], ARGV[3], lease, KEYS[1]) or stale(lease, ARGV[4], KEYS[1])
if refusal then return refusal end
local previous = holder(lease)
if ARGV[5] == '1' then
  redis.call('HSET', KEYS[1], 'leaseOwner', ARGV[6])
  if previous and previous ~= ARGV[6] then redis.call('HINCRBY', KEYS[1], 'ownerSwitchesSinceCheckpoint', 1) end
else
  redis.call('HDEL', KEYS[1], 'leaseOwner')
end
redis.call('HDEL', KEYS[1], 'checkpointOwner')
bump(KEYS[1], 'leaseCounter', KEYS[4], ARGV[1])
redis.call('INCR', KEYS[3])
return answer('ok', '', KEYS[1])
`);

/** KEYS lease, leader, revision. ARGV leaseKey, leader, token, expected counter, target. */
export const START_HANDOFF = script(`
local lease = read(KEYS[1])
if not lease then return missing(ARGV[1]) end
local refusal = notLeader(KEYS[2], ARGV[2], ARGV[3], lease, KEYS[1]) or stale(lease, ARGV[4], KEYS[1])
if refusal then return refusal end
if lease.checkpointOwner then
  return answer('holder', 'lease "' .. ARGV[1] .. '" is already being handed from "' .. lease.checkpointOwner .. '" to ' .. quoted(lease.leaseOwner), KEYS[1])
end
if not lease.leaseOwner or lease.leaseOwner == ARGV[5] then
  local why = 'nobody holds it'
  if lease.leaseOwner then why = '"' .. ARGV[5] .. '" holds it already' end
  return answer('holder', 'lease "' .. ARGV[1] .. '" cannot be handed to "' .. ARGV[5] .. '": ' .. why, KEYS[1])
end
redis.call('HSET', KEYS[1], 'checkpointOwner', lease.leaseOwner, 'leaseOwner', ARGV[5])
redis.call('INCR', KEYS[3])
return answer('ok', '', KEYS[1])
`);

/**
 * KEYS key-group pointers, then the n leases, then the worker record and the committables hash,
 * then the savepoint request and its three staging hashes (leases, key groups, committables).
 * ARGV worker, n, then five per lease (leaseKey, counter, has checkpoint, checkpoint,
 * sub-sequence), m, then two per key group (group, state JSON), then the incarnation to fence on
 * ('' for none), the committables JSON ('' for none) and the savepoint request id ('' for none).
 * Answers {code, message}.
 */
export const PUBLISH = script(`
local worker = ARGV[1]
local n = tonumber(ARGV[2])
local failures, first = {}, nil
local leases, names = {}, {}
for i = 1, n do
  local a = 2 + (i - 1) * 5
  local leaseKey = ARGV[a + 1]
  names[i] = '"' .. leaseKey .. '"'
  local lease = read(KEYS[1 + i])
  local code, message = nil, nil
  if not lease then
    code, message = 'missing', 'there is no lease "' .. leaseKey .. '"'
  elseif holder(lease) ~= worker then
    code, message = 'holder', 'lease "' .. leaseKey .. '" is held by ' .. quoted(holder(lease)) .. ', not "' .. worker .. '"'
  elseif tonumber(lease.leaseCounter) ~= tonumber(ARGV[a + 2]) then
    code, message = 'counter', 'lease "' .. leaseKey .. '" has counter ' .. lease.leaseCounter .. ', not ' .. ARGV[a + 2] .. ': it was written since'
  end
  if code then
    first = first or code
    table.insert(failures, message)
  end
  leases[i] = lease
end
local groupsFrom = 3 + n * 5
local m = tonumber(ARGV[groupsFrom])
local carriers = {}
for j = 1, m do
  local group = tonumber(ARGV[groupsFrom + (j - 1) * 2 + 1])
  for i = 1, n do
    if carriers[j] == nil and leases[i] then
      for _, carried in ipairs(cjson.decode(leases[i].keyGroups)) do
        if carried == group then carriers[j] = i end
      end
    end
  end
  if carriers[j] == nil then
    local published = table.concat(names, ', ')
    if published == '' then published = 'none' end
    first = first or 'key-group'
    table.insert(failures, 'key group ' .. group .. ' is carried by none of the published leases (' .. published .. ')')
  end
end
local incarnation, committables = ARGV[groupsFrom + m * 2 + 1], ARGV[groupsFrom + m * 2 + 2]
if incarnation ~= '' then
  local record = read(KEYS[2 + n])
  if not record or record.left == '1' or tonumber(record.incarnation) ~= tonumber(incarnation) then
    local seen = 'no record'
    if record then seen = 'incarnation ' .. record.incarnation end
    if record and record.left == '1' then seen = seen .. ', left' end
    first = first or 'worker'
    table.insert(failures, 'worker "' .. worker .. '" incarnation ' .. incarnation .. ' is superseded (its record has ' .. seen .. ')')
  end
end
if #failures > 0 then return {first, table.concat(failures, '; ')} end
if committables ~= '' then
  redis.call('HSET', KEYS[3 + n], worker, '{"incarnation":' .. incarnation .. ',"state":' .. committables .. '}')
end
for i = 1, n do
  local a = 2 + (i - 1) * 5
  if ARGV[a + 3] == '1' then setCheckpoint(KEYS[1 + i], ARGV[a + 4], ARGV[a + 5]) end
end
for j = 1, m do
  local b = groupsFrom + (j - 1) * 2
  local carrier = leases[carriers[j]]
  -- The state goes in as the JSON the client wrote: decoding and encoding it here could change it.
  redis.call('HSET', KEYS[1], ARGV[b + 1], '{"leaseKey":' .. cjson.encode(carrier.leaseKey) .. ',"epoch":' .. carrier.leaseCounter .. ',"state":' .. ARGV[b + 2] .. '}')
end
-- A publish tagged with the pending savepoint request stages what it wrote, as it wrote it.
local savepoint = ARGV[groupsFrom + m * 2 + 3]
if savepoint ~= nil and savepoint ~= '' then
  local request = read(KEYS[4 + n])
  if request and request.state == 'pending' and tonumber(request.id) == tonumber(savepoint) then
    for i = 1, n do
      local lease = read(KEYS[1 + i])
      redis.call('HSET', KEYS[5 + n], lease.leaseKey, cjson.encode({checkpoint = lease.checkpoint, sub = lease.checkpointSubSequenceNumber}))
    end
    for j = 1, m do
      local group = ARGV[groupsFrom + (j - 1) * 2 + 1]
      redis.call('HSET', KEYS[6 + n], group, redis.call('HGET', KEYS[1], group))
    end
    if committables ~= '' then
      redis.call('HSET', KEYS[7 + n], worker, redis.call('HGET', KEYS[3 + n], worker))
    end
  end
end
return {'ok', ''}
`);

/** KEYS worker record, workers, worker counters, revision. ARGV worker, expected counter. */
export const CLAIM_WORKER = script(`
local record = read(KEYS[1])
local counter = 0
if record then counter = tonumber(record.counter) end
if counter ~= tonumber(ARGV[2]) then
  return answer('counter', 'worker "' .. ARGV[1] .. '" has counter ' .. counter .. ', not ' .. ARGV[2] .. ': another process claimed it', KEYS[1])
end
counter = counter + 1
redis.call('HSET', KEYS[1], 'workerId', ARGV[1], 'counter', counter, 'incarnation', counter, 'left', 0)
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], counter)
redis.call('INCR', KEYS[4])
return answer('ok', '', KEYS[1])
`);

const WORKER_FENCE = `
local record = read(KEYS[1])
if not record then return {'missing', 'there is no worker record "' .. ARGV[1] .. '"', {}} end
if record.left == '1' or tonumber(record.incarnation) ~= tonumber(ARGV[2]) then
  local left = ''
  if record.left == '1' then left = ' and has left' end
  return answer('worker', 'worker "' .. ARGV[1] .. '" incarnation ' .. ARGV[2] .. ' is superseded: its record has incarnation ' .. record.incarnation .. left, KEYS[1])
end
`;

/** KEYS worker record, worker counters. ARGV worker, incarnation, expected counter. */
export const HEARTBEAT = script(`${WORKER_FENCE}
if tonumber(record.counter) ~= tonumber(ARGV[3]) then
  return answer('counter', 'worker "' .. ARGV[1] .. '" has counter ' .. record.counter .. ', not ' .. ARGV[3], KEYS[1])
end
bump(KEYS[1], 'counter', KEYS[2], ARGV[1])
return answer('ok', '', KEYS[1])
`);

/** KEYS worker record, worker counters, revision. ARGV worker, incarnation. */
export const LEAVE_WORKER = script(`${WORKER_FENCE}
bump(KEYS[1], 'counter', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], 'left', 1)
redis.call('INCR', KEYS[3])
return answer('ok', '', KEYS[1])
`);

const LOCK_COUNTER = `
local lock = read(KEYS[1]) or {}
local counter = tonumber(lock.leaseCounter or '0')
local function staleLock(expected)
  if counter == tonumber(expected) then return nil end
  return answer('counter', 'the leader lock has counter ' .. counter .. ', not ' .. expected, KEYS[1])
end
local function notLockHolder(worker, token)
  if lock.leader == worker and tonumber(lock.token) == tonumber(token) then return nil end
  local seen = 'free'
  if lock.leader then seen = '"' .. lock.leader .. '" with token ' .. lock.token end
  return answer('leader', '"' .. worker .. '" with token ' .. token .. ' does not hold the leader lock (' .. seen .. ')', KEYS[1])
end
`;

/** KEYS leader, leader token. ARGV worker, expected counter. */
export const ACQUIRE_LEADERSHIP = script(`${LOCK_COUNTER}
local refusal = staleLock(ARGV[2])
if refusal then return refusal end
local token = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], 'leader', ARGV[1], 'leaseCounter', counter + 1, 'token', token)
return answer('ok', '', KEYS[1])
`);

/** KEYS leader. ARGV worker, token, expected counter. */
export const RENEW_LEADERSHIP = script(`${LOCK_COUNTER}
local refusal = notLockHolder(ARGV[1], ARGV[2]) or staleLock(ARGV[3])
if refusal then return refusal end
redis.call('HINCRBY', KEYS[1], 'leaseCounter', 1)
return answer('ok', '', KEYS[1])
`);

/** KEYS leader. ARGV worker, token. */
export const RESIGN_LEADERSHIP = script(`${LOCK_COUNTER}
local refusal = notLockHolder(ARGV[1], ARGV[2])
if refusal then return refusal end
redis.call('HDEL', KEYS[1], 'leader')
redis.call('HINCRBY', KEYS[1], 'leaseCounter', 1)
return answer('ok', '', KEYS[1])
`);
