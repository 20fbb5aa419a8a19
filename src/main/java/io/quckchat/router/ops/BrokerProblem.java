package io.quckchat.router.ops;

/** The reason a broker refused or failed, as a health detail: {@code <broker>: <innermost message>}. */
final class BrokerProblem {

    private BrokerProblem() {}

    /**
     * The innermost message of the cause chain: what the broker answered (WRONGPASS,
     * ACCESS_REFUSED) or why the connection failed (certificate path, host name, refused).
     */
    static String describe(String broker, Throwable e) {
        Throwable cause = e;
        String message = e.getMessage();
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
            if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
                message = cause.getMessage();
            }
        }
        return broker + ": " + (message == null ? cause.getClass().getSimpleName() : message);
    }
}
