-- wrk script for bench/ingress.sh: single POST /api/v1/events/message.sent, each with its own
-- messageId, spread over 64 conversations (record keys). Prints one table row when done.
local counter = 0
local token = os.getenv("INGRESS_TOKEN")

function init(args)
  counter = math.random(1, 1000000000)
end

request = function()
  counter = counter + 1
  local body = string.format(
    '{"messageId":"bench-%d","conversationId":"c-%d","senderId":"u-1","content":"bench","sentAt":"2026-11-28T10:00:00Z"}',
    counter, counter % 64)
  return wrk.format("POST", "/api/v1/events/message.sent", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local refused = summary.errors.status
  local failed = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  local accepted = summary.requests - refused - failed
  io.write(string.format("RESULT %d %.1f %d %d %d %.0f %.2f %.2f %.2f %.2f\n",
    tonumber(os.getenv("CONNECTIONS")), seconds, summary.requests, accepted, refused + failed,
    accepted / seconds, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
