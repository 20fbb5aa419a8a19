package io.quckchat.router.ingress;

import java.util.Set;

/** An authenticated ingress caller: its name (the events' {@code ce_source}) and the topics it may post to. */
record Caller(String name, Set<String> topics) {

    static final String ANONYMOUS = "anonymous";
    static final String ALL_TOPICS = "*";

    boolean mayPost(String topic) {
        return topics.contains(ALL_TOPICS) || topics.contains(topic);
    }
}
