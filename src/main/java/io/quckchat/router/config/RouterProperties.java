package io.quckchat.router.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Every setting of the router, bound from {@code config/application.yml}, which maps the
 * environment variables of docs/contract.md §2 onto these names; IDEs complete them from the
 * configuration metadata generated at build time. The simple rules are Bean Validation constraints
 * on the records, the others are in {@link #validate()}; both run before any bean is created (see
 * {@link SettingsValidator}), so a bad value stops start-up with one line naming the setting and its
 * variable instead of a stack trace from whichever client touched it first.
 *
 * @param kafka the Kafka cluster and the fan-out's consumer
 * @param rabbitmq the RabbitMQ broker, exchange and queue names
 * @param redis the Redis of the BullMQ queues, the ledger and ingress idempotency
 * @param bullmq the BullMQ queues' key prefix
 * @param bullBoard the queue dashboard
 * @param delivery retries, dead letters and the ledger of the legs
 * @param admin the credentials of the admin surfaces
 * @param ingress the HTTP ingress
 * @param schemasDir the folder of the topics' JSON Schemas, {@code <topic>.schema.json}
 * @param samplesDir the folder of the topics' sample events, {@code <topic>.json} (route tests, the
 *     dashboard's "Try an event")
 * @param schedules the scheduled jobs of routes/schedules.camel.yaml, by name
 */
