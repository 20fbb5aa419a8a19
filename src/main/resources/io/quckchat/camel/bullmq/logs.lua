--[[
  QuckChat bullmq component: a range of a job's log lines and their count, as BullMQ's
  Queue.getJobLogs(id, start, end, asc): ascending ranges count from the first line, descending
  ones from the last (newest first).

  KEYS  1 job hash   2 the job's logs list
  ARGV  1 start   2 end (inclusive, -1 = to the end)   3 "1" ascending, "0" descending
  Returns {job exists (1/0), count, {line, ...}}.
]]
local call = redis.call
local start, stop = tonumber(ARGV[1]), tonumber(ARGV[2])
local count = call('LLEN', KEYS[2])
local lines
if ARGV[3] == '1' then
  lines = call('LRANGE', KEYS[2], start, stop)
else
  local from = 0
  if stop >= 0 then
    from = -(stop + 1)
  end
  local newest = call('LRANGE', KEYS[2], from, -(start + 1))
  lines = {}
  for i = #newest, 1, -1 do
    lines[#lines + 1] = newest[i]
  end
end
return {call('EXISTS', KEYS[1]), count, lines}
