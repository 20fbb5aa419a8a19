package io.quckchat.router.routes;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import ch.qos.logback.classic.Level;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./mvnw -q test-compile exec:java@test-routes [-Droute=<route-id>]}: runs the route cases
 * ({@link RouteCasesTest}, the same JUnit tests {@code ./mvnw verify} runs) and prints one line
 * per case, PASS or FAIL, with every difference of a failing case under it. Exits 1 if any failed.
 */
public final class RouteTests {

    private RouteTests() {}

    public static void main(String[] args) {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        long start = System.nanoTime();
        PrintStream out = System.out;
        AtomicInteger passed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        TestExecutionListener report = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                boolean ok = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL;
                if (test.isTest()) {
                    (ok ? passed : failed).incrementAndGet();
                    out.println((ok ? "PASS  " : "FAIL  ") + test.getDisplayName());
                } else if (!ok) {
                    failed.incrementAndGet(); // the cases could not even be set up
                    out.println("FAIL  " + test.getDisplayName() + " (set-up)");
                }
                result.getThrowable().ifPresent(error -> {
                    String message = error instanceof AssertionError
                            ? String.valueOf(error.getMessage())
                            : error.toString() + " (cause: " + RouteValidator.rootMessage(error) + ")";
                    message.lines().forEach(line -> out.println("      " + line));
                });
            }
        };
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(RouteCasesTest.class))
                .build();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, report);
        out.printf(
                "%d case(s): %d passed, %d failed (%.1f s)%n",
                passed.get() + failed.get(), passed.get(), failed.get(), (System.nanoTime() - start) / 1e9);
        System.exit(failed.get() == 0 ? 0 : 1);
    }
}
