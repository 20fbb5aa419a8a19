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
