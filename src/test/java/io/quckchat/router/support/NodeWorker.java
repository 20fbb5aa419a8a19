package io.quckchat.router.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A stock BullMQ Worker in Node, from a script in {@code src/test/node} (its {@code node_modules}
 * installed by {@code npm ci}, as the {@code -Pbrowser} profile does). The script prints
 * {@code ready} once listening; its later output goes to the test's output, prefixed with its name.
 */
public final class NodeWorker implements AutoCloseable {

    public static final Path NODE_DIR = Path.of("src", "test", "node");

    private final Process process;

    private NodeWorker(Process process) {
        this.process = process;
    }

    /** Starts the script and waits (bounded) for it to say it is listening. */
    public static NodeWorker start(String script, String name, Map<String, String> environment) throws Exception {
        ProcessBuilder builder =
                new ProcessBuilder("node", script).directory(NODE_DIR.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (Exception e) {
                        return e.toString();
                    }
                })
                .get(30, TimeUnit.SECONDS);
        assertThat(first).as(name + "'s first line").isEqualTo("ready");
        Thread drain = new Thread(
                () -> {
                    try {
                        out.lines().forEach(line -> System.out.println("[" + name + "] " + line));
                    } catch (Exception e) {
                        // the worker stopped
                    }
                },
                name + "-output");
        drain.setDaemon(true);
        drain.start();
        return new NodeWorker(process);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
