package io.quckchat.router.jobs;

/** Custom BullMQ job ids of the router (docs/contract.md §5). */
public final class JobIds {

    private JobIds() {}

    /**
     * Escapes a part of a job id: {@code %} → {@code %25}, {@code :} → {@code %3A}, since BullMQ
     * refuses {@code :} in custom ids (it separates the parts of its Redis keys).
     */
    public static String escape(String part) {
        return part.replace("%", "%25").replace(":", "%3A");
    }
}
