--[[
  QuckChat bullmq component: adds one job to a BullMQ queue, atomically, leaving Redis exactly as
  BullMQ 5.x / 6.x Queue.add leaves it (see docs/bullmq-component.md, "Wire facts").

  KEYS  1 wait   2 paused   3 meta   4 id   5 prioritized   6 pc   7 delayed   8 marker
        9 events   10 active
  ARGV  1 job key prefix "<prefix>:<queue>:"   2 custom job id, or ""   3 name   4 data (JSON)
        5 opts (JSON)   6 timestamp (ms)   7 delay (ms)   8 priority   9 "1" = lifo
        10 due time (ms) = timestamp + delay, as text
  Returns the job id; for a custom id that exists already, that id (nothing else changes).
  Errors starting with BULLMQ mean the job is refused for good.
]]
local call = redis.call
local metaKey, eventsKey = KEYS[3], KEYS[9]

-- One read of everything the script needs from meta.
local meta = call('HMGET', metaKey, 'version', 'opts.maxLenEvents', 'paused', 'concurrency')
local version = meta[1]
if version and string.find(version, '^bullmq:[1-4]%.') then
  return redis.error_reply('BULLMQ queue ' .. metaKey .. ' is used by ' .. version
    .. ', which waits for jobs without the marker key; BullMQ 5 or newer is required')
end

-- The counter moves on every add, custom id or not, as with BullMQ.
local counter = call('INCR', KEYS[4])

local maxEvents = meta[2]
if not maxEvents then
  maxEvents = '10000'
  call('HSET', metaKey, 'opts.maxLenEvents', maxEvents)
end

local customId = ARGV[2]
local jobId = customId
if jobId == '' then
  jobId = string.format('%d', counter)
end
local jobKey = ARGV[1] .. jobId

if customId ~= '' and call('EXISTS', jobKey) == 1 then
  call('XADD', eventsKey, 'MAXLEN', '~', maxEvents, '*', 'event', 'duplicated', 'jobId', jobId)
  return jobId
end

local name = ARGV[3]
local delay = tonumber(ARGV[7])
local priority = tonumber(ARGV[8])

-- The hash exists before the id is visible anywhere a worker looks.
call('HSET', jobKey, 'name', name, 'data', ARGV[4], 'opts', ARGV[5], 'timestamp', ARGV[6],
  'delay', ARGV[7], 'priority', ARGV[8])
call('XADD', eventsKey, '*', 'event', 'added', 'jobId', jobId, 'name', name)

if delay > 0 then
  -- Score = due * 4096 + a sequence among jobs due in the same millisecond.
  local due = tonumber(ARGV[10])
  local score = due * 4096
  local lastOfMs = (due + 1) * 4096 - 1
  local sameMs = call('ZREVRANGEBYSCORE', KEYS[7], lastOfMs, score, 'WITHSCORES', 'LIMIT', 0, 1)
  if #sameMs > 0 then
    score = math.min(tonumber(sameMs[2]) + 1, lastOfMs)
  end
  call('ZADD', KEYS[7], score, jobId)
  call('XADD', eventsKey, 'MAXLEN', '~', maxEvents, '*', 'event', 'delayed', 'jobId', jobId, 'delay', ARGV[10])
  -- Wake the workers when the earliest delayed job is due.
  local first = call('ZRANGE', KEYS[7], 0, 0, 'WITHSCORES')
  call('ZADD', KEYS[8], tonumber(first[2]) / 4096, '1')
  return jobId
end

-- Paused, or as many jobs active as the queue's global concurrency: no wake-up marker.
local paused, concurrency = meta[3], meta[4]
local blocked = false
if paused then
  blocked = true
elseif concurrency then
  blocked = call('LLEN', KEYS[10]) >= tonumber(concurrency)
end

if priority > 0 then
  local seq = call('INCR', KEYS[6])
  call('ZADD', KEYS[5], priority * 4294967296 + seq % 4294967296, jobId)
else
  -- BullMQ 5 keeps a paused queue's jobs in the paused list and RENAMEs it over wait on resume:
  -- a job pushed to wait meanwhile would be lost. BullMQ 6 keeps them in wait and merges any
  -- left in paused on resume. So wait only for a queue whose version says 6 or newer.
  local target = KEYS[1]
  if paused then
    local major = version and tonumber(string.match(version, '^bullmq:(%d+)%.'))
    if not major or major < 6 then
      target = KEYS[2]
    end
  end
  if ARGV[9] == '1' then
    call('RPUSH', target, jobId)
  else
    call('LPUSH', target, jobId)
  end
end

if not blocked then
  call('ZADD', KEYS[8], 0, '0')
end
call('XADD', eventsKey, 'MAXLEN', '~', maxEvents, '*', 'event', 'waiting', 'jobId', jobId)
return jobId
