package io.quckchat.camel.bullmq;

import java.nio.charset.StandardCharsets;

/** The Redis keys of one BullMQ queue: {@code <prefix>:<queue>:<suffix>}, the job hash {@code <prefix>:<queue>:<id>}. */
final class QueueKeys {

    private final String base;

    QueueKeys(String prefix, String queue) {
        validateQueue(queue);
        this.base = prefix + ":" + queue + ":";
    }

    /** BullMQ's rule for queue names: given, and without ':' (it separates the key's parts). */
    static void validateQueue(String queue) {
        if (queue == null || queue.isEmpty()) {
            throw new BullMqException("Queue name must be provided");
        }
        if (queue.indexOf(':') >= 0) {
            throw new BullMqException("Queue name cannot contain ':', got '" + queue + "'");
        }
    }

    /** {@code <prefix>:<queue>:}, the prefix of every key of the queue. */
    String base() {
        return base;
    }

    String key(String suffix) {
        return base + suffix;
    }

    byte[] bytes(String suffix) {
        return key(suffix).getBytes(StandardCharsets.UTF_8);
    }

    byte[] baseBytes() {
        return base.getBytes(StandardCharsets.UTF_8);
    }
}
