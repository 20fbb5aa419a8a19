--[[
  QuckChat bullmq component: resumes a paused queue, leaving Redis as BullMQ's Queue.resume() does,
  for BullMQ 5 and 6 workers alike.

  Any paused list (BullMQ 5's, or one add.lua / pause.lua filled) is merged into wait without
  overwriting what wait holds: renamed when wait is empty, else its jobs go to the end of wait that
  runs next, in their order (they were waiting before anything added to wait meanwhile). Then the
  workers are woken: marker "0" when a job is ready (wait or prioritized), else marker "1" at the
  earliest delayed job's due time.

  KEYS  1 meta   2 wait   3 paused   4 marker   5 events   6 prioritized   7 delayed
  Returns 1 when the queue was paused, 0 when it was running (resumed again, as BullMQ does).
]]
local call = redis.call
local metaKey, waitKey, pausedKey = KEYS[1], KEYS[2], KEYS[3]

local meta = call('HMGET', metaKey, 'paused', 'opts.maxLenEvents')
call('HDEL', metaKey, 'paused')

if call('EXISTS', pausedKey) == 1 then
  if call('EXISTS', waitKey) == 0 then
    call('RENAME', pausedKey, waitKey)
  else
    -- paused index 0 is its newest job; RPUSHing from there on leaves its next job at the right end.
    local chunk = 5000
    local length = call('LLEN', pausedKey)
    for start = 0, length - 1, chunk do
      call('RPUSH', waitKey, unpack(call('LRANGE', pausedKey, start, start + chunk - 1)))
    end
    call('DEL', pausedKey)
  end
end

if call('LLEN', waitKey) > 0 or call('ZCARD', KEYS[6]) > 0 then
  call('ZADD', KEYS[4], 0, '0')
else
  local first = call('ZRANGE', KEYS[7], 0, 0, 'WITHSCORES')
  if #first > 0 then
    call('ZADD', KEYS[4], tonumber(first[2]) / 4096, '1')
  end
end

local maxEvents = meta[2]
if not maxEvents then
  maxEvents = '10000'
  call('HSET', metaKey, 'opts.maxLenEvents', maxEvents)
end
call('XADD', KEYS[5], 'MAXLEN', '~', maxEvents, '*', 'event', 'resumed')
if meta[1] then
  return 1
end
return 0
