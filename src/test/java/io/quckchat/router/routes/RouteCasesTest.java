package io.quckchat.router.routes;

import static org.junit.jupiter.api.Assertions.fail;

import io.quckchat.router.config.RouterProperties;
import io.quckchat.router.fanout.JsonSchemas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * Every case of {@code routes/tests/*.yaml}, one JUnit test each, named {@code <route-id> / <case>}:
 * the shipped {@code routes/*.camel.yaml}, {@code config/schemas} and the route configurations in
 * a CamelContext of camel-test-junit5, with the sinks recording (see {@link RouteSandbox}); no
 * broker, no network. {@code ./mvnw -q test-compile exec:java@test-routes} runs the same cases with
 * one line each ({@link RouteTests}); {@code -Droute=<route-id>} narrows both to one route.
 */
class RouteCasesTest extends CamelTestSupport {

    /** Narrows the cases to one route. */
    static final String ROUTE_PROPERTY = "route";

    static final Path ROUTES = Path.of(System.getProperty("quckchat.routes-dir", "routes"));
    static final Path TESTS = ROUTES.resolve("tests");
    static final Path SETTINGS = Path.of("config", "application.yml");

    private RouteSandbox sandbox;
    /** Route files that do not load, with why: each one fails as a test of its own. */
    private final Map<Path, String> brokenRoutes = new LinkedHashMap<>();

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        sandbox = sandbox(context, ROUTES, brokenRoutes);
        return context;
    }

    /**
     * The router's parts in recording mode in a context that is not started yet ({@link
     * RouteSandbox#install}), with the settings of {@code config/application.yml} and the routes of a
     * folder loaded; a route file that does not load goes to {@code broken} with why.
     */
    static RouteSandbox sandbox(CamelContext context, Path routes, Map<Path, String> broken) throws Exception {
        ConfigurableEnvironment settings = SandboxSettings.load(SETTINGS);
        SandboxSettings.useProperties(context, settings);
        RouterProperties router = SandboxSettings.bind(settings);
        JsonSchemas schemas = new JsonSchemas(new DefaultResourceLoader(), router.schemasDir());
        RouteSandbox sandbox = RouteSandbox.install(context, SandboxSettings.parts(router, schemas));
        try (Stream<Path> files = Files.list(routes)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".camel.yaml"))
                    .sorted()
                    .toList()) {
                try {
                    sandbox.load(ResourceHelper.resolveResource(context, "file:" + file.toAbsolutePath()));
                } catch (Exception e) {
                    broken.put(file, RouteValidator.rootMessage(e));
                }
            }
        }
        return sandbox;
    }

    /** Where {@code sample:} names a file: {@code quckchat.samples-dir} of config/application.yml. */
    static Path samples() throws java.io.IOException {
        return Path.of(SandboxSettings.bind(SandboxSettings.load(SETTINGS)).samplesDir());
    }

    @Override
    protected void doPostSetup() throws Exception {
        sandbox.startRoutes();
    }

    @TestFactory
    Stream<DynamicTest> routeCases() throws Exception {
        String only = System.getProperty(ROUTE_PROPERTY);
        List<DynamicTest> tests = new ArrayList<>();
        brokenRoutes.forEach((file, why) -> tests.add(DynamicTest.dynamicTest(
                file.getFileName() + " (route file)", () -> fail(file + " does not load: " + why))));
        Set<String> tested = new TreeSet<>();
        Path samples = samples();
        for (Path file : RouteTestFile.files(TESTS)) {
            RouteTestFile.Contents contents =
                    RouteTestFile.read(file, sandbox, samples, TESTS.resolve(RouteTestFile.SCHEMA_FILE));
            if (only != null && !only.equals(contents.route())) {
                continue;
            }
            tested.add(contents.route());
            if (!contents.problems().isEmpty()) {
                tests.add(DynamicTest.dynamicTest(
                        contents.route() + " (test file)", () -> fail(String.join("\n", contents.problems()))));
            }
            for (RouteCase routeCase : contents.cases()) {
                tests.add(DynamicTest.dynamicTest(routeCase.displayName(), () -> {
                    List<String> differences = routeCase.differences(sandbox);
                    if (!differences.isEmpty()) {
                        fail(String.join("\n", differences));
                    }
                }));
            }
        }
        for (org.apache.camel.Route route : context.getRoutes()) {
            String id = route.getRouteId();
            if (!tested.contains(id) && (only == null || only.equals(id))) {
                tests.add(DynamicTest.dynamicTest(
                        id + " (no cases)",
                        () -> fail("route " + id + " has no cases: add " + TESTS.resolve(id + ".yaml")
                                + " (docs/route-tests.md)")));
            }
        }
        if (tests.isEmpty()) {
            tests.add(DynamicTest.dynamicTest(
                    only + " (no such route)", () -> fail("no route " + only + " and no test file for it")));
        }
        return tests.stream();
    }
}
