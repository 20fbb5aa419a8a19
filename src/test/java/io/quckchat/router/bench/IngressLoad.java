package io.quckchat.router.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * HTTP ingress traffic beside the benchmark's Kafka load ({@code bench/run.sh --ingress-rate=N}):
 * user.online posts at N per second in all, split over the router instances, for as long as the
 * steady-state phase. Only for router subjects; the others have no ingress.
 */
final class IngressLoad {

    private static final int CONNECTIONS = 4;

    private final List<CompletableFuture<Wrk.Result>> runs;

    private IngressLoad(List<CompletableFuture<Wrk.Result>> runs) {
        this.runs = runs;
    }

    static IngressLoad start(String subject, List<Integer> ports, int rate, int seconds) {
        List<CompletableFuture<Wrk.Result>> runs = new ArrayList<>();
        if (rate > 0 && subject.startsWith("router")) {
            for (int port : ports) {
                Map<String, String> env = Map.of(
                        "INGRESS_TOKEN", IngressBench.TOKEN,
                        "CONNECTIONS", Integer.toString(CONNECTIONS),
                        "RATE", Integer.toString(Math.max(1, rate / ports.size())));
                runs.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return Wrk.run("http://127.0.0.1:" + port, CONNECTIONS, seconds, env);
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                }));
            }
        }
        return new IngressLoad(runs);
    }

    /** Waits for the posts to end; the events the ingress accepted. */
    long await() {
        long accepted = 0;
        for (CompletableFuture<Wrk.Result> run : runs) {
            Wrk.Result result = run.join();
            if (result.refused() > 0) {
                System.out.println("[bench]   the ingress refused or failed " + result.refused() + " of "
                        + result.requests() + " posts");
            }
            accepted += result.accepted();
        }
        return accepted;
    }
}
