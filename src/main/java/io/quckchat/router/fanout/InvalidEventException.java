package io.quckchat.router.fanout;

/** The event cannot be fanned out as it is: not JSON, not an object, or against its topic's schema. Not retried. */
public class InvalidEventException extends RuntimeException {

    private final String path;
    private final String reason;

    public InvalidEventException(String message) {
        this(message, null, null);
    }

    /**
     * @param path the JSON path of the first problem, e.g. {@code $.senderId}
     * @param reason what is wrong there
     */
    public InvalidEventException(String message, String path, String reason) {
        super(message);
        this.path = path;
        this.reason = reason;
    }

    /** The JSON path of the first problem, or null when the problem is not at one place. */
    public String path() {
        return path;
    }

    /** What is wrong at {@link #path()}, or null. */
    public String reason() {
        return reason;
    }
}
