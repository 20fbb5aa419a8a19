--[[
  QuckChat bullmq component: moves a delayed job to run now, as BullMQ's job.promote(): out of
  delayed, into prioritized by its priority field, else LPUSHed to wait (to the paused list of a
  paused queue whose version is not BullMQ 6+, the rule of add.lua). The delay field becomes 0,
  the workers are woken (marker "0") unless the queue is paused or as many jobs are active as its
  global concurrency, and `waiting` is emitted with prev `delayed`.

  KEYS  1 job hash   2 delayed   3 wait   4 paused   5 meta   6 active   7 marker   8 prioritized
        9 pc   10 events   11 completed   12 failed   13 waiting-children
  ARGV  1 job id
  Returns {1, new state} when promoted (waiting, paused or prioritized), {-1} when the job does not
  exist, {-3, state} when it is not delayed (its state as job.lua names it).
]]
local call = redis.call
local jobKey, metaKey, jobId = KEYS[1], KEYS[5], ARGV[1]

if call('EXISTS', jobKey) == 0 then
  return {-1}
end
if call('ZREM', KEYS[2], jobId) == 0 then
  local state = 'unknown'
  if call('ZSCORE', KEYS[11], jobId) then
    state = 'completed'
  elseif call('ZSCORE', KEYS[12], jobId) then
    state = 'failed'
  elseif call('ZSCORE', KEYS[8], jobId) then
    state = 'prioritized'
  elseif call('LPOS', KEYS[6], jobId) then
    state = 'active'
  elseif call('LPOS', KEYS[3], jobId) then
    state = 'waiting'
  elseif call('LPOS', KEYS[4], jobId) then
    state = 'paused'
  elseif call('ZSCORE', KEYS[13], jobId) then
    state = 'waiting-children'
  end
  return {-3, state}
end

local meta = call('HMGET', metaKey, 'paused', 'concurrency', 'version', 'opts.maxLenEvents')
local blocked = false
if meta[1] then
  blocked = true
elseif meta[2] then
  blocked = call('LLEN', KEYS[6]) >= tonumber(meta[2])
end

local priority = tonumber(call('HGET', jobKey, 'priority')) or 0
local state = 'prioritized'
if priority > 0 then
  local seq = call('INCR', KEYS[9])
  call('ZADD', KEYS[8], priority * 4294967296 + seq % 4294967296, jobId)
else
  local target = KEYS[3]
  if meta[1] then
    local major = meta[3] and tonumber(string.match(meta[3], '^bullmq:(%d+)%.'))
    if not major or major < 6 then
      target = KEYS[4]
    end
  end
  state = target == KEYS[4] and 'paused' or 'waiting'
  call('LPUSH', target, jobId)
end
call('HSET', jobKey, 'delay', 0)

if not blocked then
  call('ZADD', KEYS[7], 0, '0')
end

local maxEvents = meta[4]
if not maxEvents then
  maxEvents = '10000'
  call('HSET', metaKey, 'opts.maxLenEvents', maxEvents)
end
call('XADD', KEYS[10], 'MAXLEN', '~', maxEvents, '*', 'event', 'waiting', 'jobId', jobId, 'prev', 'delayed')
return {1, state}
