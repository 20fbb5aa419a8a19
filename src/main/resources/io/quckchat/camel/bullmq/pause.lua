--[[
  QuckChat bullmq component: pauses a queue, leaving Redis as BullMQ's Queue.pause() does, for
  BullMQ 5 and 6 workers alike.

  Every worker (5.x and 6.x) stops taking jobs once meta.paused is set, so that is the pause. Where
  the waiting jobs sit while paused is the difference between the majors: BullMQ 5 keeps them in
  the paused list and RENAMEs that list over wait on resume, so a job left in wait would be
  overwritten (lost) by a BullMQ 5 resume. So the wait list moves into the paused list unless the
  queue's version says BullMQ 6 or newer (6 keeps them in wait and merges any paused list on
  resume). This is the same rule as add.lua's.

  KEYS  1 meta   2 wait   3 paused   4 marker   5 events
  Returns 1 when the queue was running, 0 when it was already paused (paused again, as BullMQ does).
]]
local call = redis.call
local metaKey, waitKey, pausedKey = KEYS[1], KEYS[2], KEYS[3]

local meta = call('HMGET', metaKey, 'paused', 'version', 'opts.maxLenEvents')
local major = meta[2] and tonumber(string.match(meta[2], '^bullmq:(%d+)%.'))
if not major or major < 6 then
  if call('EXISTS', waitKey) == 1 then
    if call('EXISTS', pausedKey) == 0 then
      call('RENAME', waitKey, pausedKey)
    else
      -- Already a paused list (e.g. paused twice): append wait's jobs behind it, oldest first,
      -- so the paused jobs still run first and nothing is overwritten.
      while call('RPOPLPUSH', waitKey, pausedKey) do
      end
    end
  end
end

call('HSET', metaKey, 'paused', 1)
call('DEL', KEYS[4])

local maxEvents = meta[3]
if not maxEvents then
  maxEvents = '10000'
  call('HSET', metaKey, 'opts.maxLenEvents', maxEvents)
end
call('XADD', KEYS[5], 'MAXLEN', '~', maxEvents, '*', 'event', 'paused')
if meta[1] then
  return 0
end
return 1
