package io.quckchat.router.routes;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.impl.DefaultCamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;

/**
 * The routing simulator of the running router: what the routes <em>currently loaded</em> would do
 * with an event, shown by a {@link RouteSandbox} of its own (no JMX, no metrics, no ledger, no
 * sending). Before each answer it loads again the route files whose routes the router reloaded
 * since (hot reload), and drops those it removed; a file saved broken keeps its last good routes,
 * here as in the router.
 */
public class RouteSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RouteSimulator.class);

    private final CamelContext live;
    private final Environment settings;
    private final RouteSandbox.Parts parts;
    private RouteSandbox sandbox;
    /** The router's routes per file as the sandbox last loaded them (by identity: a reload makes new ones). */
    private Map<String, List<Route>> loaded = Map.of();

    public RouteSimulator(CamelContext live, Environment settings, RouteSandbox.Parts parts) {
        this.live = live;
        this.settings = settings;
        this.parts = parts;
    }

    /** See {@link RouteSandbox#simulate}; empty when no loaded route consumes the topic. */
    public synchronized Optional<Simulation> simulate(
            String topic, byte[] value, String key, Map<String, String> headers) throws Exception {
        sync();
        if (sandbox.routeOf(topic).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(sandbox.simulate(topic, value, key, headers));
    }

    /** The topics of the loaded routes, with their route ids. */
    public synchronized Map<String, String> routesByTopic() throws Exception {
        sync();
        Map<String, String> routes = new TreeMap<>();
        for (String topic : sandbox.topics()) {
            routes.put(topic, sandbox.routeOf(topic).orElseThrow());
        }
        return routes;
    }

    private void sync() throws Exception {
        if (sandbox == null) {
            DefaultCamelContext context = new DefaultCamelContext();
            context.getCamelContextExtension().setName(live.getName() + "-simulator");
            context.disableJMX(); // not another context in Hawtio, no statistics
            SandboxSettings.useProperties(context, settings);
            sandbox = RouteSandbox.install(context, parts);
            context.start();
        }
        Map<String, List<Route>> now = RouteSandbox.routesByLocation(live);
        if (now.equals(loaded)) {
            return;
        }
        Set<String> locations = new HashSet<>(loaded.keySet());
        locations.addAll(now.keySet());
        Map<String, List<Route>> synced = new HashMap<>(now);
        for (String location : locations) {
            List<Route> before = loaded.get(location);
            List<Route> after = now.get(location);
            if (after != null && after.equals(before)) { // Route has no equals: the same route objects
                continue;
            }
            sandbox.unload(location);
            if (after != null) {
                try {
                    sandbox.load(after.get(0).getSourceResource());
                } catch (Exception e) {
                    // saved broken after the router reloaded it: its topics answer 404 until it loads
                    log.warn("Simulator cannot load {}: {}", location, RouteValidator.rootMessage(e));
                    synced.remove(location);
                }
            }
        }
        sandbox.startRoutes();
        loaded = synced;
    }

    @Override
    public synchronized void close() {
        if (sandbox != null) {
            sandbox.context().stop();
        }
    }
}
