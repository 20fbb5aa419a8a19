package io.quckchat.router.bench;

import java.io.IOException;
import java.util.Map;

/** One run of wrk with bench/ingress.lua (what it sends is set by {@code env}), which prints a RESULT line. */
final class Wrk {

    /** What the script printed: seconds, requests, non-2xx or failed ones, latencies in ms. */
    record Result(double seconds, long requests, long refused, double p50, double p99, double max) {

        long accepted() {
            return requests - refused;
        }
    }

    private Wrk() {}

    static Result run(String url, int connections, int seconds, Map<String, String> env)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(
                        "wrk",
                        "-t" + Math.min(2, connections),
                        "-c" + connections,
                        "-d" + seconds + "s",
                        "--timeout",
                        "10s",
                        "-s",
                        "bench/ingress.lua",
                        url)
                .redirectErrorStream(true);
        builder.environment().putAll(env);
        Process wrk = builder.start();
        String out = new String(wrk.getInputStream().readAllBytes());
        if (wrk.waitFor() != 0) {
            throw new IllegalStateException("wrk failed: " + out);
        }
        String[] f = out.lines()
                .filter(line -> line.startsWith("RESULT "))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("wrk printed no RESULT: " + out))
                .split(" ");
        return new Result(
                Double.parseDouble(f[1]),
                Long.parseLong(f[2]),
                Long.parseLong(f[3]) + Long.parseLong(f[4]),
                Double.parseDouble(f[5]),
                Double.parseDouble(f[7]),
                Double.parseDouble(f[8]));
    }
}
