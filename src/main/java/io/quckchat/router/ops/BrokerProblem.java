package io.quckchat.router.ops;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;

/**
 * A broker's health problem, as a health detail ({@code <broker>: <innermost message>}) and in the
 * log once each time it changes, not at every check.
 */
final class BrokerProblem {

    private final String broker;
    private final Logger log;
    private final Predicate<Throwable> answer;
    private volatile String last;

    BrokerProblem(String broker, Logger log) {
        this(broker, log, e -> false);
    }

    /**
     * @param answer tells a broker's own answer (a refused password, a missing permission) from a
     *     transport symptom; an answer found anywhere in the failure, suppressed exceptions
     *     included, is the reason given. A client that tries several nodes (Lettuce asks each
     *     sentinel in turn) keeps the other nodes' failures as suppressed exceptions, and the one
     *     it chose as the cause may be a closed connection while the others say why.
     */
    BrokerProblem(String broker, Logger log, Predicate<Throwable> answer) {
        this.broker = broker;
        this.log = log;
        this.answer = answer;
    }

    /** The failure's reason for the health details; logged when it differs from the last one. */
    String failed(String what, Throwable e) {
        Throwable reason = answerIn(e, answer);
        String problem = reason == null ? describe(broker, e) : broker + ": " + reason.getMessage();
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

    /** The first throwable in the failure's cause chains and suppressed exceptions that is an answer. */
    static Throwable answerIn(Throwable e, Predicate<Throwable> answer) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> next = new ArrayDeque<>();
        next.add(e);
        while (!next.isEmpty()) {
            Throwable t = next.poll();
            if (!seen.add(t)) {
                continue;
            }
            if (answer.test(t) && t.getMessage() != null && !t.getMessage().isBlank()) {
                return t;
            }
            if (t.getCause() != null) {
                next.add(t.getCause());
            }
            next.addAll(java.util.Arrays.asList(t.getSuppressed()));
        }
        return null;
    }
}
