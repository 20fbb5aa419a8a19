package io.quckchat.router.fanout;

/**
 * One way an event breaks its topic's schema.
 *
 * @param path the JSON path of the problem, e.g. {@code $.senderId}
 * @param message what is wrong there
 */
public record SchemaError(String path, String message) {

    @Override
    public String toString() {
        return path + ": " + message;
    }
}
