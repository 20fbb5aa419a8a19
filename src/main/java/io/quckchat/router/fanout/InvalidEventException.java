package io.quckchat.router.fanout;

/** The event cannot be fanned out as it is: not JSON, not an object, or against its topic's schema. Not retried. */
public class InvalidEventException extends RuntimeException {

    public InvalidEventException(String message) {
        super(message);
    }
}
