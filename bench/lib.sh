# What the benchmark scripts share; sourced by them, not run. Each script says what it measures.

# bench_args "$@": sets brokers (--brokers=embedded|external, default embedded) and the array args
# (every other argument, for the benchmark class).
bench_args() {
  brokers=embedded
  args=()
  local arg
  for arg in "$@"; do
    case "$arg" in
      --brokers=*) brokers=${arg#--brokers=} ;;
      *) args+=("$arg") ;;
    esac
  done
  case "$brokers" in
    embedded|external) ;;
    *) echo "--brokers is embedded or external, got: $brokers" >&2; exit 2 ;;
  esac
}

# bench_build: the router jar and the benchmark's classes and class path.
bench_build() {
  echo "[bench] building the router jar and the benchmark (./mvnw -B -q -DskipTests package)"
  ./mvnw -B -q -DskipTests package
  mkdir -p target/bench
}

# bench_exec HEAP CLASS ARG...: replaces the script with io.quckchat.router.bench.CLASS, Kafka
# (KRaft) in its JVM with PARTITIONS (6) per topic, RabbitMQ and Redis as $brokers says.
bench_exec() {
  local heap=$1 class=$2
  shift 2
  exec java -Xmx"$heap" \
    -Dquckchat.test.brokers="$brokers" \
    -Dquckchat.test.partitions="${PARTITIONS:-6}" \
    -Dlogback.configurationFile=bench/logback-bench.xml \
    -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
    "io.quckchat.router.bench.$class" "$@"
}
