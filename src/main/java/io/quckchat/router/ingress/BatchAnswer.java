package io.quckchat.router.ingress;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The answer to a batch: one item per event, in order, each with its own status; the whole is 202
 * when every item was published, 207 when some were, 503 when Kafka took none, else the items'
 * common status (or 400 when they differ).
 *
 * @param failed whether an item failed on the router's side (5xx): then a repeat of the request
 *     runs again instead of being answered with this
 */
record BatchAnswer(int status, String json, boolean failed) {

    static BatchAnswer of(List<EventIngress.Outcome> outcomes) {
        ArrayNode items = EventIngress.JSON.createArrayNode();
        int accepted = 0;
        boolean unavailable = false;
        boolean failed = false;
        Integer common = null;
        boolean same = true;
        for (int i = 0; i < outcomes.size(); i++) {
            EventIngress.Outcome outcome = outcomes.get(i);
            int status = outcome.problem() == null ? 202 : outcome.problem().status();
            accepted += status == 202 ? 1 : 0;
            unavailable |= status == 503;
            failed |= status >= 500;
            same &= common == null || common == status;
            common = common == null ? status : common;
            ObjectNode item =
                    EventIngress.JSON.createObjectNode().put("index", i).put("status", status);
            item.setAll(outcome.toJson());
            items.add(item);
        }
        int n = outcomes.size();
        int status;
        if (accepted == n) {
            status = 202;
        } else if (accepted > 0) {
            status = 207;
        } else if (unavailable) {
            status = 503;
        } else if (same) {
            status = common;
        } else {
            status = 400;
        }
        ObjectNode answer =
                EventIngress.JSON.createObjectNode().put("accepted", accepted).put("rejected", n - accepted);
        answer.set("items", items);
        return new BatchAnswer(status, answer.toString(), failed);
    }
}
