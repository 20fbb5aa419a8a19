package io.quckchat.router.deadletter;

import io.quckchat.router.event.ChatEvent;
import io.quckchat.router.event.Leg;
import io.quckchat.router.event.RetryPolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Why an event, or one leg of it, goes to {@code <topic>.dlq}: the failed leg, the error, the
 * attempts and when they failed. The dead-letter lane turns it into record headers.
 *
 * @param failedLeg the leg that failed, or {@link #WHOLE_EVENT} when the event itself was rejected
 * @param stage where it failed: {@link #STAGE_EVENT}, {@link #STAGE_LEG} or {@link #STAGE_DISPATCH}
 * @param failedBy the class that gave up on it: the leg's lane, or what rejected the event
 */
public record DeadLetter(
        String failedLeg,
        String stage,
        String failedBy,
        String errorClass,
        String errorMessage,
        String stackTrace,
        int attempts,
        Instant firstFailure,
        Instant lastFailure) {

    /** The failed "leg" of an event rejected before fan-out (not JSON, schema violation, route error). */
    public static final String WHOLE_EVENT = "event";

    /** Stage of an event rejected before fan-out: not JSON, a schema violation, the route threw. */
    public static final String STAGE_EVENT = "EVENT";
    /** Stage of a leg its destination refused past the leg's retry policy. */
    public static final String STAGE_LEG = "LEG";
    /** Stage of a leg that could not be handed to its lane: a bug in the router or a sink, never a broker's answer. */
    public static final String STAGE_DISPATCH = "DISPATCH";

    /** The dead-letter leg of a leg that failed past its policy; {@code whenWritten} runs once it is written. */
    public static Leg of(Leg failed, Leg.Destination deadLetters, Consumer<Leg> whenWritten) {
        return of(failed, STAGE_LEG, failed.destination().getClass(), deadLetters, whenWritten);
    }

    /**
     * The dead-letter leg of {@code failed} at {@code stage}, given up on by {@code failedBy};
     * {@code whenWritten} runs once it is written.
     */
    public static Leg of(
            Leg failed, String stage, Class<?> failedBy, Leg.Destination deadLetters, Consumer<Leg> whenWritten) {
        Throwable error = failed.lastError();
        DeadLetter letter = new DeadLetter(
                failed.name(),
                stage,
                failedBy.getName(),
                error.getClass().getName(),
                String.valueOf(error.getMessage()),
                stackTrace(error),
                failed.attempts(),
                failed.firstFailure(),
                failed.lastFailure());
        Leg leg = new Leg(
                failed.event(),
                deadLetters,
                "dead-letter:" + failed.name(),
                failed.event().value(),
                letter,
                failed.policy());
        leg.onResolved(whenWritten);
        return leg;
    }

    /** The dead-letter leg of an event the route rejected as a whole. */
    public static Leg ofEvent(
            ChatEvent event, Leg.Destination deadLetters, Throwable error, Class<?> rejectedBy, RetryPolicy policy) {
        Instant now = Instant.now();
        DeadLetter letter = new DeadLetter(
                WHOLE_EVENT,
                STAGE_EVENT,
                rejectedBy.getName(),
                error.getClass().getName(),
                String.valueOf(error.getMessage()),
                stackTrace(error),
                1,
                now,
                now);
        return new Leg(event, deadLetters, "dead-letter:" + WHOLE_EVENT, event.value(), letter, policy);
    }

    static String stackTrace(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        String text = out.toString();
        return text.length() > 8000 ? text.substring(0, 8000) : text;
    }
}
