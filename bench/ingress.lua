-- wrk script of the ingress benchmarks (bench/ingress.sh, bench/run.sh --ingress-rate): user.online
-- events, each its own user (record key) out of 1,000, with the bearer token INGRESS_TOKEN.
--   BATCH=1 (default): single POST /api/v1/events/user.online
--   BATCH=N:           POST /api/v1/events with a batch of N events
--   RATE and CONNECTIONS: paced, RATE requests/s over all CONNECTIONS (each connection waits
--                      CONNECTIONS*1000/RATE ms between requests, so a little under RATE)
-- Prints one RESULT line when done (Wrk.java reads it).
local counter = 0
local token = os.getenv("INGRESS_TOKEN")
local size = tonumber(os.getenv("BATCH") or "1")
local rate = tonumber(os.getenv("RATE") or "0")
local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }

function init(args)
  counter = math.random(1, 1000000000)
end

if rate > 0 then
  local pause = tonumber(os.getenv("CONNECTIONS")) * 1000 / rate
  function delay()
    return pause
  end
end

local function event()
  counter = counter + 1
  return string.format('{"userId":"u-%d","online":true,"lastSeen":"2026-12-02T10:00:00Z"}', counter % 1000)
end

request = function()
  if size == 1 then
    return wrk.format("POST", "/api/v1/events/user.online", headers, event())
  end
  local items = {}
  for i = 1, size do
    items[i] = '{"topic":"user.online","payload":' .. event() .. '}'
  end
  return wrk.format("POST", "/api/v1/events", headers, "[" .. table.concat(items, ",") .. "]")
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local refused = summary.errors.status
  local failed = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.3f %d %d %d %.3f %.3f %.3f %.3f\n",
    seconds, summary.requests, refused, failed,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
