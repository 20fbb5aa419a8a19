#!/usr/bin/env bash
# Benchmark of the HTTP ingress: accepted events/s and p50/p90/p99 latency of single posts
# (POST /api/v1/events/message.sent, 202 = acknowledged by Kafka with acks=all) at fixed
# concurrency, with wrk, against the router on embedded brokers (./mvnw spring-boot:test-run:
# Kafka and Qpid in the router's JVM, redis-server beside it; the fan-out of every accepted event
# to RabbitMQ and Redis runs at the same time on the same machine).
#
#   bench/ingress.sh                        # 8 and 32 connections, 30 s each after a 10 s warm-up
#   CONCURRENCY="16" DURATION=60s bench/ingress.sh
#
# Not a test: numbers depend on the machine. Installs wrk (Debian package) if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-18080}
CONCURRENCY=${CONCURRENCY:-"8 32"}
DURATION=${DURATION:-30s}
WARMUP=${WARMUP:-10s}
THREADS=${THREADS:-2}
export INGRESS_TOKEN=bench-token-0123456789abcdef
LOG=target/bench-ingress-router.log

if ! command -v wrk >/dev/null; then
  echo "[bench] installing wrk"
  (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null || { echo "[bench] cannot install wrk" >&2; exit 1; }
fi

mkdir -p target
echo "[bench] starting the router on embedded brokers (port $PORT), log: $LOG"
setsid ./mvnw -B -q spring-boot:test-run \
  -Dspring-boot.run.arguments="--server.port=$PORT --quckchat.ingress.tokens[1].name=bench --quckchat.ingress.tokens[1].token=$INGRESS_TOKEN --quckchat.ingress.tokens[1].topics=message.sent --logging.level.root=warn" \
  >"$LOG" 2>&1 &
ROUTER=$!
stop() { kill -- "-$ROUTER" 2>/dev/null || true; wait "$ROUTER" 2>/dev/null || true; }
trap stop EXIT

for _ in $(seq 1 180); do
  if curl -fs "http://127.0.0.1:$PORT/actuator/health/liveness" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$ROUTER" 2>/dev/null; then echo "[bench] the router did not start; see $LOG" >&2; exit 1; fi
  sleep 1
done
curl -fs "http://127.0.0.1:$PORT/actuator/health/liveness" >/dev/null || { echo "[bench] router not up" >&2; exit 1; }

URL="http://127.0.0.1:$PORT"
check=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $INGRESS_TOKEN" -H 'Content-Type: application/json' \
  -d '{"messageId":"bench-0","conversationId":"c-0","senderId":"u-1"}' "$URL/api/v1/events/message.sent")
[ "$check" = 202 ] || { echo "[bench] a single post answered $check, not 202" >&2; exit 1; }

echo "[bench] warm-up $WARMUP"
CONNECTIONS=8 wrk -t"$THREADS" -c8 -d"$WARMUP" -s bench/ingress-post.lua "$URL" >/dev/null

rows=()
for c in $CONCURRENCY; do
  echo "[bench] $c connections, $DURATION"
  out=$(CONNECTIONS=$c wrk -t"$THREADS" -c"$c" -d"$DURATION" --timeout 10s -s bench/ingress-post.lua "$URL")
  rows+=("$(echo "$out" | grep '^RESULT' | cut -d' ' -f2-)")
done

echo
echo "Ingress benchmark: single POST /api/v1/events/message.sent (acks=all), wrk $THREADS threads, $DURATION per row, $(nproc) cores"
printf '| %-11s | %-8s | %-8s | %-8s | %-7s | %-8s | %-8s | %-8s | %-8s | %-8s |\n' \
  connections seconds requests accepted refused "events/s" "p50 ms" "p90 ms" "p99 ms" "max ms"
printf '|%s|\n' "-------------|----------|----------|----------|---------|----------|----------|----------|----------|----------"
for row in "${rows[@]}"; do
  # shellcheck disable=SC2086
  printf '| %-11s | %-8s | %-8s | %-8s | %-7s | %-8s | %-8s | %-8s | %-8s | %-8s |\n' $row
done
