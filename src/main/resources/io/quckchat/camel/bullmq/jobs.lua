--[[
  QuckChat bullmq component: one page of a state's jobs, with their hashes, in one snapshot.
  Order as BullMQ's getJobs by default: lists from index 0 (the newest job; the next to run is at
  the tail), sorted sets from the highest score (for completed/failed the latest finished).

  KEYS  1 the state's list or sorted set
  ARGV  1 job key prefix "<prefix>:<queue>:"   2 "list" or "zset"   3 start   4 end (inclusive)
  Returns a flat array: id, {field, value, ...}, id, {...}, ... Ids whose hash is gone, and old
  "0:" marker entries, are left out.
]]
local call = redis.call
local ids
if ARGV[2] == 'list' then
  ids = call('LRANGE', KEYS[1], ARGV[3], ARGV[4])
else
  ids = call('ZREVRANGE', KEYS[1], ARGV[3], ARGV[4])
end
local result = {}
for _, id in ipairs(ids) do
  if string.sub(id, 1, 2) ~= '0:' then
    local hash = call('HGETALL', ARGV[1] .. id)
    if #hash > 0 then
      result[#result + 1] = id
      result[#result + 1] = hash
    end
  end
end
return result
