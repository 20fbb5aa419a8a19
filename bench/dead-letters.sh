#!/usr/bin/env bash
# Dead letters at scale (docs/benchmark.md, "Dead letters at scale"): fills the dead-letter topics
# with N letters, starts the router from its jar and measures how long its index takes to hold
# them, the answer times of the list and its filters, and a filtered redrive. Runs
# io.quckchat.router.bench.DeadLetterBench: Kafka (KRaft) in the benchmark's JVM, RabbitMQ and
# Redis embedded or this machine's own (--brokers=external).
#
#   bench/dead-letters.sh                                   # 1,000,000 letters, embedded brokers
#   bench/dead-letters.sh --brokers=external --letters=200000 --queries=100 --redrive=5000
#
# Prints the figures. Not a test: they depend on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

bench_args "$@"

bench_build
bench_exec 2g DeadLetterBench "${args[@]+"${args[@]}"}"
