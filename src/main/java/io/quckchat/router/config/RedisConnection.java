package io.quckchat.router.config;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.autoconfigure.data.redis.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.boot.autoconfigure.data.redis.RedisConnectionDetails;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.RedisCredentialsProviderFactory;
import org.springframework.stereotype.Component;

/**
 * The Redis connection of the whole router, built once from {@link RouterProperties.Redis}: Spring
 * Boot's Lettuce connection factory takes its address, database and TLS from here (this bean
 * replaces the {@code spring.data.redis.*} properties), and its credentials from a provider that
 * Lettuce asks at every connect. So every Redis user of the router — the BullMQ lane and its
 * queues, the ledger, ingress idempotency, the dashboard, queue depths and health — shares one set
 * of settings, and a password file rotated by Docker or Kubernetes is read again on reconnect.
 */
@Component
public class RedisConnection implements RedisConnectionDetails, LettuceClientConfigurationBuilderCustomizer {

    private final String host;
    private final int port;
    private final int database;
    private final String username;
    private final String password;
    private final Path passwordFile;
    private final SslBundle ssl;
    private final List<Node> sentinelNodes;
    private final String sentinelMaster;
    private final String sentinelPassword;
    private final List<Node> clusterNodes;

    public RedisConnection(RouterProperties properties) {
        RouterProperties.Redis redis = properties.redis();
        this.sentinelNodes = redis.sentinel() ? nodes("quckchat.redis.sentinel-nodes", redis.sentinelNodes()) : null;
        this.sentinelMaster = redis.sentinel() ? redis.sentinelMaster().trim() : null;
        this.sentinelPassword = blankToNull(redis.sentinelPassword());
        this.clusterNodes = redis.cluster() ? nodes("quckchat.redis.cluster-nodes", redis.clusterNodes()) : null;
        String url = redis.url();
        if (Settings.present(url)) {
            URI uri = RouterProperties.redisUri(url);
            this.host = uri.getHost();
            this.port = uri.getPort() > 0 ? uri.getPort() : 6379;
            String path = uri.getPath() == null ? "" : uri.getPath();
            this.database = path.length() > 1 ? Integer.parseInt(path.substring(1)) : 0;
            String[] userInfo = userInfo(uri.getRawUserInfo());
            this.username = userInfo[0];
            this.password = userInfo[1];
            this.passwordFile = null;
            this.ssl = "rediss".equals(uri.getScheme()) ? sslBundle(redis.tlsCaFile()) : null;
        } else {
            this.host = redis.host();
            this.port = redis.port();
            this.database = redis.database();
            this.username = blankToNull(redis.username());
            this.password = blankToNull(redis.password());
            this.passwordFile = Settings.present(redis.passwordFile())
                    ? Path.of(redis.passwordFile().trim())
                    : null;
            this.ssl = redis.tls() ? sslBundle(redis.tlsCaFile()) : null;
        }
    }

    private static List<Node> nodes(String setting, String list) {
        return RouterProperties.redisNodes(setting, list).stream()
                .map(node -> new Node(node.getHostString(), node.getPort()))
                .toList();
    }

    /** {@code user:password}, {@code :password} or {@code password} (as redis-cli and BullMQ read it). */
    private static String[] userInfo(String raw) {
        if (raw == null || raw.isEmpty()) {
            return new String[] {null, null};
        }
        int colon = raw.indexOf(':');
        if (colon < 0) {
            return new String[] {null, decode(raw)};
        }
        return new String[] {blankToNull(decode(raw.substring(0, colon))), decode(raw.substring(colon + 1))};
    }

    private static String decode(String value) {
        return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String blankToNull(String value) {
        return Settings.present(value) ? value : null;
    }

    private static SslBundle sslBundle(String caFile) {
        return TrustedCa.bundle(caFile, "quckchat.redis.tls-ca-file");
    }

    /** Where Redis is, for messages: host:port, database and whether TLS; never the password. */
    public String describe() {
        String where;
        if (sentinelNodes != null) {
            where = "master " + sentinelMaster + " of sentinels " + addresses(sentinelNodes)
                    + (database == 0 ? "" : " /" + database);
        } else if (clusterNodes != null) {
            where = "cluster " + addresses(clusterNodes);
        } else {
            where = host + ":" + port + (database == 0 ? "" : "/" + database);
        }
        return where + (ssl != null ? " (TLS)" : "") + (username != null ? " as " + username : "");
    }

    private static String addresses(List<Node> nodes) {
        return String.join(
                ",", nodes.stream().map(n -> n.host() + ":" + n.port()).toList());
    }

    @Override
    public Standalone getStandalone() {
        return Standalone.of(host, port, database, ssl);
    }

    /** Spring Boot's Lettuce factory asks the sentinels for the master, on start and at every reconnect. */
    @Override
    public Sentinel getSentinel() {
        if (sentinelNodes == null) {
            return null;
        }
        return new Sentinel() {
            @Override
            public int getDatabase() {
                return database;
            }

            @Override
            public String getMaster() {
                return sentinelMaster;
            }

            @Override
            public List<Node> getNodes() {
                return sentinelNodes;
            }

            @Override
            public String getUsername() {
                return null;
            }

            @Override
            public String getPassword() {
                return sentinelPassword;
            }

            @Override
            public SslBundle getSslBundle() {
                return ssl;
            }
        };
    }

    @Override
    public Cluster getCluster() {
        if (clusterNodes == null) {
            return null;
        }
        return new Cluster() {
            @Override
            public List<Node> getNodes() {
                return clusterNodes;
            }

            @Override
            public SslBundle getSslBundle() {
                return ssl;
            }
        };
    }

    /** None: the credentials come from the provider below, asked at every connect. */
    @Override
    public String getUsername() {
        return null;
    }

    @Override
    public String getPassword() {
        return null;
    }

    @Override
    public void customize(LettuceClientConfiguration.LettuceClientConfigurationBuilder builder) {
        if (clusterNodes != null) {
            builder.clientOptions(
                    clusterOptions(builder.build().getClientOptions().orElseGet(ClientOptions::create)));
        }
        if (username == null && password == null && passwordFile == null) {
            return;
        }
        builder.redisCredentialsProviderFactory(new RedisCredentialsProviderFactory() {
            @Override
            public RedisCredentialsProvider createCredentialsProvider(RedisConfiguration configuration) {
                return RedisCredentialsProvider.from(RedisConnection.this::credentials);
            }
        });
    }

    /**
     * Spring Boot's options (TLS, timeouts) with the cluster topology followed: refreshed when a
     * node answers MOVED or ASK, or reconnects persistently (a failover), and every 30 s.
     */
    private static ClusterClientOptions clusterOptions(ClientOptions options) {
        return ClusterClientOptions.builder(options)
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enableAllAdaptiveRefreshTriggers()
                        .enablePeriodicRefresh(Duration.ofSeconds(30))
                        .build())
                .build();
    }

    /** The user and the password now: the password file is read again each time. */
    RedisCredentials credentials() {
        String secret = password;
        if (passwordFile != null) {
            try {
                secret = Files.readString(passwordFile).strip();
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "quckchat.redis.password-file (REDIS_PASSWORD_FILE) cannot be read: " + e.getMessage(), e);
            }
        }
        return RedisCredentials.just(username, secret);
    }
}
