--[[
  QuckChat bullmq component: one job's hash and its state, in one snapshot. The state is looked up
  in BullMQ's order: completed, failed, delayed, prioritized, active, waiting, paused,
  waiting-children.

  KEYS  1 job hash   2 completed   3 failed   4 delayed   5 prioritized   6 active   7 wait
        8 paused   9 waiting-children
  ARGV  1 job id
  Returns {} when the job does not exist, else {state, {field, value, ...}}.
]]
local call = redis.call
local hash = call('HGETALL', KEYS[1])
if #hash == 0 then
  return {}
end
local id = ARGV[1]
local state = 'unknown'
if call('ZSCORE', KEYS[2], id) then
  state = 'completed'
elseif call('ZSCORE', KEYS[3], id) then
  state = 'failed'
elseif call('ZSCORE', KEYS[4], id) then
  state = 'delayed'
elseif call('ZSCORE', KEYS[5], id) then
  state = 'prioritized'
elseif call('LPOS', KEYS[6], id) then
  state = 'active'
elseif call('LPOS', KEYS[7], id) then
  state = 'waiting'
elseif call('LPOS', KEYS[8], id) then
  state = 'paused'
elseif call('ZSCORE', KEYS[9], id) then
  state = 'waiting-children'
end
return {state, hash}
