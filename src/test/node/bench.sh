#!/usr/bin/env bash
# Benchmark of the Java bullmq component against Node's Queue.add on the same Redis
# (REDIS_HOST:REDIS_PORT, default 127.0.0.1:6379). Not a test. Needs ./mvnw -B test-compile first.
# Usage: src/test/node/bench.sh [jobs per variant, default 20000] [bullmq major 5|6, default 6] [rounds, default 3]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
if [[ ! -f "$repo/target/test-classes/io/quckchat/camel/bullmq/interop/InteropDriver.class" ]]; then
  echo "bench: run ./mvnw -B test-compile first" >&2
  exit 2
fi
cd "$here"
npm ci --no-audit --no-fund --loglevel=error >/dev/null
BULLMQ_MAJOR="${2:-6}" node bench.js "${1:-20000}" "${3:-3}"
