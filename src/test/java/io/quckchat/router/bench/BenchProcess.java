package io.quckchat.router.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A subject of the benchmark (a router or the baseline) as its own JVM, so that its CPU time and
 * peak resident memory can be read from {@code /proc} without counting the brokers or the load
 * generator. Its output goes to a log file under {@code target/bench/}.
 */
final class BenchProcess implements AutoCloseable {

    /** Clock ticks per second of {@code /proc/<pid>/stat} (USER_HZ, 100 on Linux). */
    private static final double TICKS = 100.0;

    private final String name;
    private final Process process;
    private final Path log;

    private BenchProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static BenchProcess start(String name, List<String> command, Path log) throws IOException {
        return start(name, new ProcessBuilder(command), log);
    }

    static BenchProcess start(String name, ProcessBuilder builder, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        Process process = builder.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                .start();
        return new BenchProcess(name, process, log);
    }

    /** User plus system CPU seconds the process has used so far (every thread). */
    double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // fields after the command name, which is in parentheses and may hold spaces
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS;
        } catch (IOException e) {
            throw new IllegalStateException(name + " has exited; see " + log, e);
        }
    }

    /** The peak resident set size so far (VmHWM), in MiB. */
    double peakRssMib() {
        return status("VmHWM:");
    }

    /** The resident set size now (VmRSS), in MiB. */
    double rssMib() {
        return status("VmRSS:");
    }

    /** A size line of {@code /proc/<pid>/status}, in MiB. */
    private double status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
            throw new IllegalStateException("No " + field + " for " + name);
        } catch (IOException e) {
            throw new IllegalStateException(name + " has exited; see " + log, e);
        }
    }

    void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
        }
    }

    long pid() {
        return process.pid();
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    /** SIGTERM, and wait for a graceful exit (then SIGKILL). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** A benchmark command's {@code --name=value} arguments, in their order. */
    static java.util.Map<String, String> options(String[] args) {
        java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("Arguments are --name=value, got: " + arg);
            }
            options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        return options;
    }
}
