package io.quckchat.router.support;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import redis.embedded.core.ExecutableProvider;

/**
 * A real {@code redis-server} process for tests: the one on the PATH if there is one, else the
 * binary that the embedded-redis jar ships. Started on a free port, nothing persisted; it can be
 * stopped and started again on the same port to simulate an outage.
 */
public final class RedisProcess implements AutoCloseable {

    private final File executable;
    private final int port;
    private final Path workDir;
    private final List<String> settings;
    private Path configFile;
    private Process process;

    public RedisProcess(int port) throws IOException {
        this(port, List.of());
    }

    /**
     * A server with more settings, as {@code redis-server} takes them on its command line (a later
     * one wins over the defaults): e.g. {@code --user router on >password ~* &* +@all}.
     */
    public RedisProcess(int port, List<String> settings) throws IOException {
        this.executable = locate();
        this.port = port;
        this.workDir = Files.createTempDirectory("quckchat-redis");
        this.settings = List.copyOf(settings);
    }

    /** A server that speaks only TLS on {@code port}, with this certificate; clients need not show one. */
    public static RedisProcess tls(int port, TestCertificates.Server certificate, Path ca, List<String> settings)
            throws IOException {
        List<String> all = new java.util.ArrayList<>(List.of(
                "--port",
                "0",
                "--tls-port",
                String.valueOf(port),
                "--tls-cert-file",
                certificate.certificate().toString(),
                "--tls-key-file",
                certificate.key().toString(),
                "--tls-ca-cert-file",
                ca.toString(),
                "--tls-auth-clients",
                "no"));
        all.addAll(settings);
        return new RedisProcess(port, all);
    }

    /**
     * A Sentinel on {@code port} watching the master {@code name} at {@code 127.0.0.1:masterPort}
     * (quorum 2 of 3, down after 1 s), authenticating to it with {@code masterPassword}, and asking
     * its own clients for {@code sentinelPassword}. Sentinel
     * rewrites its configuration file, so it gets one of its own.
     */
    public static RedisProcess sentinel(
            int port, String name, int masterPort, String masterPassword, String sentinelPassword) throws IOException {
        RedisProcess sentinel = new RedisProcess(port, List.of("--sentinel"));
        sentinel.configFile = Files.writeString(
                sentinel.workDir.resolve("sentinel.conf"),
                String.join(
                        "\n",
                        "sentinel monitor " + name + " 127.0.0.1 " + masterPort + " 2",
                        "sentinel auth-pass " + name + " " + masterPassword,
                        "sentinel down-after-milliseconds " + name + " 1000",
                        "sentinel failover-timeout " + name + " 10000",
                        "sentinel parallel-syncs " + name + " 2",
                        // clients and the other sentinels (with the same password) authenticate
                        "requirepass " + sentinelPassword,
                        ""));
        return sentinel;
    }

    static File locate() throws IOException {
        try {
            return ExecutableProvider.newExecutableInPath("redis-server").get();
        } catch (IOException e) {
            return ExecutableProvider.newJarResourceProvider().get();
        }
    }

    public File executable() {
        return executable;
    }

    public int port() {
        return port;
    }

    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = new java.util.ArrayList<>(List.of(executable.getAbsolutePath()));
        if (configFile != null) {
            command.add(configFile.toString()); // a configuration file goes first
        }
        command.addAll(List.of(
                "--port",
                String.valueOf(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                workDir.toString()));
        command.addAll(settings);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("redis.log").toFile())
                .start();
        Process started = process;
        await("redis-server on port " + port + " (log: " + workDir.resolve("redis.log") + ")")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .failFast("redis-server exited", () -> !started.isAlive())
                .until(this::accepting);
    }

    public Path workDir() {
        return workDir;
    }

    /**
     * A graceful restart: SIGTERM, on which Redis writes what it holds to disk (with {@code
     * --appendonly yes} nothing acknowledged is lost), then the same server again.
     */
    public synchronized void restart() throws IOException, InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor();
            process = null;
        }
        start();
    }

    /** Kills the server (as a crash or outage would). */
    public synchronized void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    private boolean accepting() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
