#!/usr/bin/env bash
# Throughput benchmark of the router at full guarantees against a plain-client baseline
# (docs/benchmark.md). Builds the router jar, then runs io.quckchat.router.bench.RouterBench:
# Kafka (KRaft) in the benchmark's JVM, RabbitMQ and Redis embedded (Qpid Broker-J in the JVM,
# redis-server beside it) or this machine's own (--brokers=external); the router and the baseline
# each as their own JVM with config/jvm.options, interleaved A B B A A B ... after one unmeasured warm-up round
#
#   bench/run.sh                                      # 3 rounds of router and baseline, embedded brokers
#   bench/run.sh --brokers=external                   # RabbitMQ 127.0.0.1:5672, Redis 127.0.0.1:6379
#   bench/run.sh --subjects=router --instances=2      # scaling: two routers in one consumer group
#   bench/run.sh --subjects=router,router-c1 --rate=1000 --seconds=600 --ingress-rate=200
#                                                     # the JIT choice: tiered vs C1 only, 10 min steady,
#                                                     # with HTTP ingress posts at the same time
#   bench/run.sh --events=50000 --rate=1000 --seconds=30 --rounds=5 --out=target/bench/x.json
#   bench/run.sh --warm-events=40000                  # each subject delivers 40,000 events first, unmeasured
#
# Prints one table (and medians with ranges) and writes it as JSON (default
# target/bench/router-bench.json). Not a test: the figures depend on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

bench_args "$@"

bench_build
bench_exec 2g RouterBench "${args[@]+"${args[@]}"}"
