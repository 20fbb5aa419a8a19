package io.quckchat.router.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The router as a separate process, started from the jar the build just packaged, so that a test
 * can {@code kill -9} it. Its log goes to {@code target/router-<name>.log}.
 */
public final class RouterProcess implements AutoCloseable {

    private final String name;
    private final List<String> args;
    private final int port;
    private final Path log;
    private Process process;

    public RouterProcess(Namespace namespace, String name, String... extraArgs) throws IOException {
        this.name = name;
        this.port = TestBrokers.freePort();
        this.log = Paths.get("target", "router-" + namespace.id() + "-" + name + ".log");
        List<String> overrides = new ArrayList<>(
                List.of("--server.port=" + port, "--camel.main.name=router-" + namespace.id() + "-" + name));
        overrides.addAll(List.of(extraArgs));
        this.args = namespace.routerArgs(TestBrokers.get(), overrides.toArray(String[]::new));
    }

    public static Path jar() throws IOException {
        try (Stream<Path> files = Files.list(Paths.get("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("quckchat-router-.*\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("No router jar in target/: run ./mvnw package first"));
        }
    }

    public RouterProcess start() throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        // the JVM options the router ships with (the Dockerfile starts it the same way)
        List<String> command = new ArrayList<>(List.of(java, "@config/jvm.options", "-jar", jar().toString()));
        command.addAll(args);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        HttpClient http = HttpClient.newHttpClient();
        await("router " + name + " healthy (log: " + log + ")")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("Router " + name + " exited; see " + log);
                    }
                    try {
                        HttpResponse<String> health = http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        return health.statusCode() == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });
        return this;
    }

    /** SIGKILL: no shutdown hook, no drain, no commit. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM: a graceful shutdown. */
    public int stop() throws InterruptedException {
        process.destroy();
        return process.waitFor();
    }

    /**
     * Legs this process has delivered so far, from its own metrics ({@code quckchat_legs_total} with
     * outcome delivered); the process must run with {@code --ADMIN_PASSWORD=}{@link Http#ADMIN_PASSWORD}.
     */
    public long deliveredLegs() throws IOException, InterruptedException {
        HttpResponse<String> metrics = new Http(port).get("/actuator/prometheus", Http.admin());
        if (metrics.statusCode() != 200) {
            throw new IllegalStateException(
                    "Router " + name + " answered " + metrics.statusCode() + " for its metrics");
        }
        return Math.round(metrics.body()
                .lines()
                .filter(line -> line.startsWith("quckchat_legs_total{") && line.contains("outcome=\"delivered\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum());
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        if (isAlive()) {
            kill();
        }
    }
}
