package io.quckchat.router.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Every setting of the router, bound from {@code config/application.yml}, which maps the
 * environment variables of docs/contract.md §2 onto these names. {@link #validate()} runs before any
 * bean is created (see {@link SettingsValidator}), so a bad value stops start-up with one line
 * naming the setting instead of a stack trace from whichever client touched it first.
 */
@ConfigurationProperties("quckchat")
public record RouterProperties(
        Kafka kafka,
        Rabbitmq rabbitmq,
        Redis redis,
        BullBoard bullBoard,
        Delivery delivery,
        Admin admin,
        Ingress ingress) {

    public record Kafka(
            List<String> brokers,
            String clientId,
            String groupId,
            /** PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL; empty: SASL_SSL with SASL credentials, else PLAINTEXT. */
            String securityProtocol,
            Sasl sasl,
            /** Where a new consumer group starts: earliest, so no event is skipped. */
            String autoOffsetReset,
            /** Events polled but not yet fully delivered, per consumer, before it pauses fetching. */
            int maxInFlight,
            /** Longest a rebalance or shutdown waits for in-flight events before giving them up. */
            Duration drainTimeout,
            /** How soon the group notices a replica that died without leaving (Kafka's session.timeout.ms). */
            Duration sessionTimeout) {}

    public record Sasl(String mechanism, String username, String password) {
        public boolean enabled() {
            return username != null && !username.isBlank();
        }
    }

    public record Rabbitmq(String url, String queuePrefix, String exchange, int maxUnconfirmed) {
        /** {@code <prefix>.<name>}, docs/contract.md §4. */
        public String queueName(String shortName) {
            return queuePrefix + "." + shortName;
        }
    }

    public record Redis(String host, int port) {}

    public record BullBoard(boolean enabled, String path) {}

    /** Admin credentials; an empty password keeps the admin surfaces locked. */
    public record Admin(String username, String password) {
        public boolean enabled() {
            return password != null && !password.isBlank();
        }

        @Override
        public String toString() {
            return "Admin[username=" + username + ", password=" + (enabled() ? "****" : "(none)") + "]";
        }
    }

    /** The HTTP ingress, {@code /api/v1/events} (docs/contract.md §7, docs/ingress.md). */
    public record Ingress(
            /** Callers allowed to post: a name (becomes ce_source), a bearer token, and the topics it may post to. */
            List<Token> tokens,
            /** Requests without a token are accepted (as caller "anonymous", every topic) only when true. */
            boolean allowAnonymous,
            /** Largest request body; a larger one is refused with 413 after reading at most this much. */
            DataSize maxBodySize,
            /** Most events in one batch request. */
            int maxBatchSize,
            /** Longest wait for Kafka's acknowledgement before answering 503. */
            Duration publishTimeout,
            /** How long an Idempotency-Key's answer is remembered. */
            Duration idempotencyTtl,
            /** Redis key prefix of the idempotency records. */
            String idempotencyPrefix) {

        public List<Token> tokens() {
            return tokens == null ? List.of() : tokens;
        }
    }

    /** One ingress caller. {@code topics} may be {@code *} for every topic. The token is never printed. */
    public record Token(String name, String token, List<String> topics) {
        public List<String> topics() {
            return topics == null ? List.of() : topics;
        }

        @Override
        public String toString() {
            return "Token[name=" + name + ", token=****, topics=" + topics() + "]";
        }
    }

    /** Retry and dead-letter policy of the destination legs (docs/contract.md §8). */
    public record Delivery(
            /** Attempts of a leg that failed permanently before it is dead-lettered. */
            int attempts,
            Duration initialBackoff,
            Duration maxBackoff,
            /** Cap of the backoff while a destination is unreachable (retried without limit). */
            Duration outageMaxBackoff,
            double backoffMultiplier,
            /** Fraction of each backoff that is randomised, 0..1. */
            double jitter,
            /** How long the per-leg ledger remembers a delivered leg. */
            Duration ledgerTtl,
            /** Redis key prefix of the ledger: {@code <prefix>:<eventId>}. */
            String ledgerPrefix,
            /** Time after which a broker call that has not answered counts as a transient failure. */
            Duration timeout) {}

    /** Checks every setting; throws {@link InvalidSettingException} naming the first bad one. */
    public void validate() {
        Settings.require(kafka != null, "quckchat.kafka", "is missing");
        List<String> brokers = kafka.brokers();
        Settings.require(
                brokers != null && !brokers.isEmpty() && brokers.stream().noneMatch(String::isBlank),
                "quckchat.kafka.brokers",
                "is empty: give at least one host:port");
        for (String broker : brokers) {
            Settings.hostAndPort("quckchat.kafka.brokers", broker.trim());
        }
        Settings.notBlank("quckchat.kafka.client-id", kafka.clientId());
        Settings.notBlank("quckchat.kafka.group-id", kafka.groupId());
        if (kafka.securityProtocol() != null && !kafka.securityProtocol().isBlank()) {
            Settings.oneOf(
                    "quckchat.kafka.security-protocol",
                    kafka.securityProtocol(),
                    "plaintext",
                    "ssl",
                    "sasl_plaintext",
                    "sasl_ssl");
        }
        Settings.oneOf("quckchat.kafka.auto-offset-reset", kafka.autoOffsetReset(), "earliest", "latest");
        Settings.positive("quckchat.kafka.max-in-flight", kafka.maxInFlight());
        Settings.positive("quckchat.kafka.drain-timeout", kafka.drainTimeout());
        Settings.positive("quckchat.kafka.session-timeout", kafka.sessionTimeout());
        if (kafka.sasl() != null && kafka.sasl().enabled()) {
            Settings.oneOf(
                    "quckchat.kafka.sasl.mechanism",
                    kafka.sasl().mechanism(),
                    "plain",
                    "scram-sha-256",
                    "scram-sha-512");
            Settings.notBlank("quckchat.kafka.sasl.password", kafka.sasl().password());
        }

        Settings.require(rabbitmq != null, "quckchat.rabbitmq", "is missing");
        rabbitUri(rabbitmq.url());
        Settings.notBlank("quckchat.rabbitmq.queue-prefix", rabbitmq.queuePrefix());
        Settings.notBlank("quckchat.rabbitmq.exchange", rabbitmq.exchange());
        Settings.positive("quckchat.rabbitmq.max-unconfirmed", rabbitmq.maxUnconfirmed());

        Settings.require(redis != null, "quckchat.redis", "is missing");
        Settings.notBlank("quckchat.redis.host", redis.host());
        Settings.port("quckchat.redis.port", redis.port());

        Settings.require(bullBoard != null, "quckchat.bull-board", "is missing");
        Settings.require(
                bullBoard.path() != null && bullBoard.path().startsWith("/"),
                "quckchat.bull-board.path",
                "must start with '/', got '" + bullBoard.path() + "'");

        Settings.require(admin != null, "quckchat.admin", "is missing");
        Settings.notBlank("quckchat.admin.username", admin.username());
        Settings.require(
                !admin.enabled() || admin.password().length() >= 12,
                "quckchat.admin.password",
                "is too short: use at least 12 characters");

        Settings.require(delivery != null, "quckchat.delivery", "is missing");
        Settings.positive("quckchat.delivery.attempts", delivery.attempts());
        Settings.positive("quckchat.delivery.initial-backoff", delivery.initialBackoff());
        Settings.positive("quckchat.delivery.max-backoff", delivery.maxBackoff());
        Settings.positive("quckchat.delivery.outage-max-backoff", delivery.outageMaxBackoff());
        Settings.require(
                delivery.backoffMultiplier() >= 1.0,
                "quckchat.delivery.backoff-multiplier",
                "must be at least 1.0, got " + delivery.backoffMultiplier());
        Settings.require(
                delivery.jitter() >= 0 && delivery.jitter() <= 1,
                "quckchat.delivery.jitter",
                "must be between 0 and 1, got " + delivery.jitter());
        Settings.positive("quckchat.delivery.ledger-ttl", delivery.ledgerTtl());
        Settings.notBlank("quckchat.delivery.ledger-prefix", delivery.ledgerPrefix());
        Settings.positive("quckchat.delivery.timeout", delivery.timeout());

        validateIngress();
    }

    private void validateIngress() {
        Settings.require(ingress != null, "quckchat.ingress", "is missing");
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
        Settings.require(
                ingress.maxBatchSize() >= 1 && ingress.maxBatchSize() <= 10_000,
                "quckchat.ingress.max-batch-size",
                "must be between 1 and 10000, got " + ingress.maxBatchSize());
        Settings.require(
                ingress.publishTimeout() != null && ingress.publishTimeout().toMillis() >= 200,
                "quckchat.ingress.publish-timeout",
                "must be at least 200ms, got " + ingress.publishTimeout());
        Settings.positive("quckchat.ingress.idempotency-ttl", ingress.idempotencyTtl());
        Settings.notBlank("quckchat.ingress.idempotency-prefix", ingress.idempotencyPrefix());
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
