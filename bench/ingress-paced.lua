-- wrk script of bench/run.sh --ingress-rate: single POST /api/v1/events/user.online at a paced rate,
-- RATE requests/s over all CONNECTIONS (each connection waits CONNECTIONS*1000/RATE ms between
-- requests, so the rate is a little under RATE). Prints one RESULT line when done.
local counter = 0
local token = os.getenv("INGRESS_TOKEN")
local pause = tonumber(os.getenv("CONNECTIONS")) * 1000 / tonumber(os.getenv("RATE"))

function init(args)
  counter = math.random(1, 1000000000)
end

function delay()
  return pause
end

request = function()
  counter = counter + 1
  local body = string.format('{"userId":"u-%d","online":true,"lastSeen":"2026-12-02T10:00:00Z"}', counter % 1000)
  return wrk.format("POST", "/api/v1/events/user.online", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local refused = summary.errors.status
  local failed = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.3f %d %d %d %.3f %.3f %.3f %.3f\n",
    seconds, summary.requests, refused, failed,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
