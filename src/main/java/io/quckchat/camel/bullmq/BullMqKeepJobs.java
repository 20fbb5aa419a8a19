package io.quckchat.camel.bullmq;

import java.util.Locale;
import java.util.Objects;

/**
 * What a stock worker keeps of a finished job ({@code opts.removeOnComplete} / {@code
 * opts.removeOnFail}): everything ({@code false}), nothing ({@code true}), the newest {@code count}
 * jobs of the whole completed/failed set, or jobs younger than {@code age} seconds (optionally also
 * at most {@code count}, removing at most {@code limit} per finished job). The worker applies it
 * when the job finishes; there is no timer.
 */
public final class BullMqKeepJobs {

    private static final BullMqKeepJobs KEEP_ALL = new BullMqKeepJobs(Boolean.FALSE, null, null, null);
    private static final BullMqKeepJobs REMOVE = new BullMqKeepJobs(Boolean.TRUE, null, null, null);

    private final Boolean remove;
    private final Long age;
    private final Long count;
    private final Long limit;

    private BullMqKeepJobs(Boolean remove, Long age, Long count, Long limit) {
        this.remove = remove;
        this.age = age;
        this.count = count;
        this.limit = limit;
    }

    /** {@code true}: delete the job as soon as it finishes. */
    public static BullMqKeepJobs remove() {
        return REMOVE;
    }

    /** {@code false}: keep every finished job (also overrides the worker's default). */
    public static BullMqKeepJobs keepAll() {
        return KEEP_ALL;
    }

    /** A number: keep the newest {@code count} finished jobs of the queue. */
    public static BullMqKeepJobs count(long count) {
        requireNonNegative("count", count);
        return new BullMqKeepJobs(null, null, count, null);
    }

    /** {@code {age}}: keep finished jobs for {@code ageSeconds} seconds. */
    public static BullMqKeepJobs age(long ageSeconds) {
        return age(ageSeconds, null, null);
    }

    /** {@code {age, count, limit}}: any of count and limit may be null. */
    public static BullMqKeepJobs age(long ageSeconds, Long count, Long limit) {
        requireNonNegative("age", ageSeconds);
        if (count != null) {
            requireNonNegative("count", count);
        }
        if (limit != null) {
            requireNonNegative("limit", limit);
        }
        return new BullMqKeepJobs(null, ageSeconds, count, limit);
    }

    /**
     * Parses the string form used by endpoint options and headers: {@code true}, {@code false}, a
     * count ({@code 100}), or comma-separated {@code age:<seconds>}, {@code count:<n>}, {@code
     * limit:<n>} (e.g. {@code age:86400,count:10000}). Returns null for null, blank or {@code
     * default}: the option is left out and the worker's own setting applies.
     */
    public static BullMqKeepJobs parse(String text) {
        if (text == null || text.isBlank() || text.trim().equalsIgnoreCase("default")) {
            return null;
        }
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("true")) {
            return REMOVE;
        }
        if (value.equals("false")) {
            return KEEP_ALL;
        }
        if (value.chars().allMatch(Character::isDigit)) {
            return count(parseLong(text, value));
        }
        Long age = null;
        Long count = null;
        Long limit = null;
        for (String part : value.split(",")) {
            String[] kv = part.split("[:=]", 2);
            if (kv.length != 2) {
                throw invalid(text);
            }
            long n = parseLong(text, kv[1].trim());
            switch (kv[0].trim()) {
                case "age" -> age = n;
                case "count" -> count = n;
                case "limit" -> limit = n;
                default -> throw invalid(text);
            }
        }
        if (age == null) {
            if (count != null && limit == null) {
                return count(count);
            }
            throw invalid(text);
        }
        return age(age, count, limit);
    }

    private static long parseLong(String text, String number) {
        try {
            return Long.parseLong(number);
        } catch (NumberFormatException e) {
            throw invalid(text);
        }
    }

    private static BullMqException invalid(String text) {
        return new BullMqException("Invalid removeOnComplete/removeOnFail '" + text
                + "': use true, false, a count, or age:<seconds>[,count:<n>][,limit:<n>]");
    }

    private static void requireNonNegative(String what, long value) {
        if (value < 0) {
            throw new BullMqException("removeOn " + what + " must be >= 0, got " + value);
        }
    }

    /** The JSON value BullMQ stores: {@code true}, {@code false}, {@code 100} or {@code {"age":..}}. */
    String toJson() {
        if (remove != null) {
            return remove.toString();
        }
        if (age == null) {
            return count.toString();
        }
        StringBuilder json = new StringBuilder("{\"age\":").append(age);
        if (count != null) {
            json.append(",\"count\":").append(count);
        }
        if (limit != null) {
            json.append(",\"limit\":").append(limit);
        }
        return json.append('}').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BullMqKeepJobs other
                && Objects.equals(remove, other.remove)
                && Objects.equals(age, other.age)
                && Objects.equals(count, other.count)
                && Objects.equals(limit, other.limit);
    }

    @Override
    public int hashCode() {
        return Objects.hash(remove, age, count, limit);
    }

    @Override
    public String toString() {
        return toJson();
    }
}
