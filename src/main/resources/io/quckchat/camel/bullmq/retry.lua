--[[
  QuckChat bullmq component: moves a failed job back to waiting, as BullMQ's job.retry('failed').

  KEYS  1 job hash   2 failed   3 wait   4 paused   5 meta   6 active   7 marker   8 prioritized
        9 pc   10 events
  ARGV  1 job id   2 "1" = also reset attemptsMade and attemptsStarted
  Returns 1 when moved, -1 when the job does not exist, -3 when it is not in failed.
]]
local call = redis.call
local jobKey, metaKey, jobId = KEYS[1], KEYS[5], ARGV[1]

if call('EXISTS', jobKey) == 0 then
  return -1
end
if call('ZREM', KEYS[2], jobId) == 0 then
  return -3
end

if ARGV[2] == '1' then
  call('HDEL', jobKey, 'finishedOn', 'processedOn', 'failedReason', 'atm', 'ats')
else
  call('HDEL', jobKey, 'finishedOn', 'processedOn', 'failedReason')
end

local meta = call('HMGET', metaKey, 'paused', 'concurrency', 'version', 'opts.maxLenEvents')
local blocked = false
if meta[1] then
  blocked = true
elseif meta[2] then
  blocked = call('LLEN', KEYS[6]) >= tonumber(meta[2])
end

local fields = call('HMGET', jobKey, 'priority', 'opts')
local priority = tonumber(fields[1]) or 0
if priority > 0 then
  local seq = call('INCR', KEYS[9])
  call('ZADD', KEYS[8], priority * 4294967296 + seq % 4294967296, jobId)
else
  -- Same paused-list rule as add.lua: only a BullMQ 6+ queue keeps paused jobs in wait.
  local target = KEYS[3]
  if meta[1] then
    local major = meta[3] and tonumber(string.match(meta[3], '^bullmq:(%d+)%.'))
    if not major or major < 6 then
      target = KEYS[4]
    end
  end
  local lifo = false
  if fields[2] then
    local ok, opts = pcall(cjson.decode, fields[2])
    lifo = ok and type(opts) == 'table' and opts['lifo'] == true
  end
  if lifo then
    call('RPUSH', target, jobId)
  else
    call('LPUSH', target, jobId)
  end
end

if not blocked then
  call('ZADD', KEYS[7], 0, '0')
end

local maxEvents = meta[4]
if not maxEvents then
  maxEvents = '10000'
  call('HSET', metaKey, 'opts.maxLenEvents', maxEvents)
end
call('XADD', KEYS[10], 'MAXLEN', '~', maxEvents, '*', 'event', 'waiting', 'jobId', jobId, 'prev', 'failed')
return 1
