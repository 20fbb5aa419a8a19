package io.quckchat.router.ops;

import java.util.Objects;
import org.slf4j.Logger;

/**
 * A broker's health problem, as a health detail ({@code <broker>: <innermost message>}) and in the
 * log once each time it changes, not at every check.
 */
final class BrokerProblem {

    private final String broker;
    private final Logger log;
    private volatile String last;

    BrokerProblem(String broker, Logger log) {
        this.broker = broker;
        this.log = log;
    }

    /** The failure's reason for the health details; logged when it differs from the last one. */
    String failed(String what, Throwable e) {
        String problem = describe(broker, e);
        if (!Objects.equals(problem, last)) {
            log.warn("{} unavailable: {}", what, problem);
            last = problem;
        }
        return problem;
    }

    /** The check passed: logged once after a failure. */
    void passed(String what) {
        if (last != null) {
            log.info("{} reachable again", what);
            last = null;
        }
    }

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
