package io.quckchat.router.dashboard;

import io.quckchat.router.routes.RouteSandbox;
import io.quckchat.router.routes.RouteSandbox.Destination;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;

/**
 * The path events take, drawn from the routes loaded now (so it follows a hot reload): Kafka topics
 * (and timers) → routes → RabbitMQ queues and BullMQ queues, and each topic's dead-letter topic.
 * Laid out in four columns for an SVG; the live figures (rates, lag, depths, outages) are read
 * separately ({@link DashboardFlow}) and put on the drawing by the page's script.
 *
 * @param nodes every node, with its place in the drawing
 * @param edges every edge; {@link Edge#key()} names the meters it shows
 * @param width the drawing's width
 * @param height the drawing's height
 */
public record FlowMap(List<Node> nodes, List<Edge> edges, int width, int height) {

    /** Kinds of node, also their column. */
    public enum Kind {
        TOPIC(0),
        TIMER(0),
        ROUTE(1),
        RABBITMQ(2),
        BULLMQ(2),
        DEAD_LETTERS(3);

        final int column;

        Kind(int column) {
            this.column = column;
        }

        /** The CSS class and data attribute value: {@code topic}, {@code dead-letters} ... */
        public String css() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    /**
     * A box of the drawing.
     *
     * @param id unique in the map: {@code <kind>:<name>}
     * @param name what the box says (a topic, a route id, a queue)
     * @param link where a click goes (its detail), relative to the dashboard's path
     */
    public record Node(String id, Kind kind, String name, String link, int x, int y) {
        public int width() {
            return WIDTH;
        }

        public int height() {
            return HEIGHT;
        }

        /** The middle of the box's left side, where edges arrive. */
        public int inX() {
            return x;
        }

        /** The middle of the box's right side, where edges leave. */
        public int outX() {
            return x + WIDTH;
        }

        public int middleY() {
            return y + HEIGHT / 2;
        }

        public int textX() {
            return x + 10;
        }

        public int textY() {
            return y + 22;
        }

        public int figureY() {
            return y + 40;
        }

        /** The name as it fits in the box (the whole name is the box's tooltip). */
        public String label() {
            return name.length() <= LABEL ? name : name.substring(0, LABEL - 1) + "…";
        }
    }

    /**
     * A line from one node to another.
     *
     * @param key what its live figures are read by: {@code route|destination|target} for a leg
     *     ({@code rabbitmq|notifications}, {@code bullmq|push/new-message}), {@code topic|<topic>}
     *     for the events a route reads, {@code dlq|<topic>} for dead letters
     * @param label what the line carries (a job name), or empty
     */
    public record Edge(String from, String to, String key, String label, String path, int labelX, int labelY) {}

    static final int WIDTH = 200;
    static final int HEIGHT = 50;
    /** Characters of a name that fit in a box. */
    private static final int LABEL = 26;

    private static final int ROW = 64;
    private static final int COLUMN = 290;
    private static final int MARGIN = 10;

    /** The map of the routes loaded in this context now. */
    public static FlowMap of(CamelContext camel) {
        List<RouteDefinition> routes = new ArrayList<>(((ModelCamelContext) camel).getRouteDefinitions());
        routes.sort(Comparator.comparing(RouteDefinition::getRouteId));
        Map<String, String[]> nodes = new LinkedHashMap<>(); // id -> kind, name, link
        List<String[]> edges = new ArrayList<>(); // from, to, key, label
        for (RouteDefinition route : routes) {
            String routeId = route.getRouteId();
            String routeNode = "route:" + routeId;
            String uri = route.getInput() == null ? "" : route.getInput().getEndpointUri();
            String topic = uri.startsWith("chat-events:") ? uri.substring("chat-events:".length()) : null;
            String source;
            if (topic != null) {
                source = "topic:" + topic;
                nodes.putIfAbsent(source, new String[] {"TOPIC", topic, "/route?id=" + routeId});
            } else {
                source = "timer:" + routeId;
                int query = uri.indexOf('?');
                nodes.putIfAbsent(
                        source,
                        new String[] {"TIMER", query < 0 ? uri : uri.substring(0, query), "/route?id=" + routeId});
            }
            nodes.put(routeNode, new String[] {"ROUTE", routeId, "/route?id=" + routeId});
            edges.add(new String[] {source, routeNode, topic == null ? "" : "topic|" + topic, ""});
            for (Destination destination : RouteSandbox.destinations(camel, route)) {
                boolean rabbit = "rabbitmq".equals(destination.kind());
                String node = destination.kind() + ":" + destination.queue();
                nodes.putIfAbsent(node, new String[] {
                    rabbit ? "RABBITMQ" : "BULLMQ",
                    destination.queue(),
                    rabbit ? "#rabbitmq-" + destination.queue() : "/?queue=" + destination.queue() + "&state=waiting"
                });
                String target = destination.jobName() == null
                        ? destination.queue()
                        : destination.queue() + "/" + destination.jobName();
                String key = routeId + "|" + destination.kind() + "|" + target;
                if (edges.stream().noneMatch(e -> e[2].equals(key))) {
                    edges.add(new String[] {
                        routeNode, node, key, destination.jobName() == null ? "" : destination.jobName()
                    });
                }
            }
            if (topic != null) {
                String dlq = "dead-letters:" + topic + ".dlq";
                nodes.putIfAbsent(dlq, new String[] {
                    "DEAD_LETTERS", topic + ".dlq", "/?dl-topic=" + topic + ".dlq#panel-dead-letters"
                });
                edges.add(new String[] {routeNode, dlq, "dlq|" + topic, ""});
            }
        }
        int[] rows = new int[4];
        Map<String, Node> placed = new LinkedHashMap<>();
        // routes first, in order; sources and destinations follow their first route's row
        nodes.forEach((id, n) -> {
            Kind kind = Kind.valueOf(n[0]);
            int row = rows[kind.column]++;
            placed.put(id, new Node(id, kind, n[1], n[2], MARGIN + kind.column * COLUMN, MARGIN + row * ROW));
        });
        List<Edge> drawn = new ArrayList<>();
        for (String[] e : edges) {
            Node from = placed.get(e[0]);
            Node to = placed.get(e[1]);
            int x1 = from.outX();
            int y1 = from.middleY();
            int x2 = to.inX();
            int y2 = to.middleY();
            int bend = (x2 - x1) / 2;
            String path = "M" + x1 + "," + y1 + " C" + (x1 + bend) + "," + y1 + " " + (x2 - bend) + "," + y2 + " " + x2
                    + "," + y2;
            drawn.add(new Edge(e[0], e[1], e[2], e[3], path, (x1 + x2) / 2, (y1 + y2) / 2 - 4));
        }
        int maxRows = 0;
        for (int r : rows) {
            maxRows = Math.max(maxRows, r);
        }
        return new FlowMap(
                List.copyOf(placed.values()),
                List.copyOf(drawn),
                2 * MARGIN + 3 * COLUMN + WIDTH,
                2 * MARGIN + Math.max(1, maxRows) * ROW);
    }

    /** The nodes of one kind, in drawing order. */
    public List<Node> nodes(Kind kind) {
        return nodes.stream().filter(n -> n.kind() == kind).toList();
    }
}
