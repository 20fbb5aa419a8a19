package io.quckchat.camel.bullmq;

import java.util.Locale;

/**
 * How a stock BullMQ worker spaces the retries of a failed job ({@code opts.backoff}). The worker
 * computes the delay: {@code fixed} waits {@code delay} ms before every retry, {@code exponential}
 * waits {@code 2^(n-1) * delay} ms before retry n. With a jitter j (0..1) the wait is drawn at
 * random between {@code (1-j)} and 1 times that value.
 *
 * @param type fixed or exponential
 * @param delay the base delay in ms, {@code >= 0}
 * @param jitter null for none, else 0..1
 */
public record BullMqBackoff(Type type, long delay, Double jitter) {

    /** The backoff strategies every stock worker knows. */
    public enum Type {
        FIXED,
        EXPONENTIAL;

        /** The name BullMQ stores in {@code opts.backoff.type}. */
        public String bullMqName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses {@code fixed} or {@code exponential} (any case). */
        public static Type of(String name) {
            for (Type type : values()) {
                if (type.bullMqName().equalsIgnoreCase(name.trim())) {
                    return type;
                }
            }
            throw new BullMqException("Unknown backoff type '" + name + "': use fixed or exponential");
        }
    }

    public BullMqBackoff {
        if (type == null) {
            throw new BullMqException("Backoff type is required");
        }
        if (delay < 0) {
            throw new BullMqException("Backoff delay must be >= 0 ms, got " + delay);
        }
        if (jitter != null && !(jitter >= 0 && jitter <= 1)) {
            throw new BullMqException("Backoff jitter should be between 0 and 1, got " + jitter);
        }
    }

    public static BullMqBackoff fixed(long delayMs) {
        return new BullMqBackoff(Type.FIXED, delayMs, null);
    }

    public static BullMqBackoff exponential(long delayMs) {
        return new BullMqBackoff(Type.EXPONENTIAL, delayMs, null);
    }

    public BullMqBackoff withJitter(double jitter) {
        return new BullMqBackoff(type, delay, jitter);
    }

    /** The normalised form BullMQ stores: {@code {"type":"exponential","delay":1000[,"jitter":0.2]}}. */
    String toJson() {
        StringBuilder json = new StringBuilder(64)
                .append("{\"type\":\"")
                .append(type.bullMqName())
                .append("\",\"delay\":")
                .append(delay);
        if (jitter != null) {
            json.append(",\"jitter\":").append(Json.number(jitter));
        }
        return json.append('}').toString();
    }
}
