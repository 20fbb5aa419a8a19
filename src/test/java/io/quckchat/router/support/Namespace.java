package io.quckchat.router.support;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Names that keep one test's router apart from the others' on shared brokers: its own exchange,
 * queue prefix, consumer group, ledger and BullMQ key prefixes. The Kafka topics are the real
 * ones; a new group starts at their end ({@link TestBrokers#startGroupAtEnd}).
 */
public record Namespace(String id) {

    public static Namespace random() {
        return new Namespace("t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
    }

    public String queuePrefix() {
        return id;
    }

    public String exchange() {
        return id + ".events";
    }

    public String queue(String shortName) {
        return queuePrefix() + "." + shortName;
    }

    public String groupId() {
        return id + "-group";
    }

    public String ledgerPrefix() {
        return id + ":ledger";
    }

    public String bullPrefix() {
        return id + ":bull";
    }

    /** The namespace's settings with these {@code --name=value} arguments replacing those of the same name. */
    public List<String> routerArgs(TestBrokers brokers, String... overrides) {
        List<String> args = routerArgs(brokers);
        for (String override : overrides) {
            String name = override.substring(0, override.indexOf('=') + 1);
            args.removeIf(arg -> arg.startsWith(name));
            args.add(override);
        }
        return args;
    }

    /** The router's settings for this namespace, as command-line arguments in the contract's names. */
    public List<String> routerArgs(TestBrokers brokers) {
        List<String> args = new ArrayList<>(List.of(
                "--KAFKA_BROKERS=" + brokers.kafkaBootstrap(),
                "--KAFKA_GROUP_ID=" + groupId(),
                "--RABBITMQ_URL=" + brokers.rabbitUrl(),
                "--RABBITMQ_QUEUE_PREFIX=" + queuePrefix(),
                "--RABBITMQ_EXCHANGE=" + exchange(),
                "--REDIS_HOST=" + brokers.redisHost(),
                "--REDIS_PORT=" + brokers.redisPort(),
                "--quckchat.delivery.ledger-prefix=" + ledgerPrefix(),
                "--quckchat.bullmq.prefix=" + bullPrefix(),
                "--camel.main.name=router-" + id,
                "--server.port=0"));
        return args;
    }
}
