package io.quckchat.router.support;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * A real Kafka broker (KRaft, in this JVM, Kafka's own test kit) whose client listener asks for
 * SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) over plain TCP or TLS, or for a client certificate
 * (mutual TLS). Users: {@code admin} (PLAIN, used by the broker itself and by this class), and the
 * ones a test adds. The router's topics are created, one partition each.
 */
public final class SecuredKafka implements AutoCloseable {

    public static final String ADMIN_PASSWORD = "admin-secret-0123";

    /** How the client listener is secured. */
    public enum Mode {
        SASL_PLAINTEXT,
        SASL_SSL,
        /** TLS with a client certificate the broker requires (the CA's), no SASL. */
        MUTUAL_TLS
    }

    private final Mode mode;
    private final KafkaClusterTestKit cluster;
    private final TestCertificates authority;

    private SecuredKafka(Mode mode, KafkaClusterTestKit cluster, TestCertificates authority) {
        this.mode = mode;
        this.cluster = cluster;
        this.authority = authority;
    }

    /** Starts a broker; {@code plainUsers} are PLAIN users (name to password) besides admin. */
    public static SecuredKafka start(Mode mode, Map<String, String> plainUsers) throws Exception {
        TestCertificates authority = TestCertificates.authority("kafka");
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("auto.create.topics.enable", "false")
                .setConfigProp("offsets.topic.replication.factor", "1");
        String protocol = switch (mode) {
            case SASL_PLAINTEXT -> "SASL_PLAINTEXT";
            case SASL_SSL -> "SASL_SSL";
            case MUTUAL_TLS -> "SSL";
        };
        // EXTERNAL is the test kit's client (and inter-broker) listener
        builder.setConfigProp("listener.security.protocol.map", "EXTERNAL:" + protocol + ",CONTROLLER:PLAINTEXT");
        if (mode != Mode.MUTUAL_TLS) {
            StringBuilder jaas = new StringBuilder(
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\""
                            + ADMIN_PASSWORD + "\" user_admin=\"" + ADMIN_PASSWORD + "\"");
            plainUsers.forEach((user, password) -> jaas.append(" user_")
                    .append(user)
                    .append("=\"")
                    .append(password)
                    .append('"'));
            builder.setConfigProp("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512")
                    .setConfigProp("sasl.mechanism.inter.broker.protocol", "PLAIN")
                    .setConfigProp("listener.name.external.plain.sasl.jaas.config", jaas + ";")
                    .setConfigProp(
                            "listener.name.external.scram-sha-256.sasl.jaas.config",
                            "org.apache.kafka.common.security.scram.ScramLoginModule required;")
                    .setConfigProp(
                            "listener.name.external.scram-sha-512.sasl.jaas.config",
                            "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
        if (mode != Mode.SASL_PLAINTEXT) {
            TestCertificates.Server server = authority.server("kafka", "localhost");
            builder.setConfigProp("listener.name.external.ssl.keystore.type", "PEM")
                    .setConfigProp(
                            "listener.name.external.ssl.keystore.certificate.chain",
                            Files.readString(server.certificate()))
                    .setConfigProp("listener.name.external.ssl.keystore.key", Files.readString(server.key()))
                    .setConfigProp("listener.name.external.ssl.truststore.type", "PEM")
                    .setConfigProp(
                            "listener.name.external.ssl.truststore.certificates", Files.readString(authority.caFile()));
        }
        if (mode == Mode.MUTUAL_TLS) {
            builder.setConfigProp("listener.name.external.ssl.client.auth", "required");
            // the broker's own connections to itself show a client certificate too
            TestCertificates.Server self = authority.server("kafka-broker-client", "localhost");
            builder.setConfigProp("ssl.keystore.type", "PEM")
                    .setConfigProp("ssl.keystore.certificate.chain", Files.readString(self.certificate()))
                    .setConfigProp("ssl.keystore.key", Files.readString(self.key()));
        }
        KafkaClusterTestKit cluster = builder.build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        SecuredKafka kafka = new SecuredKafka(mode, cluster, authority);
        try (Admin admin = Admin.create(kafka.adminClient())) {
            admin.createTopics(TestBrokers.TOPICS.stream()
                            .map(topic -> new NewTopic(topic, 1, (short) 1))
                            .toList())
                    .all()
                    .get();
        }
        return kafka;
    }

    /** Adds a SCRAM user (both SHA-256 and SHA-512 credentials). */
    public void addScramUser(String user, String password) throws Exception {
        try (Admin admin = Admin.create(adminClient())) {
            // one credential of a user per request
            for (ScramMechanism mechanism : List.of(ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512)) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                                user, new ScramCredentialInfo(mechanism, 4096), password)))
                        .all()
                        .get();
            }
        }
    }

    public String bootstrap() {
        return cluster.bootstrapServers();
    }

    /** The CA that signed the broker's certificate (and, for mutual TLS, the clients'). */
    public TestCertificates authority() {
        return authority;
    }

    /** Client settings of the admin user, for this class and for tests that read the topics. */
    public Map<String, Object> adminClient() throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrap());
        switch (mode) {
            case SASL_PLAINTEXT, SASL_SSL -> {
                config.put("security.protocol", mode.name());
                config.put("sasl.mechanism", "PLAIN");
                config.put(
                        "sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\""
                                + ADMIN_PASSWORD + "\";");
            }
            case MUTUAL_TLS -> {
                config.put("security.protocol", "SSL");
                TestCertificates.Server client = authority.server("kafka-admin", "admin");
                config.put("ssl.keystore.type", "PEM");
                config.put("ssl.keystore.certificate.chain", Files.readString(client.certificate()));
                config.put("ssl.keystore.key", Files.readString(client.key()));
            }
        }
        if (mode != Mode.SASL_PLAINTEXT) {
            config.put("ssl.truststore.type", "PEM");
            config.put("ssl.truststore.certificates", Files.readString(authority.caFile()));
        }
        return config;
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