// Not @Validated: SettingsValidator checks the same constraints once, before any bean is built,
// and reports the first one as a single line naming the setting and its variable.
@ConfigurationProperties("quckchat")
public record RouterProperties(
        @NotNull @Valid Kafka kafka,
        @NotNull @Valid Rabbitmq rabbitmq,
        @NotNull @Valid Redis redis,
        @NotNull @Valid Bullmq bullmq,
        @NotNull @Valid BullBoard bullBoard,
        @NotNull @Valid Delivery delivery,
        @NotNull @Valid Admin admin,
        @NotNull @Valid Ingress ingress,
        @NotBlank(message = "is empty") String schemasDir,
        @NotBlank(message = "is empty") String samplesDir,
        Map<String, @Valid Schedule> schedules) {

    /**
     * @param brokers bootstrap servers, host:port
     * @param clientId Kafka client id; the router appends what each client is for
     * @param groupId consumer group of the fan-out
     * @param securityProtocol PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL; empty: SASL_SSL with SASL
     *     credentials, else PLAINTEXT
     * @param sasl SASL credentials
     * @param tls the brokers' CA and the client certificate, for SSL and SASL_SSL
     * @param autoOffsetReset where a new consumer group starts: earliest, so no event is skipped
     * @param maxInFlight events polled but not yet fully delivered, per consumer, before it pauses
     *     fetching
     * @param maxInFlightBytes the same bound in bytes (each event's key and value plus its legs'
     *     payloads): large events pause fetching before their count does, so the heap holds them
     * @param drainTimeout longest a rebalance or shutdown waits for in-flight events before giving
     *     them up
     * @param sessionTimeout how soon the group notices a replica that died without leaving (Kafka's
     *     session.timeout.ms)
     * @param maxPollInterval longest the fan-out consumer may go without polling (Kafka's
     *     max.poll.interval.ms): past it the consumer leaves the group and readiness is DOWN
     */
    public record Kafka(
            List<String> brokers,
            @NotBlank(message = "is empty") String clientId,
            @NotBlank(message = "is empty") String groupId,

            @Pattern(
                    regexp = "(?i)|plaintext|ssl|sasl_plaintext|sasl_ssl",
                    message = "must be one of plaintext, ssl, sasl_plaintext, sasl_ssl, got '${validatedValue}'")
            String securityProtocol,

            Sasl sasl,

            Tls tls,

            @NotNull
            @Pattern(
                    regexp = "(?i)earliest|latest",
                    message = "must be one of earliest, latest, got '${validatedValue}'")
            String autoOffsetReset,

            @Positive(message = "must be positive, got ${validatedValue}")
            int maxInFlight,

            DataSize maxInFlightBytes,

            @NotNull @DurationMin(millis = 1, message = "must be a positive duration")
            Duration drainTimeout,

            @NotNull @DurationMin(millis = 1, message = "must be a positive duration")
            Duration sessionTimeout,

            @NotNull @DurationMin(millis = 1000, message = "must be at least 1s, got ${validatedValue}")
            Duration maxPollInterval) {}

    /**
     * @param mechanism plain, scram-sha-256 or scram-sha-512; used only when a username is set
     * @param username SASL user; empty: no SASL
     * @param password SASL password
     */
    public record Sasl(String mechanism, String username, String password) {
        public boolean enabled() {
            return username != null && !username.isBlank();
        }

        @Override
        public String toString() {
            return "Sasl[mechanism=" + mechanism + ", username=" + username + ", password=****]";
        }
    }

    /**
     * @param caFile PEM of the CA that signed the brokers' certificates; empty: the JVM's trust store
     * @param certFile PEM client certificate (chain) for mutual TLS; empty: none
     * @param keyFile PEM private key (PKCS#8, unencrypted) of that certificate
     */
    public record Tls(String caFile, String certFile, String keyFile) {}

    /**
     * @param url amqp:// or amqps:// (the server certificate is verified)
     * @param queuePrefix queue name = {@code <prefix>.<name>}
     * @param exchange the durable topic exchange the router declares and publishes to
     * @param maxUnconfirmed publishes awaiting their broker confirm at once
     * @param tlsCaFile for {@code amqps://}: PEM file of the CA that signed the broker's certificate;
     *     empty: the JVM's trust store
     * @param passwordFile a file holding the password (in place of the URL's), read again at every
     *     connect, so a rotated secret is picked up on reconnect
     */
    public record Rabbitmq(
            String url,
            @NotBlank(message = "is empty") String queuePrefix,
            @NotBlank(message = "is empty") String exchange,

            @Positive(message = "must be positive, got ${validatedValue}")
            int maxUnconfirmed,

            String tlsCaFile,
            String passwordFile) {
        /** {@code <prefix>.<name>}, docs/contract.md §4. */
        public String queueName(String shortName) {
            return queuePrefix + "." + shortName;
        }
    }

    /**
     * One Redis connection for every Redis user of the router (BullMQ lane, ledger, ingress
     * idempotency, dashboard, queue depths, health). {@code url}, when set, gives all of host, port,
     * user, password, database and TLS at once ({@code redis://} or {@code rediss://}, as BullMQ and
     * Spring Boot users write it); the other settings are then left empty.
     *
     * @param host Redis host
     * @param port Redis port
     * @param url {@code redis://[user[:password]@]host[:port][/database]}, {@code rediss://} for TLS;
     *     empty: host, port and the settings below
     * @param username ACL user (Redis 6+); empty: the default user
     * @param password password (AUTH); empty: none
     * @param passwordFile a file holding the password (Docker and Kubernetes secrets), read again at
     *     every connect, so a rotated secret is picked up on reconnect
     * @param database database index
     * @param tls TLS to Redis; the server certificate and host name are verified
     * @param tlsCaFile PEM file of the CA that signed the server certificate; empty: the JVM's trust
     *     store
     * @param sentinelNodes Sentinel: the sentinels as {@code host:port,host:port}, in place of host,
     *     port and url; the master is asked of them at every connect
     * @param sentinelMaster the name of the master the sentinels watch
     * @param sentinelPassword the sentinels' own password (their {@code requirepass}); empty: none
     * @param clusterNodes Redis Cluster: some of its nodes as {@code host:port,host:port}, in place of
     *     host, port and url; the BullMQ prefix must then carry a hash tag, e.g. {@code {bull}}
     * @param waitReplicas how many replicas must hold a batch of BullMQ jobs (Redis {@code WAIT})
     *     before its legs count as delivered, so a failover loses no job; empty: 1 with Sentinel, 0
     *     otherwise
     * @param waitTimeout how long a batch waits for those replicas before it counts as failed and is
     *     sent again
     */
    public record Redis(
            @NotBlank(message = "is empty") String host,

            @Min(value = 1, message = "is not a port number (1-65535): ${validatedValue}")
            @Max(value = 65535, message = "is not a port number (1-65535): ${validatedValue}")
            int port,

            String url,
            String username,
            String password,
            String passwordFile,

            @Min(value = 0, message = "must be 0 or more, got ${validatedValue}")
            int database,

            boolean tls,
            String tlsCaFile,
            String sentinelNodes,
            String sentinelMaster,
            String sentinelPassword,
            String clusterNodes,

            @Min(value = 0, message = "must be 0 or more, got ${validatedValue}")
            Integer waitReplicas,

            @NotNull @DurationMin(millis = 1, message = "must be a positive duration")
            Duration waitTimeout) {

        /** Sentinel: {@code REDIS_SENTINEL_NODES} is set. */
        public boolean sentinel() {
            return Settings.present(sentinelNodes);
        }

        /** Redis Cluster: {@code REDIS_CLUSTER_NODES} is set. */
        public boolean cluster() {
            return Settings.present(clusterNodes);
        }

        /**
         * How many replicas must hold a BullMQ job before it counts as delivered: {@code
         * REDIS_WAIT_REPLICAS}, else 1 with Sentinel (a failover then loses no job) and 0 otherwise.
         */
        public int replicasToWaitFor() {
            return waitReplicas != null ? waitReplicas : sentinel() ? 1 : 0;
        }

        @Override
        public String toString() {
            return "Redis[host=" + host + ", port=" + port + ", url=" + Settings.redact(url) + ", username="
                    + username + ", password=****, passwordFile=" + passwordFile + ", database=" + database
                    + ", tls=" + tls + ", tlsCaFile=" + tlsCaFile + ", sentinelNodes=" + sentinelNodes
                    + ", sentinelMaster=" + sentinelMaster + ", sentinelPassword=****, clusterNodes=" + clusterNodes
                    + ", waitReplicas=" + waitReplicas + ", waitTimeout=" + waitTimeout + "]";
        }
    }

    /** @param prefix Redis key prefix of the BullMQ queues (BullMQ's default {@code bull}; workers must use the same) */
    public record Bullmq(@NotBlank(message = "is empty") String prefix) {}

    /**
     * @param enabled whether the queue dashboard is served
     * @param path where it is served (admin credentials)
     * @param chartInterval how often the dashboard's charts sample the router's meters (one point per
     *     series each time; the charts keep the last hour), 1s to 10m
     */
    public record BullBoard(
            boolean enabled,

            @NotNull(message = "is empty")
            @Pattern(regexp = "/.*", message = "must start with '/', got '${validatedValue}'")
            String path,

            @NotNull(message = "is empty")
            @DurationMin(seconds = 1, message = "must be at least 1s, got ${validatedValue}")
            @DurationMax(minutes = 10, message = "must be at most 10m, got ${validatedValue}")
            Duration chartInterval) {}

    /**
     * Admin credentials; an empty password keeps the admin surfaces locked.
     *
     * @param username admin user name
     * @param password admin password, at least 12 characters; empty: admin surfaces locked
     */
    public record Admin(@NotBlank(message = "is empty") String username, String password) {
        public boolean enabled() {
            return password != null && !password.isBlank();
        }

        @Override
        public String toString() {
            return "Admin[username=" + username + ", password=" + (enabled() ? "****" : "(none)") + "]";
        }
    }

    /**
     * The HTTP ingress, {@code /api/v1/events} (docs/contract.md §7, docs/ingress.md).
     *
     * @param tokens callers allowed to post: a name (becomes ce_source), a bearer token, and the
     *     topics it may post to
     * @param allowAnonymous requests without a token are accepted (as caller "anonymous", every topic)
     *     only when true
     * @param maxBodySize largest request body; a larger one is refused with 413 after reading at most
     *     this much
     * @param maxBatchSize most events in one batch request
     * @param publishTimeout longest wait for Kafka's acknowledgement before answering 503
     * @param idempotencyTtl how long an Idempotency-Key's answer is remembered
     * @param idempotencyPrefix Redis key prefix of the idempotency records
     */
    public record Ingress(
            List<Token> tokens,
            boolean allowAnonymous,
            DataSize maxBodySize,

            @Min(value = 1, message = "must be between 1 and 10000, got ${validatedValue}")
            @Max(value = 10_000, message = "must be between 1 and 10000, got ${validatedValue}")
            int maxBatchSize,

            @NotNull @DurationMin(millis = 200, message = "must be at least 200ms, got ${validatedValue}")
            Duration publishTimeout,

            @NotNull @DurationMin(millis = 1, message = "must be a positive duration")
            Duration idempotencyTtl,

            @NotBlank(message = "is empty") String idempotencyPrefix) {

        public List<Token> tokens() {
            return tokens == null ? List.of() : tokens;
        }
    }

    /**
     * One ingress caller. The token is never printed.
     *
     * @param name the caller's name, its events' ce_source
     * @param token its bearer token, at least 16 printable characters
     * @param topics the topics it may post to, or {@code *} for every topic
     */
    public record Token(String name, String token, List<String> topics) {
        public List<String> topics() {
            return topics == null ? List.of() : topics;
        }

        @Override
        public String toString() {
            return "Token[name=" + name + ", token=****, topics=" + topics() + "]";
        }
    }

    /**
     * Retry and dead-letter policy of the destination legs (docs/contract.md §8).
     *
     * @param attempts attempts of a leg that failed permanently before it is dead-lettered
     * @param initialBackoff wait before the second attempt
     * @param maxBackoff the longest wait between attempts
     * @param outageMaxBackoff cap of the backoff while a destination is unreachable (retried without
     *     limit)
     * @param backoffMultiplier growth of the wait per attempt, at least 1.0
     * @param jitter fraction of each backoff that is randomised, 0..1
     * @param ledgerTtl how long the per-leg ledger remembers a delivered leg
     * @param ledgerPrefix Redis key prefix of the ledger: {@code <prefix>:<eventId>}
     * @param timeout time after which a broker call that has not answered counts as a transient
     *     failure
     */
    public record Delivery(
            @Positive(message = "must be positive, got ${validatedValue}")
            int attempts,

            @NotNull @DurationMin(millis = 1, message = "must be a positive duration")
            Duration initialBackoff,

            @NotNull @DurationMin(millis = 1, message = "must be a positive duration")
            Duration maxBackoff,

            @NotNull @DurationMin(millis = 1, message = "must be a positive duration")
            Duration outageMaxBackoff,

            @DecimalMin(value = "1.0", message = "must be at least 1.0, got ${validatedValue}")
            double backoffMultiplier,

            @DecimalMin(value = "0.0", message = "must be between 0 and 1, got ${validatedValue}")
            @DecimalMax(value = "1.0", message = "must be between 0 and 1, got ${validatedValue}")
            double jitter,

            @NotNull @DurationMin(millis = 1, message = "must be a positive duration")
            Duration ledgerTtl,

            @NotBlank(message = "is empty") String ledgerPrefix,

            @NotNull @DurationMin(millis = 1, message = "must be a positive duration")
            Duration timeout) {}

    /**
     * A scheduled job of routes/schedules.camel.yaml.
     *
     * @param cron Quartz cron (with seconds), in UTC
     * @param slot java.time pattern of the slot in the job id: one job per slot across all replicas
     */
    public record Schedule(
            @NotBlank(message = "is empty") String cron,
            @NotBlank(message = "is empty") String slot) {}

    public Map<String, Schedule> schedules() {
        return schedules == null ? Map.of() : schedules;
    }

    /**
     * The checks that are more than one constraint on one value (host:port lists, the RabbitMQ URL,
     * SASL only with a user, the admin password when set, the ingress callers, slot patterns);
     * throws {@link InvalidSettingException} naming the first bad one. The simple ones are the
     * records' constraints, checked first ({@link SettingsValidator}).
     */
    public void validate() {
        List<String> brokers = kafka.brokers();
        Settings.require(
                brokers != null && !brokers.isEmpty() && brokers.stream().noneMatch(String::isBlank),
                "quckchat.kafka.brokers",
                "is empty: give at least one host:port");
        for (String broker : brokers) {
            Settings.hostAndPort("quckchat.kafka.brokers", broker.trim());
        }
        Settings.require(
                kafka.maxInFlightBytes() != null && kafka.maxInFlightBytes().toBytes() >= 1024 * 1024,
                "quckchat.kafka.max-in-flight-bytes",
                "must be at least 1MB, got " + kafka.maxInFlightBytes());
        if (kafka.sasl() != null && kafka.sasl().enabled()) {
            Settings.oneOf(
                    "quckchat.kafka.sasl.mechanism",
                    kafka.sasl().mechanism(),
                    "plain",
                    "scram-sha-256",
                    "scram-sha-512");
            Settings.notBlank("quckchat.kafka.sasl.password", kafka.sasl().password());
        }
        Tls tls = kafka.tls();
        if (tls != null) {
            Settings.readableFileIfSet("quckchat.kafka.tls.ca-file", tls.caFile());
            Settings.require(
                    Settings.present(tls.certFile()) == Settings.present(tls.keyFile()),
                    Settings.present(tls.certFile()) ? "quckchat.kafka.tls.key-file" : "quckchat.kafka.tls.cert-file",
                    "is empty: mutual TLS needs both the certificate (KAFKA_TLS_CERT_FILE) and its key"
                            + " (KAFKA_TLS_KEY_FILE)");
            Settings.readableFileIfSet("quckchat.kafka.tls.cert-file", tls.certFile());
            Settings.readableFileIfSet("quckchat.kafka.tls.key-file", tls.keyFile());
        }
        rabbitUri(rabbitmq.url());
        validateRedis();
        Settings.readableFileIfSet("quckchat.rabbitmq.tls-ca-file", rabbitmq.tlsCaFile());
        Settings.readableFileIfSet("quckchat.rabbitmq.password-file", rabbitmq.passwordFile());
        Settings.require(
                !admin.enabled() || admin.password().length() >= 12,
                "quckchat.admin.password",
                "is too short: use at least 12 characters");
        schedules().forEach((name, schedule) -> {
            try {
                java.time.format.DateTimeFormatter.ofPattern(schedule.slot());
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(
                        "quckchat.schedules." + name + ".slot", "is not a java.time pattern: " + e.getMessage());
            }
        });
        validateIngress();
    }

    private void validateIngress() {
        Set<String> names = new HashSet<>();
        Set<String> tokens = new HashSet<>();
        for (int i = 0; i < ingress.tokens().size(); i++) {
            Token token = ingress.tokens().get(i);
            String at = "quckchat.ingress.tokens[" + i + "]";
            Settings.require(
                    token.name() != null && token.name().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"),
                    at + ".name",
                    "must be 1-64 letters, digits, '.', '_' or '-' (it becomes ce_source), got '" + token.name() + "'");
            Settings.require(names.add(token.name()), at + ".name", "'" + token.name() + "' is used twice");
            Settings.require(
                    token.token() != null && token.token().length() >= 16,
                    at + ".token",
                    "is too short: use at least 16 characters");
            Settings.require(
                    token.token().chars().allMatch(c -> c > 0x20 && c < 0x7f),
                    at + ".token",
                    "must be printable ASCII without spaces");
            Settings.require(tokens.add(token.token()), at + ".token", "is the same as another caller's");
            Settings.require(!token.topics().isEmpty(), at + ".topics", "is empty: list topics, or * for all");
            for (String topic : token.topics()) {
                Settings.require(
                        topic != null && (topic.equals("*") || topic.matches("[a-z][a-z0-9-]*(\\.[a-z0-9-]+)+")),
                        at + ".topics",
                        "'" + topic + "' is not a topic name (or *)");
            }
        }
        Settings.require(
                ingress.maxBodySize() != null
                        && ingress.maxBodySize().toBytes() >= 1024
                        && ingress.maxBodySize().toBytes() <= 16L * 1024 * 1024,
                "quckchat.ingress.max-body-size",
                "must be between 1KB and 16MB, got " + ingress.maxBodySize());
    }

    private void validateRedis() {
        if (Settings.present(redis.url())) {
            URI url = redisUri(redis.url());
            Settings.require(
                    !redis.tls() || "rediss".equals(url.getScheme()),
                    "quckchat.redis.tls",
                    "is true with a redis:// URL (REDIS_URL): write rediss:// for TLS");
            notWithUrl("username", redis.username());
            notWithUrl("password", redis.password());
            notWithUrl("password-file", redis.passwordFile());
        }
        Settings.require(
                !(Settings.present(redis.password()) && Settings.present(redis.passwordFile())),
                "quckchat.redis.password-file",
                "is set together with quckchat.redis.password (REDIS_PASSWORD): use one of them");
        Settings.readableFileIfSet("quckchat.redis.password-file", redis.passwordFile());
        Settings.readableFileIfSet("quckchat.redis.tls-ca-file", redis.tlsCaFile());
        validateRedisTopology();
    }

    /** Sentinel or Cluster: one of them, not with REDIS_URL, and what each needs. */
    private void validateRedisTopology() {
        Settings.require(
                !(redis.sentinel() && redis.cluster()),
                "quckchat.redis.cluster-nodes",
                "is set together with quckchat.redis.sentinel-nodes (REDIS_SENTINEL_NODES): use one of them");
        if (redis.sentinel() || redis.cluster()) {
            String nodes = redis.sentinel() ? "quckchat.redis.sentinel-nodes" : "quckchat.redis.cluster-nodes";
            Settings.require(
                    !Settings.present(redis.url()),
                    nodes,
                    "is set together with quckchat.redis.url (REDIS_URL): give REDIS_USERNAME, REDIS_PASSWORD and"
                            + " REDIS_TLS with the nodes instead");
            redisNodes(nodes, redis.sentinel() ? redis.sentinelNodes() : redis.clusterNodes());
        }
        if (redis.sentinel()) {
            Settings.notBlank("quckchat.redis.sentinel-master", redis.sentinelMaster());
        }
        if (redis.cluster()) {
            Settings.require(
                    redis.database() == 0,
                    "quckchat.redis.database",
                    "is " + redis.database() + " with Redis Cluster, which has database 0 only");
            Settings.require(
                    hashTag(bullmq.prefix()) != null,
                    "quckchat.bullmq.prefix",
                    "'" + bullmq.prefix() + "' has no hash tag: on a Redis Cluster every key of a BullMQ queue"
                            + " must be in one slot, so write the prefix as BullMQ documents it, e.g. {"
                            + bullmq.prefix() + "} (BULLMQ_PREFIX), and give the Node workers the same");
        }
    }

    /**
     * The hash tag of a key as Redis Cluster reads it: the text between the first '{' and the first
     * '}' after it, when not empty; null when the key has none.
     */
    public static String hashTag(String key) {
        int open = key.indexOf('{');
        int close = open < 0 ? -1 : key.indexOf('}', open + 1);
        return close > open + 1 ? key.substring(open + 1, close) : null;
    }

    /** Parses a comma-separated {@code host:port} list (REDIS_SENTINEL_NODES, REDIS_CLUSTER_NODES). */
    public static List<InetSocketAddress> redisNodes(String setting, String list) {
        List<InetSocketAddress> nodes = new java.util.ArrayList<>();
        for (String node : list.split(",")) {
            String trimmed = node.trim();
            int colon = trimmed.lastIndexOf(':');
            Settings.require(
                    colon > 0 && trimmed.substring(colon + 1).matches("\\d{1,5}"),
                    setting,
                    "has '" + trimmed + "' where host:port goes (e.g. redis-1:26379,redis-2:26379)");
            int port = Integer.parseInt(trimmed.substring(colon + 1));
            Settings.port(setting, port);
            nodes.add(InetSocketAddress.createUnresolved(trimmed.substring(0, colon), port));
        }
        return nodes;
    }

    /** REDIS_URL carries the user and password itself: one place for the credentials. */
    private static void notWithUrl(String setting, String value) {
        Settings.require(
                !Settings.present(value),
                "quckchat.redis." + setting,
                "is set together with quckchat.redis.url (REDIS_URL): give the user and password in one of them");
    }

    /** Parses {@code REDIS_URL}: {@code redis://} or {@code rediss://} with a host. */
    public static URI redisUri(String url) {
        String name = "quckchat.redis.url";
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new InvalidSettingException(name, "is not a URL: " + Settings.redact(e.getReason()));
        }
        Settings.require(
                "redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme()),
                name,
                "must start with redis:// or rediss:// (TLS), got '" + Settings.redact(url) + "'");
        Settings.require(uri.getHost() != null, name, "has no host: '" + Settings.redact(url) + "'");
        String path = uri.getPath() == null ? "" : uri.getPath();
        Settings.require(
                path.isEmpty() || path.equals("/") || path.matches("/\\d{1,5}"),
                name,
                "has '" + path + "' where the database index goes (/0, /1 ...): '" + Settings.redact(url) + "'");
        return uri;
    }

    /** Parses {@code RABBITMQ_URL}: {@code amqp://} or {@code amqps://} with a host. */
    public static URI rabbitUri(String url) {
        String name = "quckchat.rabbitmq.url";
        Settings.notBlank(name, url);
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new InvalidSettingException(name, "is not a URL: " + e.getReason());
        }
        Settings.require(
                "amqp".equals(uri.getScheme()) || "amqps".equals(uri.getScheme()),
                name,
                "must start with amqp:// or amqps://, got '" + Settings.redact(url) + "'");
        Settings.require(uri.getHost() != null, name, "has no host: '" + Settings.redact(url) + "'");
        if (uri.getPort() != -1) {
            Settings.port(name, uri.getPort());
        }
        return uri;
    }
}
