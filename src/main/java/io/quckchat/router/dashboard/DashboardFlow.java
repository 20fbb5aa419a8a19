package io.quckchat.router.dashboard;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quckchat.camel.bullmq.BullMqState;
import io.quckchat.router.dashboard.QueueDashboard.QueueView;
import io.quckchat.router.delivery.Lane;
import io.quckchat.router.source.ChatEventSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The flow map's live figures ({@code GET BULL_BOARD_PATH/api/flow}), keyed like {@link FlowMap}'s
 * edges and nodes: per edge the events or legs per second since the previous reading (at least 2 s
 * apart, so several open consoles share one reading) and why it is in trouble (its lane is in
 * outage, or the destination rejected legs in that time); per node its figure (a topic's consumer
 * lag, a queue's depth, a dead-letter topic's letters per second).
 */
@RestController
@ConditionalOnProperty(prefix = "quckchat.bull-board", name = "enabled", havingValue = "true")
@RequestMapping(path = "${quckchat.bull-board.path}/api", produces = MediaType.APPLICATION_JSON_VALUE)
class DashboardFlow {

    private static final long MIN_INTERVAL_NANOS = 2_000_000_000L;

    /** An edge now: per second, and why it is in trouble (null when it is not). */
    record EdgeNow(double perSecond, String trouble) {}

    /** A node now: what it shows under its name, and why it is in trouble (null when it is not). */
    record NodeNow(String figure, String trouble) {}

    record Flow(Map<String, EdgeNow> edges, Map<String, NodeNow> nodes) {}

    private final QueueDashboard dashboard;
    private final MeterRegistry registry;
    private final ChatEventSource source;
    private final List<Lane> lanes;

    private Map<String, Double> lastCounts = Map.of();
    private long lastAt;
    private Map<String, Double> perSecond = Map.of();

    DashboardFlow(QueueDashboard dashboard, MeterRegistry registry, ChatEventSource source, List<Lane> lanes) {
        this.dashboard = dashboard;
        this.registry = registry;
        this.source = source;
        this.lanes = lanes;
    }

    @GetMapping("/flow")
    Flow flow() {
        Map<String, Double> rates = rates();
        Map<String, String> laneTrouble = new HashMap<>();
        for (Lane lane : lanes) {
            if (!lane.isAvailable()) {
                laneTrouble.put(lane.name(), "lane " + lane.name() + " in outage: " + lane.lastProblem());
            }
        }
        Map<String, EdgeNow> edges = new TreeMap<>();
        Map<String, NodeNow> nodes = new TreeMap<>();
        for (Map.Entry<String, Double> rate : rates.entrySet()) {
            String key = rate.getKey();
            if (key.startsWith("rejected|")) {
                continue;
            }
            String trouble = null;
            if (!key.startsWith("topic|") && !key.startsWith("dlq|")) {
                String destination = key.split("\\|", 3)[1];
                trouble = laneTrouble.get(destination);
                if (trouble == null && rates.getOrDefault("rejected|" + key, 0.0) > 0) {
                    trouble = "the destination rejects legs";
                }
            }
            edges.put(key, new EdgeNow(rate.getValue(), trouble));
            if (key.startsWith("dlq|")) {
                String topic = key.substring(4);
                nodes.put(
                        "dead-letters:" + topic + ".dlq",
                        new NodeNow(String.format("%.1f letters/s", rate.getValue()), null));
            }
        }
        Map<String, Long> lag = new TreeMap<>();
        for (Map.Entry<TopicPartition, Long> partition : source.lag().entrySet()) {
            lag.merge(partition.getKey().topic(), partition.getValue(), Long::sum);
        }
        lag.forEach((topic, behind) -> nodes.put("topic:" + topic, new NodeNow("lag " + behind, null)));
        for (QueueView queue : dashboard.queues()) {
            long waiting = queue.count(BullMqState.WAITING)
                    + queue.count(BullMqState.PRIORITIZED)
                    + queue.count(BullMqState.DELAYED);
            nodes.put(
                    "bullmq:" + queue.name(),
                    new NodeNow(
                            waiting + " waiting, " + queue.count(BullMqState.FAILED) + " failed"
                                    + (queue.paused() ? ", paused" : ""),
                            laneTrouble.get("bullmq")));
        }
        dashboard
                .rabbitDepths()
                .forEach((queue, depth) ->
                        nodes.put("rabbitmq:" + queue, new NodeNow(depth + " ready", laneTrouble.get("rabbitmq"))));
        return new Flow(edges, nodes);
    }

    /** Per second since the previous reading, by edge key (and {@code rejected|<edge>} for rejections). */
    private synchronized Map<String, Double> rates() {
        long now = System.nanoTime();
        if (lastAt != 0 && now - lastAt < MIN_INTERVAL_NANOS) {
            return perSecond;
        }
        Map<String, Double> counts = new HashMap<>();
        for (Counter counter : registry.find("quckchat.events.received").counters()) {
            counts.merge("topic|" + counter.getId().getTag("topic"), counter.count(), Double::sum);
        }
        for (Counter counter :
                registry.find("quckchat.legs").tag("outcome", "delivered").counters()) {
            counts.merge(edge(counter), counter.count(), Double::sum);
        }
        for (Counter counter :
                registry.find("quckchat.leg.failures").tag("kind", "rejected").counters()) {
            counts.merge("rejected|" + edge(counter), counter.count(), Double::sum);
        }
        for (Counter counter : registry.find("quckchat.dead.letters").counters()) {
            counts.merge("dlq|" + counter.getId().getTag("topic"), counter.count(), Double::sum);
        }
        Map<String, Double> rates = new HashMap<>();
        double seconds = lastAt == 0 ? 0 : (now - lastAt) / 1e9;
        counts.forEach((key, count) -> {
            double before = lastCounts.getOrDefault(key, lastAt == 0 ? count : 0.0);
            rates.put(key, seconds == 0 ? 0.0 : Math.max(0, count - before) / seconds);
        });
        lastCounts = counts;
        lastAt = now;
        perSecond = rates;
        return rates;
    }

    private static String edge(Counter counter) {
        return counter.getId().getTag("route") + "|" + counter.getId().getTag("destination") + "|"
                + counter.getId().getTag("target");
    }
}
