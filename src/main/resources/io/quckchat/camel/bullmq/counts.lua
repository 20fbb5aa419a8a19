--[[
  QuckChat bullmq component: job counts of one queue, as one consistent snapshot.

  KEYS  1 wait   2 active   3 delayed   4 prioritized   5 completed   6 failed   7 paused
        8 waiting-children   9 meta
  Returns the eight counts in KEYS order, then 1 if the queue is paused else 0.
]]
local call = redis.call
return {
  call('LLEN', KEYS[1]),
  call('LLEN', KEYS[2]),
  call('ZCARD', KEYS[3]),
  call('ZCARD', KEYS[4]),
  call('ZCARD', KEYS[5]),
  call('ZCARD', KEYS[6]),
  call('LLEN', KEYS[7]),
  call('ZCARD', KEYS[8]),
  call('HEXISTS', KEYS[9], 'paused')
}
