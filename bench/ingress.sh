#!/usr/bin/env bash
# Benchmark of the HTTP ingress against a hand-written one (docs/benchmark.md, "The ingress").
# Builds the router jar, installs the Node baseline's one dependency (bench/ingress-node: kafkajs)
# and wrk (Debian package) if missing, then runs io.quckchat.router.bench.IngressBench: Kafka
# (KRaft) in the benchmark's JVM, external to every subject; the router from its jar with the
# shipped JVM options and no fan-out routes; the Node server; interleaved A B, B A, ...
#
#   bench/ingress.sh                                   # 3 rounds: router and node, 8 and 32 connections, batches of 100
#   bench/ingress.sh --subjects=router,router-c1       # the JIT choice: tiered vs the client compiler only
#   bench/ingress.sh --rounds=1 --seconds=5 --warmup=5 --connections=32 --batch-size=500
#
# RabbitMQ and Redis (which the router connects to even without routes) are embedded, or this
# machine's own with --brokers=external. Prints the figures of each run, then medians with ranges.
# Not a test: the figures depend on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

bench_args "$@"

if ! command -v wrk >/dev/null; then
  echo "[bench] installing wrk"
  (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null || { echo "[bench] cannot install wrk" >&2; exit 1; }
fi
echo "[bench] installing the Node baseline's dependencies (npm ci in bench/ingress-node)"
(cd bench/ingress-node && npm ci --no-audit --no-fund --silent)
bench_build
bench_exec 1g IngressBench "${args[@]+"${args[@]}"}"
