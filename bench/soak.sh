#!/usr/bin/env bash
# The soak (docs/benchmark.md, "Soak"): the router from its jar for 30 minutes at 500 message.sent
# events per second while Redis is restarted every 5 minutes and this machine's RabbitMQ half-way
# between. Runs io.quckchat.router.bench.SoakBench: Kafka (KRaft) in the soak's JVM, this machine's
# RabbitMQ (RABBITMQ_URL, default amqp://guest:guest@127.0.0.1:5672; restarted with rabbitmqctl
# stop and rabbitmq-server -detached, so run it where that is yours to do), a redis-server of its
# own with an append-only file. Not part of CI: it takes the machine for the whole time.
#
#   bench/soak.sh                                          # 30 min, 500 events/s, restarts every 5 min
#   bench/soak.sh --minutes=4 --restart-every=1 --window=1 # a short try of the same
#   bench/soak.sh --minutes=15 --nmt=true                  # with Native Memory Tracking: the router's
#                                                          # native growth per category, saved every 5 min
#   bench/soak.sh --minutes=8 "--router-jvm-args=-XX:+AlwaysPreTouch"   # extra JVM options for the router
#
# Prints the router's heap and RSS every 10 s, latency p50/p99/max per 5-minute window, and the
# legs lost, duplicated and dead-lettered; writes all of it to target/bench/soak.json.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

brokers=external # the soak restarts this machine's RabbitMQ
bench_build
bench_exec 2g SoakBench "$@"
