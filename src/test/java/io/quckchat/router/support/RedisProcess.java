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
    private Process process;

    public RedisProcess(int port) throws IOException {
        this.executable = locate();
        this.port = port;
        this.workDir = Files.createTempDirectory("quckchat-redis");
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
        process = new ProcessBuilder(List.of(
                        executable.getAbsolutePath(),
                        "--port",
                        String.valueOf(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        workDir.toString()))
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("redis.log").toFile())
                .start();
        await("redis-server on port " + port)
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(this::accepting);
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
