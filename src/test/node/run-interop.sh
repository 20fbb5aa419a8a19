#!/usr/bin/env bash
# BullMQ interop suite: stock BullMQ 5.x and 6.x (Node) against the Java bullmq component, and the
# reverse. Runs every test file once per major against the Redis at REDIS_HOST:REDIS_PORT
# (default 127.0.0.1:6379), prints one summary line, exits non-zero on any failure.
# Needs the compiled Java side: run `./mvnw -B test-compile` (or verify) in the repository first.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
export REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
export REDIS_PORT="${REDIS_PORT:-6379}"

for needed in "$repo/target/test-classpath.txt" \
  "$repo/target/test-classes/io/quckchat/camel/bullmq/interop/InteropDriver.class" \
  "$repo/target/classes/io/quckchat/camel/bullmq/add.lua"; do
  if [[ ! -f "$needed" ]]; then
    echo "bullmq interop: $needed is missing; run ./mvnw -B test-compile first" >&2
    exit 2
  fi
done

cd "$here"
npm ci --no-audit --no-fund --loglevel=error >/dev/null

reports="$repo/target/bullmq-interop"
mkdir -p "$reports"
summary=()
failed=0
for major in 5 6; do
  version="$(node -p "require('./node_modules/bullmq-v$major/package.json').version")"
  tap="$reports/bullmq-$version.tap"
  set +e
  BULLMQ_MAJOR="$major" node --test --test-concurrency=1 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" \
    test/*.test.js
  status=$?
  set -e
  count() {
    local n
    n="$(sed -n "s/^# $1 \([0-9]*\)$/\1/p" "$tap" 2>/dev/null | tail -1)"
    echo "${n:-0}"
  }
  tests="$(count tests)"; pass="$(count pass)"; fail="$(count fail)"
  other=$(( $(count cancelled) + $(count skipped) + $(count todo) ))
  if [[ $status -ne 0 || "$tests" -eq 0 || "$fail" -ne 0 || "$other" -ne 0 || "$pass" -ne "$tests" ]]; then
    failed=1
  fi
  summary+=("bullmq $version $pass/$tests passed")
done

line="bullmq interop ($REDIS_HOST:$REDIS_PORT): ${summary[0]}, ${summary[1]}"
if [[ $failed -ne 0 ]]; then
  echo "$line: FAILED (reports in $reports)"
  exit 1
fi
echo "$line: OK"
