package io.quckchat.router.support;

import com.rabbitmq.client.Delivery;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Counting what arrived: distinct message ids, duplicates, what is missing. */
public final class Deliveries {

    private Deliveries() {}

    public static Set<String> distinctIds(List<Delivery> deliveries) {
        Set<String> ids = new HashSet<>();
        for (Delivery delivery : deliveries) {
            ids.add(delivery.getProperties().getMessageId());
        }
        return ids;
    }

    public static int duplicates(List<Delivery> deliveries) {
        return deliveries.size() - distinctIds(deliveries).size();
    }

    /**
     * How often, per conversation, an event arrived (first arrival only) before an earlier one.
     * Ids look like {@code <prefix>-<sequence>.<leg>}; event {@code i} belongs to conversation
     * {@code i % keys}, as the tests produce them.
     */
    public static int outOfOrder(Iterable<String> idsInArrivalOrder, String prefix, int keys) {
        Map<Integer, List<Integer>> perKey = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (String id : idsInArrivalOrder) {
            if (seen.add(id)) {
                int sequence = Integer.parseInt(id.substring(prefix.length() + 1, id.indexOf('.')));
                perKey.computeIfAbsent(sequence % keys, k -> new java.util.ArrayList<>())
                        .add(sequence);
            }
        }
        int violations = 0;
        for (List<Integer> sequence : perKey.values()) {
            for (int i = 1; i < sequence.size(); i++) {
                if (sequence.get(i) < sequence.get(i - 1)) {
                    violations++;
                }
            }
        }
        return violations;
    }

    /** Message ids per ordering key, in arrival order. */
    public static Map<String, List<String>> byHeader(List<Delivery> deliveries, String header) {
        Map<String, List<String>> byKey = new HashMap<>();
        for (Delivery delivery : deliveries) {
            Object key = delivery.getProperties().getHeaders().get(header);
            byKey.computeIfAbsent(String.valueOf(key), k -> new java.util.ArrayList<>())
                    .add(delivery.getProperties().getMessageId());
        }
        return byKey;
    }
}
