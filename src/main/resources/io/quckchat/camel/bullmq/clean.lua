--[[
  QuckChat bullmq component: removes the jobs of a finished state (completed or failed) that
  finished before a cut-off, oldest first, at most a limit, as BullMQ's Queue.clean(grace, limit,
  state): each job's hash, its logs and flow bookkeeping keys, its deduplication key while that
  still names it, and its entry in the state's sorted set (score = finishedOn). Emits `cleaned`
  with the count, also when it is 0, as BullMQ does.

  KEYS  1 the state's sorted set   2 meta   3 events
  ARGV  1 key prefix of the queue ("<prefix>:<queue>:")   2 cut-off ms (finished strictly before)
        3 limit (> 0)
  Returns the removed ids.
]]
local call = redis.call
local setKey, metaKey, base = KEYS[1], KEYS[2], ARGV[1]

local ids = call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  local jobKey = base .. id
  local deid = call('HGET', jobKey, 'deid')
  if deid then
    local dedupKey = base .. 'de:' .. deid
    if call('GET', dedupKey) == id then
      call('DEL', dedupKey)
    end
  end
  call('DEL', jobKey, jobKey .. ':logs', jobKey .. ':lock', jobKey .. ':dependencies',
    jobKey .. ':processed', jobKey .. ':failed', jobKey .. ':unsuccessful')
  call('ZREM', setKey, id)
end

local maxEvents = call('HGET', metaKey, 'opts.maxLenEvents')
if not maxEvents then
  maxEvents = '10000'
  call('HSET', metaKey, 'opts.maxLenEvents', maxEvents)
end
call('XADD', KEYS[3], 'MAXLEN', '~', maxEvents, '*', 'event', 'cleaned', 'count', #ids)
return ids
