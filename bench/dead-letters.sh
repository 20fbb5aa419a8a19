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

brokers=embedded
args=()
for arg in "$@"; do
  case "$arg" in
    --brokers=*) brokers=${arg#--brokers=} ;;
    *) args+=("$arg") ;;
  esac
done
case "$brokers" in embedded|external) ;; *) echo "--brokers is embedded or external, got: $brokers" >&2; exit 2 ;; esac

echo "[bench] building the router jar and the benchmark (./mvnw -B -q -DskipTests package)"
./mvnw -B -q -DskipTests package
mkdir -p target/bench
exec java -Xmx2g \
  -Dquckchat.test.brokers="$brokers" \
  -Dquckchat.test.partitions="${PARTITIONS:-6}" \
  -Dlogback.configurationFile=bench/logback-bench.xml \
  -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  io.quckchat.router.bench.DeadLetterBench "${args[@]+"${args[@]}"}"
